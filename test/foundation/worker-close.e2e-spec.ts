import { Queue } from 'bullmq';
import { OutageSafeWorker } from '../../src/queue/outage-safe-worker';
import { PrivateRedis, until } from './support/processes';

/**
 * The worker class every processor runs on: a graceful close waits for the running job while
 * Redis answers, and never hangs when Redis is gone (bullmq#4656), before or during the close.
 */
describe('OutageSafeWorker.close()', () => {
  let redis: PrivateRedis;
  let n = 0;
  const connection = () => ({
    url: redis.url,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  });

  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** A queue and a worker whose job runs until `release()`; resolves once the job is running. */
  async function runningJob() {
    const name = `close-${++n}`;
    // A producer as the app configures it: no offline queue, so closing it never waits for Redis.
    const queue = new Queue(name, { connection: { ...connection(), enableOfflineQueue: false } });
    queue.on('error', () => undefined);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let finished = false;
    const worker = new OutageSafeWorker(
      name,
      async () => {
        await gate;
        finished = true;
        return 'done';
      },
      { connection: connection() },
    );
    worker.on('error', () => undefined);
    const job = await queue.add('j', {});
    await until('the job to run', async () =>
      (await job.getState()) === 'active' ? true : undefined,
    );
    return { queue, worker, job, release, finished: () => finished };
  }

  it('waits for the running job while Redis answers, and records it completed', async () => {
    const { queue, worker, job, release, finished } = await runningJob();
    let closed = false;
    const closing = worker.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(closed).toBe(false); // still waiting for the job
    release();
    await closing;
    expect(finished()).toBe(true);
    expect(await job.getState()).toBe('completed');
    await queue.close();
  });

  it('closes at once when Redis is down, letting the running processor finish', async () => {
    const { queue, worker, release, finished } = await runningJob();
    await redis.stop();
    await until('the worker to notice', async () =>
      (await worker.backend.client).status === 'ready' ? undefined : true,
    );
    const started = Date.now();
    const closing = worker.close();
    release();
    await closing;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(finished()).toBe(true);
    await closeWithoutRedis(queue);
    await redis.start();
  });

  it('stops waiting when Redis goes away during a graceful close', async () => {
    const { queue, worker, release, finished } = await runningJob();
    const closing = worker.close();
    await new Promise((r) => setTimeout(r, 300));
    await redis.stop();
    release();
    const started = Date.now();
    await closing;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(finished()).toBe(true);
    await closeWithoutRedis(queue);
    await redis.start();
  });
});

/** A producer's close fails without Redis (no offline queue); its client must still stop reconnecting. */
async function closeWithoutRedis(queue: Queue): Promise<void> {
  await queue.close().catch(async () => (await queue.backend.client).disconnect());
}
