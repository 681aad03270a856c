import { isJsonRpcError } from '@a2a-js/sdk/errors';

/** Gateway statuses that mean "the agent is not there right now": retried. */
export const TRANSIENT_HTTP = new Set([502, 503, 504]);
/** Socket-level failures worth another attempt (refused, reset, timed out, DNS hiccup). */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** A 502/503/504 from the agent or the gateway in front of it. */
export class TransientHttpError extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`HTTP ${status} from ${url}`);
  }
}

/** One attempt ran past the per-call timeout. */
export class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** The agent card could not be fetched or read (404: agent not deployed; 401: credentials refused...). */
export class AgentCardError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The agent answered, but not with an A2A Task or Message the gateway can use. */
export class MalformedReplyError extends Error {}

export type FailureKind = 'transient' | 'agent-error' | 'unusable';

function codeOf(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * transient: retry may help (connection refused/reset, 502/503/504, timeout);
 * agent-error: the agent itself answered with a JSON-RPC error (its report, never retried);
 * unusable: anything else (malformed reply, card missing, credentials refused) — not retried in the call.
 */
export function classifyFailure(err: unknown): FailureKind {
  if (err instanceof TransientHttpError || err instanceof AttemptTimeoutError) return 'transient';
  if (err instanceof AgentCardError)
    return err.status !== undefined && TRANSIENT_HTTP.has(err.status) ? 'transient' : 'unusable';
  if (isJsonRpcError(err) || isJsonRpcError((err as { cause?: unknown } | null)?.cause))
    return 'agent-error';
  const code = codeOf(err);
  if (code && TRANSIENT_CODES.has(code)) return 'transient';
  return 'unusable';
}

export function messageOf(err: unknown): string {
  // Duck-typed: errors from another realm (undici's fetch under a test VM) fail `instanceof Error`.
  const message = (err as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') return String(err);
  const code = codeOf((err as { cause?: unknown }).cause);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
