import { Injectable } from '@nestjs/common';
import { backOff } from 'exponential-backoff';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { AppConfig } from '../../config/app-config';

class CallbackRefused extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`callback to ${url} answered HTTP ${status}`);
  }
}

/**
 * Sends agent callbacks the way a real agent would: Standard Webhooks signature with the first
 * WEBHOOK_SECRET, a fresh webhook-id per event, a few attempts with backoff.
 */
@Injectable()
export class SandboxCallbacks {
  private readonly webhook: Webhook;

  constructor(config: AppConfig) {
    this.webhook = new Webhook(config.webhookSecrets[0]!);
  }

  async send(url: string, payload: Record<string, unknown>): Promise<string> {
    const id = `msg_${randomUUID()}`;
    const body = JSON.stringify(payload);
    await backOff(
      async () => {
        const at = new Date();
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': this.webhook.sign(id, at, body),
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await res.body?.cancel().catch(() => undefined);
        if (!res.ok) throw new CallbackRefused(res.status, url);
      },
      // A 4xx is the receiver's final word (bad signature, unknown task): only outages are retried.
      {
        numOfAttempts: 3,
        startingDelay: 200,
        timeMultiple: 3,
        retry: (err: unknown) => !(err instanceof CallbackRefused && err.status < 500),
      },
    );
    return id;
  }
}
