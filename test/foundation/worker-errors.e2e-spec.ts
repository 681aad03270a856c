import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import { freshDatabase } from '../helpers/resources';
import { PrivateRedis, until } from './support/processes';
import type { ProbeProcessor } from './support/probe-app';

/** Captures what the app logs, by level. */
class CapturingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string }> = [];
  log = (m: unknown) => this.push('log', m);
  warn = (m: unknown) => this.push('warn', m);
  error = (m: unknown) => this.push('error', m);
  debug = () => undefined;
  verbose = () => undefined;
  private push(level: string, m: unknown) {
    this.lines.push({ level, message: typeof m === 'string' ? m : JSON.stringify(m) });
  }
}

/**
 * BullMQ queues and workers while Redis is down: producers fail fast (no offline queue), every
 * worker has an 'error' listener, nothing crashes or floods the log, and work resumes afterwards.
 */
describe('BullMQ workers and queues during a Redis outage', () => {
  const logger = new CapturingLogger();
  let redis: PrivateRedis;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ctx: INestApplicationContext;
  let probe: ProbeProcessor;
  let queue: Queue;
  let worker: Worker;
  const consoleError = jest.spyOn(console, 'error');

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    db = await freshDatabase();
    for (const key of ['DATABASE_URL', 'PGLITE_DIR', 'RUN_MODE']) delete process.env[key];
    Object.assign(process.env, {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      BULLMQ_PREFIX: 've',
      K8S_MODE: 'dry-run',
    });
    // Loaded after the environment is set: the config module validates it when first imported.
    await jest.isolateModulesAsync(async () => {
      const { NestFactory } = await import('@nestjs/core');
      const { getQueueToken } = await import('@nestjs/bullmq');
      const { ProbeAppModule, ProbeProcessor } = await import('./support/probe-app');
      const { QUEUES } = await import('../../src/queue/queue.constants');
      ctx = await NestFactory.createApplicationContext(ProbeAppModule, { logger });
      probe = ctx.get(ProbeProcessor);
      queue = ctx.get<Queue>(getQueueToken(QUEUES.monitoring));
    });
    worker = probe.worker;
  }, 120_000);
  afterAll(async () => {
    await ctx?.close();
    await redis?.stop();
    await db?.drop();
    consoleError.mockRestore();
  });

  const processed = (id: string) =>
    until(`job ${id} processed`, async () => (probe.done.includes(id) ? true : undefined), 30_000);

  it('gives every worker an error listener; a processor can set its concurrency in onModuleInit', async () => {
    expect(worker.listenerCount('error')).toBeGreaterThan(0);
    expect(worker.concurrency).toBe(2);
    await queue.add('probe', { n: 1 }, { jobId: 'before-outage' });
    await processed('before-outage');
  });

  it('fails producers fast, keeps quiet and alive while Redis is down, and resumes after', async () => {
    const linesBefore = logger.lines.length;
    await redis.stop();
    const stopped = Date.now();

    const started = Date.now();
    await expect(queue.add('probe', { n: 2 }, { jobId: 'during-outage' })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);

    // Several reconnect rounds of every connection (worker, blocking worker, queue, shared client).
    await until(
      'an outage of 8 s',
      async () => (Date.now() - stopped > 8_000 ? true : undefined),
      20_000,
    );
    expect(worker.isRunning()).toBe(true);

    await redis.start();
    // Redis came back empty (no persistence): enqueue again, as the reconciler would.
    await until(
      'the queue accepting jobs again',
      async () =>
        (await queue.add('probe', { n: 3 }, { jobId: 'after-outage' }).catch(() => undefined))
          ? true
          : undefined,
      60_000,
    );
    await processed('after-outage');

    const outage = logger.lines.slice(linesBefore);
    expect(outage.filter((l) => l.level === 'error')).toEqual([]);
    // At most one warning per source per 10 s window (here: the worker and the queue).
    expect(outage.filter((l) => /worker monitoring/.test(l.message)).length).toBeLessThanOrEqual(2);
    expect(outage.length).toBeLessThan(15);
    // BullMQ prints to console.error only when an 'error' event has no listener.
    expect(consoleError).not.toHaveBeenCalled();
  }, 120_000);
});
