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
  /** Attempts, the first included, on transient failures; defaults to AGENT_CALL_RETRIES + 1. */
  maxAttempts?: number;
  /** Aborts the call (no retry); the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** When set, asks the agent to push task updates to /api/webhooks/a2a with this token. */
  pushToken?: string;
  /**
   * True when taskId names no platform task (a routing preview): it still ties the A2A context
   * together, but the message metadata carries no taskId and usage is billed to no task.
   */
  taskless?: boolean;
}

export type InvokeOutcome = (
  | {
      kind: 'completed';
      text: string;
      artifacts: unknown[];
      a2aTaskId?: string;
      usage: UsageEvent[];
    }
  | { kind: 'failed'; reason: string; a2aState: string; a2aTaskId?: string; usage: UsageEvent[] }
  | { kind: 'input-required'; message: string; a2aTaskId?: string; usage: UsageEvent[] }
  | { kind: 'working'; a2aTaskId: string; usage: UsageEvent[] }
) & {
  /**
   * Usage events billing could not record when the reply came (Postgres unavailable): the
   * caller records them with the outcome (idempotent by sourceEventId), or they are lost.
   */
  unrecordedUsage?: UsageEvent[];
};

/** Thrown when the agent could not be reached or answered garbage: retry may help. */
export class AgentUnavailableError extends Error {
  override readonly name = 'AgentUnavailableError';
  readonly transient = true;
}
