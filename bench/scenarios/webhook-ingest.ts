import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { LoadResult, runLoad } from '../lib/load';

interface Signed {
  headers: Record<string, string>;
  body: string;
}

/**
 * Unique, valid message_send callbacks: `prepared` are signed up front so signing costs nothing
 * during a run; past them each one is signed when it is sent (counted in `signedLive`, so a run
 * never repeats an id — a repeat would be a cheap duplicate answer, not an ingest).
 */
export class SignedCallbacks {
  private readonly wh: Webhook;
  private readonly items: Signed[] = [];
  private sent = 0;
  signedLive = 0;

  constructor(
    secret: string,
    private readonly customerId: string,
    private readonly veId: string,
    prepared: number,
  ) {
    this.wh = new Webhook(secret);
    for (let i = 0; i < prepared; i++) this.items.push(this.sign(i));
  }

  next(): Signed {
    const i = this.sent++;
    if (i < this.items.length) {
      const item = this.items[i]!;
      this.items[i] = undefined as unknown as Signed; // sent: let it go
      return item;
    }
    this.signedLive++;
    return this.sign(i);
  }

  private sign(i: number): Signed {
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    const body = JSON.stringify({
      eventType: 'message_send',
      customerId: this.customerId,
      veId: this.veId,
      message: `bench message ${i}`,
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': this.wh.sign(id, now, body),
      },
    };
  }
}

export async function ingest(
  baseUrl: string,
  callbacks: SignedCallbacks,
  durationSec: number,
): Promise<LoadResult> {
  return runLoad({
    url: `${baseUrl}/api/webhooks/agent-callback`,
    method: 'POST',
    connections: 32,
    durationSec,
    next: () => callbacks.next(),
  });
}

/**
 * Runs `fn` with the app's `webhooks` queue paused (BullMQ's global pause: workers take no jobs),
 * so ingest is measured like the baseline — accept and enqueue — without the same two cores
 * also applying the events; then resumes and times the drain (events applied per second).
 */
export async function withWorkersPaused<T>(
  redisUrl: string,
  prefix: string,
  fn: () => Promise<T>,
): Promise<{ result: T; resume: () => Promise<void> }> {
  const queue = new Queue('webhooks', { prefix, connection: { url: redisUrl } });
  await queue.pause();
  try {
    const result = await fn();
    return {
      result,
      resume: async () => {
        await queue.resume();
        await queue.close();
      },
    };
  } catch (err) {
    await queue.resume();
    await queue.close();
    throw err;
  }
}
