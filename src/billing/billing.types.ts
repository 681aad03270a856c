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
