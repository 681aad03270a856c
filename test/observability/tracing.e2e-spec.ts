import { eventually, seedCustomer, seedVe } from '../events/support/tenants';
import { createTestApp, TestApp } from '../helpers/test-app';

// The project-level testTimeout is not applied by jest (a global option): slow machines need more than 5 s.
jest.setTimeout(60_000);

/**
 * One trace id follows a message from the HTTP edge through the job and the A2A call into the
 * agent (here the built-in sandbox agent, itself served over HTTP by the app): every JSON log line
 * of that path carries it, and the request log lines carry the request id.
 */
describe('Request ids and trace ids in the JSON logs', () => {
  let t: TestApp;
  const lines: string[] = [];
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const requestId = 'req-trace-test-1';

  beforeAll(async () => {
    // pino writes through process.stdout when a test runner wrapped it (jest does): its JSON lines
    // are kept here (not printed), anything else goes through.
    const stdoutWrite = process.stdout.write.bind(process.stdout) as (...a: unknown[]) => boolean;
    jest.spyOn(process.stdout, 'write').mockImplementation(((data: unknown, ...rest: unknown[]) => {
      const text = String(data);
      if (!text.startsWith('{"level"')) return stdoutWrite(data, ...rest);
      lines.push(...text.split('\n').filter((l) => l.startsWith('{"level"')));
      return true;
    }) as never);
    t = await createTestApp({ env: { LOG_LEVEL: 'info' } });
  });
  afterAll(async () => {
    await t?.close();
    jest.restoreAllMocks();
  });

  it('follows a message from the HTTP request through the job and the A2A call', async () => {
    const customer = await seedCustomer(t);
    const ve = await seedVe(t, customer.id);
    const res = await t.api<{ id: string }>('POST', '/api/messages', {
      token: customer.apiKey,
      body: { veId: ve.id, content: '[fail] Trace this one' },
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01`, 'x-request-id': requestId },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    expect(res.headers.get('x-trace-id')).toBe(traceId);

    const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    // The processor logs the agent's refusal: a worker-side line of the same trace.
    const worker = await eventually(
      async () =>
        parsed().find((l) => l.msg === 'agent refused the message' && l.messageId === res.body.id),
      'the delivery log line',
    );
    expect(worker.traceId).toBe(traceId);

    const requests = parsed().filter((l) => l.msg === 'request completed' && l.traceId === traceId);
    const edge = requests.find((l) => l.req?.id === requestId);
    expect(edge).toMatchObject({
      req: { method: 'POST', url: '/api/messages' },
      res: { statusCode: 201 },
      service: 've-api',
    });
    // The gateway's A2A call carried `traceparent`: the sandbox agent's request logged the same trace.
    const a2a = requests.filter((l) => l.req?.method === 'POST' && l.req?.url !== '/api/messages');
    expect(a2a.length).toBeGreaterThan(0);
    // One traceId key per line, even where the request logger and the trace context both know it.
    const raw = lines.filter((l) => l.includes(traceId));
    expect(raw.every((l) => l.split('"traceId"').length === 2)).toBe(true);
  });

  it('starts a new trace for a request without traceparent, and never logs credentials', async () => {
    const res = await t.api('GET', '/api/auth/me', { headers: { 'x-request-id': 'req-no-trace' } });
    const fresh = res.headers.get('x-trace-id');
    expect(fresh).toMatch(/^[0-9a-f]{32}$/);
    const line = await eventually(
      async () =>
        lines
          .map((l) => JSON.parse(l))
          .find((l) => l.req?.id === 'req-no-trace' && l.msg === 'request completed'),
      'the request log line',
    );
    expect(line.traceId).toBe(fresh);
    expect(lines.some((l) => l.includes('test-admin-key'))).toBe(false);
  });
});
