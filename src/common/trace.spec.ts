import type { IncomingMessage } from 'node:http';
import {
  newTraceId,
  runInJobTrace,
  TraceContext,
  traceIdFromHeaders,
  traceIdOf,
  traceparentFor,
} from './trace';

describe('trace ids', () => {
  it('continues a valid traceparent and starts a new trace otherwise', () => {
    const id = 'a'.repeat(32);
    expect(traceIdFromHeaders({ traceparent: `00-${id}-${'b'.repeat(16)}-01` })).toBe(id);
    expect(traceIdFromHeaders({ traceparent: 'garbage' })).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdFromHeaders({})).not.toBe(traceIdFromHeaders({}));
  });

  it('makes a traceparent with the trace id and a fresh span id', () => {
    const id = newTraceId();
    const a = traceparentFor(id);
    expect(a).toMatch(new RegExp(`^00-${id}-[0-9a-f]{16}-01$`));
    expect(traceparentFor(id)).not.toBe(a);
  });

  it("computes a request's trace id once", () => {
    const req = { headers: {} } as IncomingMessage;
    expect(traceIdOf(req)).toBe(traceIdOf(req));
  });
});

describe('TraceContext', () => {
  it('is empty outside, and follows the work across awaits inside', async () => {
    expect(TraceContext.current()).toBeUndefined();
    const id = newTraceId();
    const seen = await TraceContext.run(id, async () => {
      await new Promise((r) => setTimeout(r, 5));
      return TraceContext.current();
    });
    expect(seen).toBe(id);
    expect(TraceContext.current()).toBeUndefined();
  });

  it('starts a new trace when given none or a malformed one', () => {
    const fresh = TraceContext.run(undefined, () => TraceContext.current());
    expect(fresh).toMatch(/^[0-9a-f]{32}$/);
    expect(TraceContext.run('not-a-trace', () => TraceContext.current())).not.toBe('not-a-trace');
  });

  it("runs a processor's work in the trace of its job", async () => {
    const id = newTraceId();
    await expect(
      runInJobTrace({ data: { traceId: id } }, async () => TraceContext.current()),
    ).resolves.toBe(id);
    expect(runInJobTrace({ data: {} }, () => TraceContext.current())).toMatch(/^[0-9a-f]{32}$/);
  });
});
