import { SseClient } from '../events/support/sse-client';
import { eventually, seedCustomer, seedVe } from '../events/support/tenants';
import { freePort } from '../helpers/resources';
import { ADMIN_KEY, createTestApp, TestApp, WEBHOOK_SECRET } from '../helpers/test-app';
import { buildApp, startProcess, type RunningProcess } from './support/built-app';
import { parsePrometheusText, valueOf } from './support/prometheus-text';

// Builds the app and starts a real process: slow machines need more than jest's default 5 s.
jest.setTimeout(120_000);

/**
 * The production split: an API process that only produces jobs (RUN_MODE=api) and a worker-only
 * process (`node dist/worker.js`) that runs them. The worker's events reach the API's SSE clients
 * through Redis, and the worker serves the same /metrics on WORKER_PORT.
 */
describe('A worker-only process beside an API-only one', () => {
  let api: TestApp;
  let worker: RunningProcess;
  let removeBuild = () => undefined as void;
  let workerUrl: string;

  beforeAll(async () => {
    api = await createTestApp({ env: { RUN_MODE: 'api' } });
    const [built, port] = await Promise.all([buildApp(), freePort()]);
    removeBuild = built.remove;
    workerUrl = `http://127.0.0.1:${port}`;
    worker = startProcess(built.dir, 'worker.js', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      WORKER_PORT: String(port),
      HOST: '127.0.0.1',
      // The worker calls agents and signs callbacks for the API's public URL.
      PUBLIC_URL: api.url,
      DATABASE_URL: api.env.DATABASE_URL!,
      REDIS_URL: api.env.REDIS_URL!,
      BULLMQ_PREFIX: api.env.BULLMQ_PREFIX!,
      ADMIN_API_KEY: ADMIN_KEY,
      WEBHOOK_SECRET,
      K8S_MODE: 'dry-run',
    });
    await eventually(
      async () => (await fetch(`${workerUrl}/health/live`)).status === 200,
      'the worker process',
      90_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${worker.lines.slice(-30).join('\n')}`);
    });
  });
  afterAll(async () => {
    await worker?.stop();
    removeBuild();
    await api?.close();
  });

  it("runs the API's jobs, its events reach the API's SSE clients, and it serves /metrics", async () => {
    const customer = await seedCustomer(api);
    const ve = await seedVe(api, customer.id);
    const sse = await SseClient.connect(`${api.url}/api/events`, {
      authorization: `Bearer ${customer.apiKey}`,
    });
    try {
      const sent = await api.api<{ id: string }>('POST', '/api/messages', {
        token: customer.apiKey,
        body: { veId: ve.id, content: 'Via the worker' },
      });
      expect(sent.status).toBe(201);
      // The reply is stored by the worker process; its message.created comes back through Redis.
      await sse.waitFor(
        () =>
          sse
            .payloads('message.created')
            .some((e) => e.data.direction === 'from_ve' && e.veId === ve.id),
        "the worker's message.created",
        60_000,
      );
      await sse.waitFor(
        () =>
          sse
            .payloads('message.updated')
            .some((e) => e.messageId === sent.body.id && e.data.status === 'delivered'),
        'the delivered status',
      );
    } finally {
      sse.close();
    }

    const res = await fetch(`${workerUrl}/metrics`);
    expect(res.status).toBe(200);
    const metrics = parsePrometheusText(await res.text());
    expect(
      valueOf(metrics, 've_job_duration_seconds_count', {
        queue: 'messages',
        outcome: 'completed',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(metrics, 've_agent_invocations_total', { outcome: 'completed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(valueOf(metrics, 've_virtual_employees', { status: 'ready' })).toBeGreaterThanOrEqual(1);
    expect(metrics.has('ve_queue_jobs')).toBe(true);
    expect(metrics.has('ve_process_cpu_user_seconds_total')).toBe(true);
    expect(await worker.stop()).toBe(0);
  });
});
