// A busy BullMQ worker of the app (OutageSafeWorker with the queue's fail-fast connection options,
// as @nestjs/bullmq hands them over) and a 100 ms ticker printing "tick" while the event loop
// turns. Prints "busy" once it has processed 50 of its 5,000 jobs. Concurrency 1 and jobs waiting:
// the state in which BullMQ fetches with a plain moveToActive and had nothing else to await.
// Used by worker-outage-event-loop.e2e-spec.ts; argv: <dist dir> <redis url>.
const { join } = require('node:path');
const { Queue } = require('bullmq');
const { OutageSafeWorker } = require(join(process.argv[2], 'queue', 'outage-safe-worker.js'));

async function main() {
  const connection = { url: process.argv[3], enableOfflineQueue: false, maxRetriesPerRequest: 1 };
  const queue = new Queue('outage', { connection: { url: process.argv[3] } });
  await queue.addBulk(Array.from({ length: 5000 }, (_, i) => ({ name: 'job', data: { i } })));
  await queue.close();
  let done = 0;
  const worker = new OutageSafeWorker(
    'outage',
    async () => {
      await new Promise((r) => setTimeout(r, 5));
      if (++done === 50) process.stdout.write('busy\n');
    },
    { connection, concurrency: 1 },
  );
  setInterval(() => process.stdout.write('tick\n'), 100);
  process.on('SIGTERM', () => void worker.close().finally(() => process.exit(0)));
}
void main();
