import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { KYSELY } from '../database/database.constants';
import type { Database } from '../database/database.types';

/** A caller's transaction open longer than this is not waited for: its effects are dropped (logged). */
const MAX_WAIT_MS = 10 * 60_000;
const FIRST_STEP_MS = 2;
const MAX_STEP_MS = 250;

interface Waiting {
  xid: string;
  since: number;
  effect: () => Promise<void>;
}

/**
 * Runs effects (events, metrics, budget checks) once a caller's transaction has committed, and
 * never when it rolled back: Kysely has no commit hooks, so the ledger insert returns its
 * transaction id and the watcher asks Postgres `pg_xact_status` from another connection — one
 * query for every transaction waiting, backing off while they stay in progress. A retried job
 * whose first transaction rolled back therefore announces its usage once.
 */
@Injectable()
export class CommitWatcher implements OnApplicationShutdown {
  private readonly logger = new Logger(CommitWatcher.name);
  private waiting: Waiting[] = [];
  private timer?: NodeJS.Timeout;
  private step = FIRST_STEP_MS;
  private closed = false;

  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  /** `xid`: pg_current_xact_id() of the transaction, read inside it. */
  afterCommit(xid: string, effect: () => Promise<void>): void {
    if (this.closed) return;
    this.waiting.push({ xid, since: Date.now(), effect });
    this.step = FIRST_STEP_MS;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed || !this.waiting.length) return;
    this.timer = setTimeout(() => void this.tick(), this.step);
  }

  private async tick(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    let status = new Map<string, string | null>();
    try {
      const xids = [...new Set(batch.map((w) => w.xid))];
      const { rows } = await sql<{ xid: string; status: string | null }>`
        select x as xid, pg_xact_status(x::xid8) as status from unnest(${xids}::text[]) as x`.execute(
        this.db,
      );
      status = new Map(rows.map((r) => [r.xid, r.status]));
    } catch (err) {
      this.logger.warn({ err }, 'could not read transaction statuses; asking again');
    }
    const now = Date.now();
    const still: Waiting[] = [];
    for (const w of batch) {
      const s = status.has(w.xid) ? status.get(w.xid) : 'in progress';
      if (s === 'committed') {
        w.effect().catch((err: unknown) =>
          this.logger.error({ err, xid: w.xid }, 'after-commit effect failed'),
        );
      } else if (s === 'in progress' && now - w.since < MAX_WAIT_MS) {
        still.push(w);
      } else if (s === 'in progress') {
        this.logger.warn(
          { xid: w.xid },
          'transaction still open after 10 min: its usage effects are dropped',
        );
      }
    }
    // New arrivals reset the step; a batch that only waits backs off.
    if (still.length && !this.waiting.length) this.step = Math.min(this.step * 2, MAX_STEP_MS);
    this.waiting.push(...still);
    this.timer = undefined;
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.waiting.length)
      this.logger.warn(`${this.waiting.length} after-commit effect(s) dropped at shutdown`);
    this.waiting = [];
  }
}
