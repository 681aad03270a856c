import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Agent, request } from 'node:http';
import { freshDatabase, freshPrefix, REDIS_URL } from '../helpers/resources';
import { ADMIN_KEY, WEBHOOK_SECRET } from '../helpers/test-app';
import { AppProcess, baseEnv, freePort, statusOf, tempDir, until } from './support/processes';
import type { SlowController } from './support/slow-app';

/** GET over a keep-alive agent, so the socket stays open (idle) afterwards. */
function keepAliveGet(agent: Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

describe('graceful shutdown', () => {
  const prefix = freshPrefix();
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await prefix.clean();
    await db?.drop();
  });

  describe('node dist/main.js on SIGTERM', () => {
    const dir = tempDir('ve-sigterm-');
    let app: AppProcess;
    const agent = new Agent({ keepAlive: true });
    afterAll(async () => {
      agent.destroy();
      await app?.kill();
      dir.cleanup();
    });

    it('exits 0 promptly, even with an idle keep-alive connection open', async () => {
      const port = await freePort();
      const env = {
        DATABASE_URL: db.url,
        REDIS_URL: REDIS_URL(),
        BULLMQ_PREFIX: prefix.prefix,
        PORT: String(port),
      };
      app = new AppProcess('main.js', baseEnv(env), dir.path);
      await app.waitForStatus(`http://127.0.0.1:${port}/health/ready`, 200, 90_000);
      expect(await keepAliveGet(agent, `http://127.0.0.1:${port}/health/live`)).toBe(200);

      const signalled = Date.now();
      app.signal('SIGTERM');
      expect(await app.waitForExit(30_000)).toEqual({ code: 0, signal: null });
      // Fastify's keep-alive timeout is 72 s: an exit this fast means the idle socket was closed.
      expect(Date.now() - signalled).toBeLessThan(15_000);
      expect(app.output()).not.toMatch(/"level":(50|60)/);
    }, 120_000);
  });

  describe('app.close() with a request in flight', () => {
    let app: NestFastifyApplication;
    let slow: typeof SlowController;
    let base: string;

    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      for (const key of ['DATABASE_URL', 'PGLITE_DIR', 'RUN_MODE']) delete process.env[key];
      Object.assign(process.env, {
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        DATABASE_URL: db.url,
        REDIS_URL: REDIS_URL(),
        BULLMQ_PREFIX: prefix.prefix,
        ADMIN_API_KEY: ADMIN_KEY,
        WEBHOOK_SECRET,
        K8S_MODE: 'dry-run',
      });
      await jest.isolateModulesAsync(async () => {
        const { createHttpApp } = await import('../../src/bootstrap');
        const { SlowAppModule, SlowController } = await import('./support/slow-app');
        slow = SlowController;
        app = await createHttpApp(
          SlowAppModule,
          { swagger: false, bullBoard: false },
          { logger: false },
        );
      });
      await app.listen(port, '127.0.0.1');
    }, 120_000);
    afterAll(async () => {
      slow?.release();
      await app?.close();
    });

    it('finishes the request in flight, and takes no new connection once closing', async () => {
      slow.closeGate();
      const inFlight = fetch(`${base}/slow`);
      await until(
        'the slow request to arrive',
        async () => (slow.entered === 1 ? true : undefined),
        30_000,
      );

      const closed = app.close();
      // New requests stop being served: refused (0), or 503 on a socket that was already open.
      await until(
        'new requests to be turned away',
        async () => {
          const status = await statusOf(`${base}/health/live`);
          return status === 0 || status === 503 ? status : undefined;
        },
        30_000,
      );

      slow.release();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ finished: true });
      await closed;
      expect(await statusOf(`${base}/health/live`)).toBe(0);
    }, 60_000);
  });
});
