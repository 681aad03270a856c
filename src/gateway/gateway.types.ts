import type { UsageEvent } from '../billing/billing.types';

export interface InvokeRequest {
  /** The platform task id: used as the A2A contextId and in message metadata. */
  taskId: string;
  text: string;
  /** Structured input, sent as a data part. */
  input?: Record<string, unknown> | null;
  traceId?: string;
  /** Per-call timeout; defaults to AGENT_CALL_TIMEOUT_MS. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** When set, asks the agent to push task updates to /api/webhooks/a2a with this token. */
  pushToken?: string;
}

export type InvokeOutcome =
  | { kind: 'completed'; text: string; artifacts: unknown[]; a2aTaskId?: string; usage: UsageEvent[] }
  | { kind: 'failed'; reason: string; a2aState: string; a2aTaskId?: string; usage: UsageEvent[] }
  | { kind: 'input-required'; message: string; a2aTaskId?: string; usage: UsageEvent[] }
  | { kind: 'working'; a2aTaskId: string; usage: UsageEvent[] };

/** Thrown when the agent could not be reached or answered garbage: retry may help. */
export class AgentUnavailableError extends Error {
  readonly transient = true;
}
