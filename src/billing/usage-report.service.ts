import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../common/domain-errors';
import { daysBetween, isDay, PERIOD, periodOf, periodRange } from './billing-period';
import { NO_VE, UsageGroup, UsageReport, UsageSummary, UsageTotals } from './billing.types';
import { BudgetService, standingOf } from './budget.service';
import { formatUsd } from './money';
import { SumRow, UsageRepository } from './usage.repository';

/** The longest range one usage request may cover. */
export const MAX_RANGE_DAYS = 366;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface UsageQuery {
  groupBy: UsageGroup;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

function invalid(field: string, problem: string): ValidationFailedError {
  return new ValidationFailedError(`${field}: ${problem}`, [{ field, problems: [problem] }]);
}

function totals(row: SumRow | undefined): UsageTotals {
  return {
    inputTokens: Number(row?.input_tokens ?? 0),
    outputTokens: Number(row?.output_tokens ?? 0),
    costUsd: formatUsd(row?.cost_micros ?? 0),
    events: Number(row?.events ?? 0),
  };
}

/** Reads of usage: grouped reports (rollups, or the ledger by task) and monthly summaries (rollups only). */
@Injectable()
export class UsageReportService {
  constructor(
    private readonly usage: UsageRepository,
    private readonly budgets: BudgetService,
  ) {}

  async report(customerId: string, q: UsageQuery): Promise<UsageReport> {
    const month = periodRange(periodOf(new Date()));
    const from = q.from ?? month.from;
    const to = q.to ?? month.to;
    if (!isDay(from)) throw invalid('from', 'must be a calendar day YYYY-MM-DD');
    if (!isDay(to)) throw invalid('to', 'must be a calendar day YYYY-MM-DD');
    if (from >= to) throw invalid('to', `must be after from (${from}); the range is [from, to)`);
    if (daysBetween(from, to) > MAX_RANGE_DAYS)
      throw invalid('to', `the range may cover at most ${MAX_RANGE_DAYS} days`);
    const after = q.cursor === undefined ? undefined : decodeKey(q.groupBy, q.cursor);
    // One row more than asked tells whether another page exists.
    const rows = await this.usage.report(customerId, q.groupBy, { from, to }, q.limit + 1, after);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      groupBy: q.groupBy,
      from,
      to,
      rows: page.map((r) => ({
        key: r.key === NO_VE && q.groupBy !== 'model' ? null : r.key,
        ...totals(r),
      })),
      nextCursor: rows.length > q.limit && last ? encodeKey(last.key) : null,
    };
  }

  async summary(customerId: string, period = periodOf(new Date())): Promise<UsageSummary> {
    if (!PERIOD.test(period)) throw invalid('period', 'must be a month YYYY-MM');
    const rows = await this.usage.summary(customerId, periodRange(period));
    const total = rows.find((r) => r.grouping === 3);
    const spend = await this.budgets.withSpent(customerId, total?.cost_micros ?? 0);
    // Largest cost first, compared as integers.
    const ranked = [...rows].sort((a, b) => b.cost_micros - a.cost_micros);
    return {
      period,
      totals: totals(total),
      perVe: ranked
        .filter((r) => r.grouping === 1)
        .map((r) => ({ veId: r.ve_id === NO_VE ? null : r.ve_id, ...totals(r) })),
      perModel: ranked
        .filter((r) => r.grouping === 2)
        .map((r) => ({ model: r.model!, ...totals(r) })),
      budget: standingOf(spend),
    };
  }
}

function encodeKey(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** A cursor is the last key of the previous page; it must look like a key of this grouping. */
function decodeKey(groupBy: UsageGroup, cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  const ok =
    groupBy === 'day'
      ? isDay(key)
      : groupBy === 'model'
        ? key.length > 0 && key.length <= 200
        : UUID.test(key);
  if (!ok) throw invalid('cursor', 'not a cursor returned by this API for this groupBy');
  return key;
}
