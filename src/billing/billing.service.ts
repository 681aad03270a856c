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
import { LedgerRow, UsageRepository } from './usage.repository';

/** The metrics label of unpriced models: agents may report any name, labels must stay few. */
const UNPRICED = 'unpriced';

/** Contract used by gateway, tasks and webhooks. Owned by the billing issue (#7). */
@Injectable()
export class BillingService {
  private readonly logger = new Logger(BillingService.name);

  constructor(
    @Inject(KYSELY) private readonly db: Kysely<Database>,
    private readonly usage: UsageRepository,
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
    const priced = await this.pricing.resolve(usage.model);
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
    const result = await (db ?? this.db).transaction().execute((trx) => write(trx, false));
    if (result.recorded) await effects();
    return result;
  }

  /** Throws BudgetExceededError (402) when a hard-stop budget is exhausted this month. */
  async assertCanSpend(customerId: string): Promise<void> {
    const spend = await this.budgets.spend(customerId);
    if (isBlocked(spend)) {
      throw new BudgetExceededError(
        `Monthly budget exhausted: spent $${formatUsd(spend.spentMicros)} of the $${formatUsd(spend.limitMicros!)} ` +
          `limit for ${periodOf(new Date())} (UTC) and hardStop is on. New tasks are refused and queued ones wait ` +
          'until the limit is raised or hardStop turned off (PUT /api/billing/budget), or the month ends.',
      );
    }
  }

  /** False while a hard-stop budget is exhausted: queued tasks wait instead of running. */
  async canRun(customerId: string): Promise<boolean> {
    return !isBlocked(await this.budgets.spend(customerId));
  }

  private async insertLedger(trx: Db, row: LedgerRow): Promise<string | undefined> {
    try {
      return await this.usage.insertLedger(trx, row);
    } catch (err) {
      if ((err as { code?: string }).code === '23503')
        throw new NotFoundError('Customer', row.customer_id);
      throw err;
    }
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
      await this.budgets.checkThresholds(usage.customerId, periodOf(usage.occurredAt));
    } catch (err) {
      this.logger.error(
        { err, customerId: usage.customerId },
        'usage recorded, but its follow-ups failed',
      );
    }
  }
}
