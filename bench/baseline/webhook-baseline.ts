/**
 * The floor for webhook ingest: bare Fastify + standardwebhooks verify + BullMQ add, nothing else.
 * Started by bench/run.ts as its own process, like the app.
 */
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Webhook } from 'standardwebhooks';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3900);
  const wh = new Webhook(process.env.WEBHOOK_SECRET!);
  const queue = new Queue('baseline-webhooks', {
    prefix: process.env.BULLMQ_PREFIX,
    connection: { url: process.env.REDIS_URL, enableOfflineQueue: false },
    defaultJobOptions: { removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
  });
  const app = Fastify({ bodyLimit: 1_048_576 });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );
  app.post('/api/webhooks/agent-callback', async (req, reply) => {
    const raw = (req.body as Buffer).toString('utf8');
    const headers = req.headers as Record<string, string>;
    let payload: unknown;
    try {
      payload = wh.verify(raw, headers);
    } catch {
      return reply.status(401).send({ statusCode: 401 });
    }
    const id = headers['webhook-id']!;
    await queue.add('event', payload, { jobId: id });
    return reply.status(202).send({ accepted: true, id });
  });
  await app.listen({ port, host: '127.0.0.1' });
  process.on(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(() => queue.close())
        .then(() => process.exit(0)),
  );
}

void main();
