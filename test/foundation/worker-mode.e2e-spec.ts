import { freshDatabase, freshPrefix, REDIS_URL } from '../helpers/resources';
import { AppProcess, baseEnv, freePort, statusOf, tempDir } from './support/processes';

/** The worker-only app: processors, and a small HTTP port for Kubernetes probes and Prometheus. */
describe.each([
  ['node dist/worker.js', 'worker.js', {}],
  ['node dist/main.js with RUN_MODE=worker', 'main.js', { RUN_MODE: 'worker' }],
])('%s', (_title, script, extra) => {
  const prefix = freshPrefix();
  const dir = tempDir('ve-worker-');
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let app: AppProcess;
  let base: string;
  let apiPort: number;

  beforeAll(async () => {
    db = await freshDatabase();
    const workerPort = await freePort();
    apiPort = await freePort();
    base = `http://127.0.0.1:${workerPort}`;
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: REDIS_URL(),
      BULLMQ_PREFIX: prefix.prefix,
      WORKER_PORT: String(workerPort),
      PORT: String(apiPort),
      ...extra,
    };
    app = new AppProcess(script, baseEnv(env), dir.path);
    await app.waitForStatus(`${base}/health/live`, 200, 90_000);
  }, 120_000);
  afterAll(async () => {
    await app?.kill();
    await prefix.clean();
    await db?.drop();
    dir.cleanup();
  });

  it('answers /health/live and /health/ready on WORKER_PORT with Postgres and Redis up', async () => {
    await app.waitForStatus(`${base}/health/ready`, 200, 30_000);
    const ready = (await (await fetch(`${base}/health/ready`)).json()) as { info: unknown };
    expect(ready.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('serves Prometheus metrics, queue depths included', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain('ve_queue_jobs{queue="tasks",state="waiting"}');
  });

  it('serves no public API, docs or Bull Board, and nothing on PORT', async () => {
    for (const path of ['/docs-json', '/admin/queues', '/api/auth/me'])
      expect(await statusOf(base + path)).toBe(404);
    expect(await statusOf(`http://127.0.0.1:${apiPort}/health/live`)).toBe(0);
  });

  it('exits 0 on SIGTERM', async () => {
    app.signal('SIGTERM');
    expect(await app.waitForExit(30_000)).toEqual({ code: 0, signal: null });
  }, 60_000);
});
