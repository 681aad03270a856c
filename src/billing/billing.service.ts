import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { Db } from '../common/db-types';
import { BudgetExceededError, NotFoundError } from '../common/domain-errors';
import { KYSELY } from '../database/database.constants';
import type { Database } from '../database/database.types';
import { EventsService } from '../events/events.service';
import { MetricsService } from '../metrics/metrics.service';
import { periodOf, utcDay } from './billing-period';
import type { UsageEvent } from './billing.types';
import { BudgetService, isBlocked } from './budget.service';
import { CommitWatcher } from './commit-watcher';
import { costMicros, formatUsd } from './money';
import { PricingService, ResolvedPrice } from './pricing.service';
import { validateUsageEvent, ValidUsageEvent } from './usage-event';
import { UsageLedgerWriter } from './usage-ledger.writer';
import { LedgerRow, UsageRepository } from './usage.repository';

/** The metrics label of unpriced models: agents may report any name, labels must stay few. */
const UNPRICED = 'unpriced';

/** Contract used by gateway, tasks and webhooks. Owned by the billing issue (#7). */
@Injectable()
export class BillingService {
  private readonly logger = new Logger(BillingService.name);
  /** In-flight canRun queries by customer: a burst of a customer's tasks shares one (bench/: 2 per task). */
  private readonly runChecks = new Map<string, Promise<boolean>>();
  /** Threshold checks by customer and period: one runs at a time, and once more if usage came meanwhile. */
  private readonly thresholdChecks = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(
    @Inject(KYSELY) private readonly db: Kysely<Database>,
    private readonly usage: UsageRepository,
    private readonly ledger: UsageLedgerWriter,
    private readonly pricing: PricingService,
    private readonly budgets: BudgetService,
    private readonly commits: CommitWatcher,
    private readonly events: EventsService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Records usage once per (customer, sourceEventId), whatever the source, with its cost fixed now
   * in micro-dollars, and adds it to the daily rollup in the same transaction — the caller's when
   * `db` is one. After the commit: `usage.recorded`, metrics, budget thresholds.
   */
  async recordUsage(
    event: UsageEvent,
    db?: Db,
  ): Promise<{ recorded: boolean; costMicros: number }> {
    const usage = validateUsageEvent(event);
    // In the caller's transaction: no second pool connection while it holds one.
    const priced = await this.pricing.resolve(usage.model, db);
    const row: LedgerRow = {
      customer_id: usage.customerId,
      ve_id: usage.veId,
      task_id: usage.taskId,
      model: usage.model,
      input_tokens: usage.inputTokens,
      output_tokens: usage.outputTokens,
      cost_micros: costMicros(usage.inputTokens, usage.outputTokens, priced.price),
      fallback_price: priced.fallback,
      source: usage.source,
      source_event_id: usage.sourceEventId,
      occurred_at: usage.occurredAt,
    };
    const effects = () => this.afterRecorded(usage, row, priced);
    const write = async (trx: Db, joined: boolean) => {
      const xid = await this.insertLedger(trx, row);
      if (xid === undefined) {
        const cost = await this.usage.costOf(trx, row.customer_id, row.source_event_id);
        return { recorded: false, costMicros: cost ?? 0 };
      }
      await this.usage.addToRollup(trx, row, utcDay(usage.occurredAt));
      // In a caller's transaction the effects wait for its commit; in ours they follow it below.
      if (joined) this.commits.afterCommit(xid, effects);
      return { recorded: true, costMicros: row.cost_micros };
    };
    if (db?.isTransaction) return write(db, true);
    // Alone, the ledger row and its rollup are one statement (shared with the rows recorded meanwhile).
    const own = db ?? this.db;
    if (!(await this.insertWithRollup(own, row))) {
      const cost = await this.usage.costOf(own, row.customer_id, row.source_event_id);
      return { recorded: false, costMicros: cost ?? 0 };
    }
    await effects();
    return { recorded: true, costMicros: row.cost_micros };
  }

  /** Throws BudgetExceededError (402) when a hard-stop budget is exhausted this month. */
  async assertCanSpend(customerId: string): Promise<void> {
    const spend = await this.budgets.spendIfHardStop(customerId);
    if (spend && isBlocked(spend)) {
      throw new BudgetExceededError(
        `Monthly budget exhausted: spent $${formatUsd(spend.spentMicros)} of the $${formatUsd(spend.limitMicros!)} ` +
          `limit for ${periodOf(new Date())} (UTC) and hardStop is on. New tasks are refused and queued ones wait ` +
          'until the limit is raised or hardStop turned off (PUT /api/billing/budget), or the month ends.',
      );
    }
  }

  /** False while a hard-stop budget is exhausted: queued tasks wait instead of running. */
  async canRun(customerId: string): Promise<boolean> {
    let check = this.runChecks.get(customerId);
    if (!check) {
      check = this.budgets
        .spendIfHardStop(customerId)
        .then((spend) => !spend || !isBlocked(spend))
        .finally(() => this.runChecks.delete(customerId));
      this.runChecks.set(customerId, check);
    }
    return check;
  }

  private async insertLedger(trx: Db, row: LedgerRow): Promise<string | undefined> {
    try {
      return await this.usage.insertLedger(trx, row);
    } catch (err) {
      throw unknownCustomer(err, row);
    }
  }

  private async insertWithRollup(db: Db, row: LedgerRow): Promise<boolean> {
    try {
      if (db === this.db) return await this.ledger.write(row);
      return (await this.usage.insertLedgerWithRollup(db, [row])).size > 0;
    } catch (err) {
      throw unknownCustomer(err, row);
    }
  }

  /**
   * Coalesces the threshold checks of a customer's usage: while one runs, later ones only ask for
   * one more run after it (which sees their usage, committed before they asked). Under load that
   * is a few checks a second instead of one spend query per usage event; alerts stay exact.
   */
  private checkThresholds(customerId: string, period: string): Promise<void> {
    const key = `${customerId}:${period}`;
    const running = this.thresholdChecks.get(key);
    if (running) {
      running.again = true;
      return running.done;
    }
    const state = { again: false, done: Promise.resolve() };
    state.done = (async () => {
      try {
        do {
          state.again = false;
          await this.budgets.checkThresholds(customerId, period);
        } while (state.again);
      } finally {
        this.thresholdChecks.delete(key);
      }
    })();
    this.thresholdChecks.set(key, state);
    return state.done;
  }

  /** Runs after the commit; never throws: the usage is recorded, these are notifications. */
  private async afterRecorded(
    usage: ValidUsageEvent,
    row: LedgerRow,
    priced: ResolvedPrice,
  ): Promise<void> {
    const model = priced.fallback ? UNPRICED : priced.pricedAs;
    this.metrics.tokens.inc(
      { customer_id: usage.customerId, model, direction: 'input' },
      usage.inputTokens,
    );
    this.metrics.tokens.inc(
      { customer_id: usage.customerId, model, direction: 'output' },
      usage.outputTokens,
    );
    this.metrics.costMicros.inc({ customer_id: usage.customerId, model }, row.cost_micros);
    try {
      await this.events.publish({
        type: 'usage.recorded',
        customerId: usage.customerId,
        taskId: usage.taskId ?? undefined,
        veId: usage.veId ?? undefined,
        data: {
          model: usage.model,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          costUsd: formatUsd(row.cost_micros),
          fallbackPrice: priced.fallback,
          source: usage.source,
          sourceEventId: usage.sourceEventId,
        },
      });
      await this.checkThresholds(usage.customerId, periodOf(usage.occurredAt));
    } catch (err) {
      this.logger.error(
        { err, customerId: usage.customerId },
        'usage recorded, but its follow-ups failed',
      );
    }
  }
}

/** A foreign key violation on the ledger: the customer does not exist (404); anything else as is. */
function unknownCustomer(err: unknown, row: LedgerRow): unknown {
  return (err as { code?: string }).code === '23503'
    ? new NotFoundError('Customer', row.customer_id)
    : err;
}
