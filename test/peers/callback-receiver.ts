import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedCallback {
  id: string;
  /** The body, when its Standard Webhooks signature verified with the secret; undefined otherwise. */
  payload?: Record<string, unknown>;
  error?: string;
}

export interface CallbackReceiver {
  url: string;
  received: ReceivedCallback[];
  close(): Promise<void>;
}

/** A stand-in for the platform's agent-callback endpoint: verifies each delivery's signature and records it. */
export async function startCallbackReceiver(secret: string): Promise<CallbackReceiver> {
  const webhook = new Webhook(secret);
  const received: ReceivedCallback[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, String(v)]),
      );
      const entry: ReceivedCallback = { id: headers['webhook-id'] ?? '' };
      try {
        entry.payload = webhook.verify(body, headers) as Record<string, unknown>;
      } catch (err) {
        entry.error = (err as Error).message;
      }
      received.push(entry);
      res.writeHead(entry.payload ? 202 : 401, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/agent-callback`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
