import { freshDatabase } from '../helpers/resources';
import {
  AppProcess,
  baseEnv,
  freePort,
  type HealthReport,
  PrivateRedis,
  statusOf,
  tempDir,
  until,
} from './support/processes';

/**
 * Redis goes away and comes back: readiness follows it, liveness does not, the process stays up
 * and logs the outage without flooding. A private redis-server, so the machine's Redis is never stopped.
 */
describe('Redis outage', () => {
  const dir = tempDir('ve-outage-');
  let redis: PrivateRedis;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let app: AppProcess;
  let base: string;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    db = await freshDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      BULLMQ_PREFIX: 've',
      PORT: String(port),
    };
    app = new AppProcess('main.js', baseEnv(env), dir.path);
    await app.waitForStatus(`${base}/health/ready`, 200, 90_000);
  }, 120_000);
  afterAll(async () => {
    await app?.kill();
    await redis?.stop();
    await db?.drop();
    dir.cleanup();
  });

  it('turns /health/ready 503 within seconds of Redis stopping, and 200 when it returns', async () => {
    const [outBefore, errBefore] = [app.stdout.length, app.stderr.length];
    await redis.stop();
    const stopped = Date.now();
    await app.waitForStatus(`${base}/health/ready`, 503, 30_000);
    expect(Date.now() - stopped).toBeLessThan(10_000);

    const body = (await (await fetch(`${base}/health/ready`)).json()) as HealthReport;
    expect(body.error.redis).toMatchObject({ status: 'down' });
    expect(body.info.postgres).toMatchObject({ status: 'up' });
    expect(await statusOf(`${base}/health/live`)).toBe(200);

    // Stay down long enough for every reconnect loop (client, queues, workers) to fail repeatedly.
    await until(
      'an outage of 8 s',
      async () => (Date.now() - stopped > 8_000 ? true : undefined),
      20_000,
    );
    expect(app.alive).toBe(true);
    expect(await statusOf(`${base}/health/ready`)).toBe(503);

    await redis.start();
    const restarted = Date.now();
    await app.waitForStatus(`${base}/health/ready`, 200, 60_000);
    expect(Date.now() - restarted).toBeLessThan(15_000);
    expect(app.alive).toBe(true);

    // Each source warns at most once per 10 s: a handful of lines, not one per reconnect attempt.
    const outageLines = [...app.stdout.slice(outBefore), ...app.stderr.slice(errBefore)];
    expect(outageLines.length).toBeLessThan(30);
    expect(outageLines.join('\n')).not.toMatch(/Unhandled|uncaught/i);
  }, 120_000);

  it('still shuts down cleanly (exit 0) on SIGTERM while Redis is down', async () => {
    await redis.stop();
    await app.waitForStatus(`${base}/health/ready`, 503, 30_000);
    app.signal('SIGTERM');
    expect(await app.waitForExit(30_000)).toEqual({ code: 0, signal: null });
    expect(app.stderr.join('\n')).not.toMatch(/\n\s+at /);
    expect(app.output()).not.toMatch(/"level":(50|60)/); // nothing logged as an error
  }, 60_000);
});
