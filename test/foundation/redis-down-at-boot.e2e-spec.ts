import Redis from 'ioredis';
import { freshDatabase } from '../helpers/resources';
import {
  AppProcess,
  baseEnv,
  freePort,
  type HealthReport,
  PrivateRedis,
  statusOf,
  tempDir,
} from './support/processes';

/**
 * A deployment whose Redis is not there yet (it starts later, or is down during a rollout): the
 * API and the worker boot anyway, answer liveness, report not-ready, and turn ready once Redis
 * appears, their job schedulers created then. A private redis-server, started after the app.
 */
describe('Booting while Redis is down', () => {
  const dir = tempDir('ve-redis-boot-');
  let redis: PrivateRedis;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const apps: AppProcess[] = [];
  const bases: string[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.notStarted();
    db = await freshDatabase();
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, BULLMQ_PREFIX: 've' };
    apps.push(
      new AppProcess('main.js', baseEnv({ ...env, PORT: String(apiPort) }), dir.path),
      new AppProcess('worker.js', baseEnv({ ...env, WORKER_PORT: String(workerPort) }), dir.path),
    );
    bases.push(`http://127.0.0.1:${apiPort}`, `http://127.0.0.1:${workerPort}`);
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill()));
    await redis?.stop();
    await db?.drop();
    dir.cleanup();
  });

  it('answers liveness and reports not-ready until Redis appears, then turns ready', async () => {
    const booted = Date.now();
    await Promise.all(apps.map((a, i) => a.waitForStatus(`${bases[i]}/health/live`, 200, 30_000)));
    expect(Date.now() - booted).toBeLessThan(30_000);
    for (const base of bases) {
      expect(await statusOf(`${base}/health/ready`)).toBe(503);
      const body = (await (await fetch(`${base}/health/ready`)).json()) as HealthReport;
      expect(body.error.redis).toMatchObject({ status: 'down' });
    }

    // Down for a while: reconnect loops and schedule checks fail repeatedly meanwhile.
    await new Promise((r) => setTimeout(r, 6_000));
    for (const [i, app] of apps.entries()) {
      expect(app.alive).toBe(true);
      expect(await statusOf(`${bases[i]}/health/ready`)).toBe(503);
    }

    await redis.start();
    const started = Date.now();
    await Promise.all(apps.map((a, i) => a.waitForStatus(`${bases[i]}/health/ready`, 200, 30_000)));
    expect(Date.now() - started).toBeLessThan(15_000);

    // The schedules that could not be created at boot exist now (the keeper retried them).
    const client = new Redis(redis.url);
    try {
      let keys: string[] = [];
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        keys = await client.keys('ve:*:repeat');
        if (keys.includes('ve:monitoring:repeat') && keys.includes('ve:webhooks:repeat')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(keys).toEqual(expect.arrayContaining(['ve:monitoring:repeat', 've:webhooks:repeat']));
    } finally {
      client.disconnect();
    }
    for (const app of apps) {
      expect(app.alive).toBe(true);
      expect(app.output()).not.toMatch(/Unhandled|uncaught/i);
      // Warnings only: no client without an 'error' listener printing its failed reconnects.
      expect(app.stderr.join('\n')).not.toMatch(/\n\s+at /);
      expect(app.output()).not.toMatch(/"level":(50|60)/);
    }
  }, 120_000);

  it('shuts down cleanly on SIGTERM', async () => {
    for (const app of apps) app.signal('SIGTERM');
    for (const app of apps) {
      expect(await app.waitForExit(30_000)).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});

describe('SIGTERM before Redis ever appeared', () => {
  const dir = tempDir('ve-redis-boot-term-');
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let app: AppProcess;

  afterAll(async () => {
    await app?.kill();
    await db?.drop();
    dir.cleanup();
  });

  it('exits 0 without waiting for Redis', async () => {
    const redis = await PrivateRedis.notStarted(); // never started
    db = await freshDatabase();
    const port = await freePort();
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, BULLMQ_PREFIX: 've' };
    app = new AppProcess('main.js', baseEnv({ ...env, PORT: String(port) }), dir.path);
    await app.waitForStatus(`http://127.0.0.1:${port}/health/live`, 200, 30_000);
    app.signal('SIGTERM');
    expect(await app.waitForExit(30_000)).toEqual({ code: 0, signal: null });
    expect(app.stderr.join('\n')).not.toMatch(/\n\s+at /);
    expect(app.output()).not.toMatch(/Unhandled|uncaught|"level":(50|60)/i);
  }, 60_000);
});
