import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** A W3C trace id (32 hex). */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

/** The trace id of an incoming request's `traceparent`, or a new one: created at the HTTP edge. */
export function traceIdFromHeaders(headers: IncomingHttpHeaders): string {
  const tp = headers.traceparent;
  const m = typeof tp === 'string' ? TRACEPARENT.exec(tp) : null;
  return m ? m[1]! : newTraceId();
}

/** A `traceparent` header continuing the trace with a new span id (for A2A and outbound calls). */
export function traceparentFor(traceId: string): string {
  return `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
}
