/**
 * A busy BullMQ worker of the app (OutageSafeWorker with the queue's fail-fast connection options,
 * as @nestjs/bullmq hands them over) and a 100 ms ticker printing "tick" while the event loop
 * turns. Prints "busy" once it has processed 50 of its 5,000 jobs. Concurrency 1 and jobs waiting:
 * the state in which BullMQ fetches with a plain moveToActive and has nothing else to await.
 *
 * Run by worker-outage-event-loop.e2e-spec.ts with Node's own type stripping:
 * `node outage-worker.ts <dist dir> <redis url>`.
 */
import { Queue } from 'bullmq';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OutageSafeWorker as Built } from '../../../src/queue/outage-safe-worker';

async function main(): Promise<void> {
  const [distDir, redisUrl] = process.argv.slice(2) as [string, string];
  const { OutageSafeWorker } = (await import(join(distDir, 'queue', 'outage-safe-worker.js'))) as {
    OutageSafeWorker: typeof Built;
  };

  const queue = new Queue('outage', { connection: { url: redisUrl } });
  await queue.addBulk(Array.from({ length: 5000 }, (_, i) => ({ name: 'job', data: { i } })));
  await queue.close();
  let done = 0;
  const worker = new OutageSafeWorker(
    'outage',
    async () => {
      await sleep(5);
      if (++done === 50) process.stdout.write('busy\n');
    },
    {
      connection: { url: redisUrl, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
      concurrency: 1,
    },
  );
  setInterval(() => process.stdout.write('tick\n'), 100);
  process.on('SIGTERM', () => void worker.close().finally(() => process.exit(0)));
}

void main();
