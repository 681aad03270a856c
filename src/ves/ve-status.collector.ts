import { Injectable, OnModuleInit } from '@nestjs/common';
import type { VeStatus } from '../database/database.types';
import { MetricsService } from '../metrics/metrics.service';
import { VesRepository } from './ves.repository';

const STATUSES: readonly VeStatus[] = ['deploying', 'ready', 'degraded', 'failed', 'stopped'];

/**
 * VEs by status (ve_virtual_employees), counted in Postgres at scrape time: the database is the
 * truth and every replica reports the same numbers.
 */
@Injectable()
export class VeStatusCollector implements OnModuleInit {
  constructor(
    private readonly repo: VesRepository,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.onCollect(() => this.collect());
  }

  async collect(): Promise<void> {
    const counts = await this.repo.countByStatus();
    // Every status is reported, zeros included, so a dashboard sees a status drop to 0.
    for (const status of STATUSES)
      this.metrics.vesByStatus.set({ status }, counts.get(status) ?? 0);
  }
}
