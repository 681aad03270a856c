import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Db } from '../common/db-types';
import { KYSELY } from '../database';
import type { VeStatus } from '../database/database.types';
import { MetricsService } from './metrics.service';

const STATUSES: readonly VeStatus[] = ['deploying', 'ready', 'degraded', 'failed', 'stopped'];

/**
 * VEs by status, counted in Postgres at scrape time: the database is the truth and every replica
 * reports the same numbers. A read-only aggregate across customers, so it lives with the metrics
 * rather than behind the (tenant-scoped) VesService.
 */
@Injectable()
export class VeStatusCollector implements OnModuleInit {
  constructor(
    @Inject(KYSELY) private readonly db: Db,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.onCollect(() => this.collect());
  }

  async collect(): Promise<void> {
    const rows = await this.db
      .selectFrom('ves')
      .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
      .where('deleted_at', 'is', null)
      .groupBy('status')
      .execute();
    const counts = new Map(rows.map((r) => [r.status, Number(r.count)]));
    // Every status is reported, zeros included, so a dashboard sees a status drop to 0.
    for (const status of STATUSES)
      this.metrics.vesByStatus.set({ status }, counts.get(status) ?? 0);
  }
}
