import { Injectable, Logger } from '@nestjs/common';
import { EventsService } from '../events/events.service';
import { periodOf, periodRange } from './billing-period';
import { BudgetRepository, Spend } from './budget.repository';
import type { BudgetStanding, BudgetState, BudgetView } from './billing.types';
import { HeldTasksReleaser } from './held-tasks.releaser';
import { formatUsd, percentOf } from './money';

/** Percentages of the monthly limit that emit `budget.exceeded`, once each per month. */
export const BUDGET_THRESHOLDS = [80, 100] as const;

/**
 * How long a process trusts the budgets row it read: the pipeline asks three times per task (create,
 * run, after usage) and most customers have no budget, so the month's spend is summed only when a
 * limit can matter. This process's own changes apply at once; another replica's within this time.
 */
export const BUDGET_CACHE_MS = 1_000;
const BUDGET_CACHE_MAX = 10_000;

/** What the checks need of the budgets row; null: no budget. */
type Limits = { hardStop: boolean } | null;

export function isBlocked(spend: Spend): boolean {
  return spend.hardStop && spend.limitMicros !== null && spend.spentMicros >= spend.limitMicros;
}

export function stateOf(limitMicros: number | null, spentMicros: number): BudgetState {
  if (limitMicros === null) return 'none';
  if (spentMicros >= limitMicros) return 'exceeded';
  return spentMicros * 100 >= limitMicros * 80 ? 'warning' : 'ok';
}

/** The thresholds a spend has reached (nothing for a month with no spend at all). */
export function reached(limitMicros: number, spentMicros: number): number[] {
  if (spentMicros <= 0) return [];
  return BUDGET_THRESHOLDS.filter((t) => spentMicros * 100 >= limitMicros * t);
}

export function standingOf(spend: Spend): BudgetStanding {
  return {
    monthlyLimitUsd: spend.limitMicros === null ? null : formatUsd(spend.limitMicros),
    hardStop: spend.hardStop,
    spentUsd: formatUsd(spend.spentMicros),
    percentUsed:
      spend.limitMicros === null ? null : percentOf(spend.spentMicros, spend.limitMicros),
    state: stateOf(spend.limitMicros, spend.spentMicros),
  };
}

/** Monthly budgets: limits, hard stops, threshold alerts and releasing held tasks. */
@Injectable()
export class BudgetService {
  private readonly logger = new Logger(BudgetService.name);
  private readonly limits = new Map<string, { until: number; limits: Promise<Limits> }>();

  constructor(
    private readonly repo: BudgetRepository,
    private readonly events: EventsService,
    private readonly releaser: HeldTasksReleaser,
  ) {}

  /** The budget and this month's spend: one query (budgets by key, rollups by customer and day). */
  spend(customerId: string, period = periodOf(new Date())): Promise<Spend> {
    return this.repo.spend(customerId, periodRange(period));
  }

  /**
   * The month's spend when a hard stop could block the customer, else null (no budget, or one
   * without hardStop: nothing to block, so nothing is summed).
   */
  async spendIfHardStop(customerId: string): Promise<Spend | null> {
    const limits = await this.limitsOf(customerId);
    return limits?.hardStop ? this.spend(customerId) : null;
  }

  /** The budget with a spend the caller already summed (the summary sums the month once). */
  async withSpent(customerId: string, spentMicros: number): Promise<Spend> {
    const row = await this.repo.find(customerId);
    return {
      limitMicros: row?.monthly_limit_micros ?? null,
      hardStop: row?.hard_stop ?? false,
      spentMicros,
      updatedAt: row?.updated_at ?? null,
    };
  }

  async view(customerId: string): Promise<BudgetView> {
    const period = periodOf(new Date());
    const spend = await this.spend(customerId, period);
    return { ...standingOf(spend), period, updatedAt: spend.updatedAt?.toISOString() ?? null };
  }

  /**
   * Sets the limit. Alerts of the current month that the new limit no longer reaches are cleared
   * (they may fire again against it); a lower limit may fire them now; lifting a hard stop
   * releases the tasks it held.
   */
  async put(customerId: string, limitMicros: number, hardStop: boolean): Promise<BudgetView> {
    const period = periodOf(new Date());
    const before = await this.spend(customerId, period);
    await this.repo.upsert(customerId, limitMicros, hardStop);
    this.limits.delete(customerId);
    const stillReached = reached(limitMicros, before.spentMicros);
    const stale = BUDGET_THRESHOLDS.filter((t) => !stillReached.includes(t));
    await this.repo.releaseAlerts(customerId, period, stale);
    await this.checkThresholds(customerId, period);
    const after = await this.spend(customerId, period);
    if (isBlocked(before) && !isBlocked(after)) await this.releaser.release(customerId);
    return { ...standingOf(after), period, updatedAt: after.updatedAt?.toISOString() ?? null };
  }

  async remove(customerId: string): Promise<void> {
    const before = await this.spend(customerId);
    await this.repo.remove(customerId);
    this.limits.delete(customerId);
    if (isBlocked(before)) await this.releaser.release(customerId);
  }

  /**
   * Emits `budget.exceeded` for each threshold the month's spend has reached and not yet announced.
   * The budget_alerts row decides "once" across replicas; a failed publish gives the claim back so
   * the next check tries again.
   */
  async checkThresholds(customerId: string, period: string): Promise<void> {
    if (!(await this.limitsOf(customerId))) return;
    const spend = await this.spend(customerId, period);
    if (spend.limitMicros === null) return;
    const due = reached(spend.limitMicros, spend.spentMicros);
    if (!due.length) return;
    const done = await this.repo.alerted(customerId, period);
    for (const threshold of due.filter((t) => !done.includes(t))) {
      if (!(await this.repo.claimAlert(customerId, period, threshold))) continue;
      const published = await this.events.publish({
        type: 'budget.exceeded',
        customerId,
        data: { threshold, period, ...standingOf(spend) },
      });
      if (!published) {
        await this.repo.releaseAlerts(customerId, period, [threshold]);
        this.logger.warn(
          { customerId, period, threshold },
          'budget alert not published; will retry on the next usage',
        );
      }
    }
  }

  /** The budgets row, read at most once per BUDGET_CACHE_MS per customer (a failed read is not kept). */
  private limitsOf(customerId: string): Promise<Limits> {
    const now = Date.now();
    const hit = this.limits.get(customerId);
    if (hit && hit.until > now) return hit.limits;
    const limits = this.repo
      .find(customerId)
      .then((row): Limits => (row ? { hardStop: row.hard_stop } : null));
    limits.catch(() => {
      if (this.limits.get(customerId)?.limits === limits) this.limits.delete(customerId);
    });
    if (this.limits.size >= BUDGET_CACHE_MAX) this.limits.clear();
    this.limits.set(customerId, { until: now + BUDGET_CACHE_MS, limits });
    return limits;
  }
}
