import { trace } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const TRACE_ID = /^[0-9a-f]{32}$/;
const KEY = Symbol('traceId');

/**
 * A W3C trace id (32 hex). From randomUUID, which draws on a cached entropy pool: randomBytes(16)
 * per request was a getrandom call each (2% of a webhook request's CPU in bench/ profiles).
 */
export function newTraceId(): string {
  return randomUUID().replace(/-/g, '');
}

/** The trace id of an incoming request's `traceparent`, or a new one: created at the HTTP edge. */
export function traceIdFromHeaders(headers: IncomingHttpHeaders): string {
  const tp = headers.traceparent;
  const m = typeof tp === 'string' ? TRACEPARENT.exec(tp) : null;
  return m ? m[1]! : newTraceId();
}

/** A `traceparent` header continuing the trace with a new span id (for A2A and outbound calls). */
export function traceparentFor(traceId: string): string {
  return `00-${traceId}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`;
}

/**
 * The trace id of a request, computed once: OpenTelemetry's active span when tracing is on
 * (so logs and spans agree), else the caller's `traceparent`, else a new id.
 */
export function traceIdOf(req: IncomingMessage): string {
  const holder = req as IncomingMessage & { [KEY]?: string };
  if (holder[KEY]) return holder[KEY];
  const span = trace.getActiveSpan()?.spanContext();
  const otel =
    span && TRACE_ID.test(span.traceId) && span.traceId !== '0'.repeat(32)
      ? span.traceId
      : undefined;
  holder[KEY] = otel ?? traceIdFromHeaders(req.headers);
  return holder[KEY];
}

interface TraceStore {
  traceId: string;
}

const storage = new AsyncLocalStorage<TraceStore>();

/**
 * The trace id of the work in progress (an HTTP request, a job), kept in AsyncLocalStorage so
 * services reach it without passing it around: producers put `traceId: TraceContext.current()`
 * in job data, the gateway sends `traceparent: traceparentFor(TraceContext.current())`.
 */
export const TraceContext = {
  /** The current trace id, or undefined outside a request or job. */
  current(): string | undefined {
    return storage.getStore()?.traceId;
  },

  /** Runs fn within the given trace (a malformed or missing id starts a new trace). */
  run<T>(traceId: string | null | undefined, fn: () => T): T {
    const id = traceId && TRACE_ID.test(traceId) ? traceId : newTraceId();
    return storage.run({ traceId: id }, fn);
  },
};

/**
 * Runs a processor's work within the trace that produced the job (`job.data.traceId`), so its
 * logs and the A2A calls it makes carry the same trace id. In a processor:
 * `process(job) { return runInJobTrace(job, () => this.service.handle(job.data)); }`
 */
export function runInJobTrace<T>(job: { data?: unknown }, fn: () => T): T {
  const data = job.data as { traceId?: unknown } | undefined;
  return TraceContext.run(typeof data?.traceId === 'string' ? data.traceId : undefined, fn);
}
