import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { generateApiKey } from '../../src/auth/api-key';
import { eventually } from '../events/support/tenants';
import { freePort, freshDatabase, freshPrefix, REDIS_URL } from '../helpers/resources';
import { ADMIN_KEY, WEBHOOK_SECRET } from '../helpers/test-app';
import { buildApp, startProcess, type RunningProcess } from './support/built-app';

// Builds the app and starts a real process: slow machines need more than jest's default 5 s.
jest.setTimeout(120_000);

interface OtlpSpan {
  traceId: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}
const SERVER = 2;
const CLIENT = 3;

/**
 * OTEL_ENABLED=true on `node dist/main.js`: tracing starts before the app loads, spans reach an
 * OTLP/HTTP collector (a local server reading the JSON the real exporter sends), and one trace
 * holds the HTTP request, its Postgres and Redis calls, the BullMQ job (bullmq-otel) and the A2A
 * call into the agent; the trace id in x-trace-id and in the logs is the spans' trace id.
 */
describe('OpenTelemetry tracing (OTEL_ENABLED), in a real API process', () => {
  let collector: Server;
  let app: RunningProcess;
  let removeBuild = () => undefined as void;
  let url: string;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const prefix = freshPrefix();
  const spans: OtlpSpan[] = [];

  beforeAll(async () => {
    collector = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const payload = JSON.parse(body) as {
            resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
          };
          for (const rs of payload.resourceSpans)
            for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const [built, port] = await Promise.all([buildApp(), freePort()]);
    removeBuild = built.remove;
    db = await freshDatabase();
    url = `http://127.0.0.1:${port}`;
    app = startProcess(built.dir, 'main.js', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      DATABASE_URL: db.url,
      REDIS_URL: REDIS_URL(),
      BULLMQ_PREFIX: prefix.prefix,
      ADMIN_API_KEY: ADMIN_KEY,
      WEBHOOK_SECRET,
      K8S_MODE: 'dry-run',
      OTEL_ENABLED: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
    });
    await eventually(
      async () => (await fetch(`${url}/health/live`)).status === 200,
      'the API process',
      90_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${app.lines.slice(-30).join('\n')}`);
    });
  });
  afterAll(async () => {
    await app?.stop();
    removeBuild();
    collector.closeAllConnections();
    await new Promise((resolve) => collector.close(resolve));
    await prefix.clean();
    await db?.drop();
  });

  it('puts the request, its SQL and Redis calls, its job and the A2A call in one trace', async () => {
    const key = generateApiKey();
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const { rows } = await pg.query<{ customer: string; ve: string }>(
      `with c as (insert into customers (name, slug, namespace) values ('Traced', 'traced', 'customer-traced') returning id),
            k as (insert into api_keys (customer_id, name, prefix, key_hash) select id, 'k', $1, $2 from c),
            v as (insert into ves (customer_id, name, role, agent_name, namespace, model, status)
                  select id, 'Tracy', 'analyst', 'tracy', 'customer-traced', 'gpt-4o-mini', 'ready' from c returning id)
       select (select id from c) as customer, (select id from v) as ve`,
      [key.prefix, key.hash],
    );
    await pg.end();
    const auth = { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' };

    const traceId = '5b8efff798038103d269b633813fc60c';
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { ...auth, traceparent: `00-${traceId}-eee19b7ec3c1b174-01` },
      body: JSON.stringify({ veId: rows[0]!.ve, content: 'Traced end to end' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-trace-id')).toBe(traceId);
    const { id } = (await res.json()) as { id: string };
    await eventually(async () => {
      const list = (await (await fetch(`${url}/api/messages`, { headers: auth })).json()) as {
        items: Array<{ id: string; status: string }>;
      };
      return list.items.find((m) => m.id === id)?.status === 'delivered';
    }, 'the delivery');
    const fresh = await fetch(`${url}/api/auth/me`, { headers: auth });
    const freshTraceId = fresh.headers.get('x-trace-id');

    // SIGTERM: the app closes, flushing the spans it still holds, and exits 0.
    expect(await app.stop()).toBe(0);

    const inTrace = spans.filter((s) => s.traceId === traceId);
    const names = inTrace.map((s) => `${s.kind}:${s.name}`);
    const dbSystem = (s: OtlpSpan) =>
      s.attributes?.find((a) => a.key === 'db.system' || a.key === 'db.system.name')?.value
        .stringValue;
    expect(inTrace.some((s) => s.kind === SERVER && /POST/.test(s.name))).toBe(true);
    expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/messages/)])); // bullmq-otel add/process
    expect(inTrace.some((s) => s.kind === CLIENT && dbSystem(s) === 'postgresql')).toBe(true);
    expect(inTrace.some((s) => s.kind === CLIENT && dbSystem(s) === 'redis')).toBe(true);
    // The sandbox agent is served over HTTP by the same process: its server span continues the trace.
    const a2a = inTrace.filter((s) => s.kind === SERVER && /POST/.test(s.name));
    expect(a2a.length).toBeGreaterThanOrEqual(2);
    expect(spans.some((s) => s.traceId === freshTraceId && s.kind === SERVER)).toBe(true);

    const logged = app.lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { traceId?: string; msg?: string });
    expect(logged.some((l) => l.traceId === traceId && l.msg === 'request completed')).toBe(true);
  });
});
