import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { KYSELY } from '../database/database.constants';
import type { Database } from '../database/database.types';
import { ledgerKey, type LedgerRow, UsageRepository } from './usage.repository';

/** Rows per statement at most (a few hundred parameters' worth of VALUES). */
const MAX_BATCH = 200;

interface Waiter {
  row: LedgerRow;
  resolve(inserted: boolean): void;
  reject(err: unknown): void;
}

/**
 * Writes the ledger rows recorded outside a caller's transaction, with their rollups: the rows
 * that arrive while a statement is running go together in the next one. Under load that is one
 * statement and one commit for many agent replies, and one taker of each rollup row's lock
 * instead of a queue of them (every reply of a customer's VE and model updates the same row);
 * alone, a row is written at once. Each row stays exactly-once by its (customer, source event) key.
 */
@Injectable()
export class UsageLedgerWriter {
  private queued: Waiter[] = [];
  private running = false;

  constructor(
    @Inject(KYSELY) private readonly db: Kysely<Database>,
    private readonly usage: UsageRepository,
  ) {}

  /** True when the row was new, false when its key was recorded before (or is twice in a batch). */
  write(row: LedgerRow): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queued.push({ row, resolve, reject });
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queued.length) await this.flush(this.queued.splice(0, MAX_BATCH));
    this.running = false;
  }

  private async flush(batch: Waiter[]): Promise<void> {
    // One row per key; a repeat in the same batch is a duplicate, like a repeat after it.
    const byKey = new Map<string, Waiter[]>();
    for (const w of batch) {
      const key = ledgerKey(w.row);
      const same = byKey.get(key);
      if (same) same.push(w);
      else byKey.set(key, [w]);
    }
    const settle = (same: Waiter[], inserted: boolean) =>
      same.forEach((w, i) => w.resolve(inserted && i === 0));
    const fail = (same: Waiter[], err: unknown) => same.forEach((w) => w.reject(err));
    try {
      const inserted = await this.usage.insertLedgerWithRollup(
        this.db,
        [...byKey.values()].map((same) => same[0]!.row),
      );
      for (const [key, same] of byKey) settle(same, inserted.has(key));
    } catch (err) {
      if (byKey.size === 1 || !isRowError(err)) {
        for (const same of byKey.values()) fail(same, err);
        return;
      }
      // One bad row (a customer deleted meanwhile) must not fail the others: each on its own.
      await Promise.all(
        [...byKey.values()].map((same) =>
          this.usage.insertLedgerWithRollup(this.db, [same[0]!.row]).then(
            (inserted) => settle(same, inserted.size > 0),
            (e: unknown) => fail(same, e),
          ),
        ),
      );
    }
  }
}

/** Postgres refused a row (integrity constraint or data exception), not the connection or the server. */
function isRowError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('23') || code.startsWith('22'));
}
