/** One report of tokens spent; every source (A2A metadata, callbacks, token-usage endpoint) uses this. */
export interface UsageEvent {
  customerId: string;
  veId?: string | null;
  taskId?: string | null;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** 'a2a' | 'callback' | 'token_usage' | ... */
  source: string;
  /** Idempotency key: the same source event id is counted once, whatever the source. */
  sourceEventId: string;
  occurredAt?: Date;
}

/** Stands for "no VE" in the usage_daily primary key (which cannot hold null). */
export const NO_VE = '00000000-0000-0000-0000-000000000000';

/** Money in responses: a decimal string in USD with exactly six decimals (micro-dollar precision). */
export type UsdString = string;

export const USAGE_GROUPS = ['day', 've', 'model', 'task'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  costUsd: UsdString;
  /** How many usage events were summed. */
  events: number;
}

/** One row of GET /api/billing/usage; `key` is the day, VE id, model or task id (null: none). */
export interface UsageRow extends UsageTotals {
  key: string | null;
}

export interface UsageReport {
  groupBy: UsageGroup;
  /** First day included (UTC). */
  from: string;
  /** First day excluded (UTC). */
  to: string;
  rows: UsageRow[];
  nextCursor: string | null;
}

export const BUDGET_STATES = ['ok', 'warning', 'exceeded', 'none'] as const;
export type BudgetState = (typeof BUDGET_STATES)[number];

export interface BudgetStanding {
  monthlyLimitUsd: UsdString | null;
  hardStop: boolean;
  spentUsd: UsdString;
  percentUsed: number | null;
  state: BudgetState;
}

export interface BudgetView extends BudgetStanding {
  /** The month the spend is counted for (the current UTC month). */
  period: string;
  updatedAt: string | null;
}

export interface UsageSummary {
  period: string;
  totals: UsageTotals;
  perVe: Array<UsageTotals & { veId: string | null }>;
  perModel: Array<UsageTotals & { model: string }>;
  budget: BudgetStanding;
}

export interface PricingItem {
  model: string;
  provider: string;
  inputUsdPerMTok: UsdString;
  outputUsdPerMTok: UsdString;
  updatedAt: string;
}

export interface PricingList {
  items: PricingItem[];
  /** Unknown models are charged at this model's price (rows flagged fallback_price). */
  fallbackModel: string;
}
