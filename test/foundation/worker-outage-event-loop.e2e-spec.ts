import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { NODE, PrivateRedis, ROOT, until } from './support/processes';

/**
 * A worker must stay responsive while Redis is down. With the queue's fail-fast options (no offline
 * queue) ioredis rejected the worker's fetches synchronously, and BullMQ's main loop fetched again
 * at once, in microtasks, for ever: 100% CPU and an event loop that never turned (no timer, no
 * request, no SIGTERM) until Redis came back. The worker runs in a child process so that a
 * regression fails this test instead of freezing jest.
 */
describe('a worker while Redis is down', () => {
  let redis: PrivateRedis;
  let child: ChildProcess | undefined;
  const out: string[] = [];

  afterAll(async () => {
    child?.kill('SIGKILL');
    await redis?.stop();
  });

  it('keeps its event loop turning while jobs were flowing, and stops on SIGTERM', async () => {
    redis = await PrivateRedis.start();
    child = spawn(
      NODE,
      [join(__dirname, 'support', 'outage-worker.ts'), join(ROOT, 'dist'), redis.url],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(...d.split('\n')));
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    await until('worker busy', async () => out.includes('busy') || undefined, 30_000);

    await redis.stop();
    // Well past the first failed fetch: the ticker must keep printing (10 per second when idle).
    await new Promise((r) => setTimeout(r, 1_500));
    const before = out.filter((l) => l === 'tick').length;
    await new Promise((r) => setTimeout(r, 2_000));
    const ticks = out.filter((l) => l === 'tick').length - before;
    expect(ticks).toBeGreaterThanOrEqual(5);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
