import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { LoadResult, runLoad } from '../lib/load';

/** Pre-signs `count` unique, valid message_send callbacks so signing costs nothing during the run. */
export function presign(secret: string, customerId: string, veId: string, count: number) {
  const wh = new Webhook(secret);
  const now = new Date();
  const items: { headers: Record<string, string>; body: string }[] = [];
  for (let i = 0; i < count; i++) {
    const id = `msg_${randomUUID()}`;
    const body = JSON.stringify({ eventType: 'message_send', customerId, veId, message: `bench message ${i}` });
    items.push({
      body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': wh.sign(id, now, body),
      },
    });
  }
  return items;
}

export async function ingest(
  baseUrl: string,
  items: { headers: Record<string, string>; body: string }[],
  durationSec: number,
): Promise<LoadResult> {
  let i = 0;
  return runLoad({
    url: `${baseUrl}/api/webhooks/agent-callback`,
    method: 'POST',
    connections: 32,
    durationSec,
    next: () => items[i++ % items.length]!,
  });
}
