import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../metrics/metrics.service';
import { OutboundFanoutService } from './outbound-fanout.service';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { postWebhook } from './webhook-http-sender';

const USER_AGENT = 've-platform-webhooks/1.0';

/**
 * One delivery attempt: POST the stored payload signed with the endpoint's secret (Standard
 * Webhooks; the webhook-id is the event id, the same on every retry so receivers can dedupe),
 * record the outcome. Throws to have BullMQ retry with backoff; UnrecoverableError when retrying
 * cannot help (unsafe host, deleted endpoint, last attempt).
 */
@Injectable()
export class OutboundDeliveryService {
  constructor(
    private readonly repo: WebhookEndpointsRepository,
    private readonly fanout: OutboundFanoutService,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  async deliver(deliveryId: string): Promise<{ status: string; attempts?: number }> {
    const found = await this.repo.deliveryWithEndpoint(deliveryId);
    if (!found || found.delivery.status !== 'pending') return { status: 'nothing to do' };
    const { delivery, endpoint } = found;
    if (endpoint.deleted) {
      await this.repo.markFailed(deliveryId, 'endpoint deleted');
      this.metrics.outboundDeliveries.inc({ outcome: 'dropped' });
      return { status: 'dropped' };
    }
    const body = JSON.stringify(delivery.payload);
    const now = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': delivery.event_id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(endpoint.secret).sign(delivery.event_id, now, body),
    };
    const res = await postWebhook(new URL(endpoint.url), body, headers, {
      timeoutMs: this.config.get('OUTBOUND_WEBHOOK_TIMEOUT_MS'),
      allowPrivate: this.config.get('OUTBOUND_WEBHOOKS_ALLOW_PRIVATE'),
    });
    const ok = !res.error;
    const attempt = delivery.attempts + 1;
    const final =
      ok || Boolean(res.unsafe) || attempt >= this.config.get('OUTBOUND_WEBHOOK_ATTEMPTS');
    await this.repo.recordAttempt(deliveryId, {
      ok,
      final,
      responseStatus: res.status ?? null,
      error: res.error ?? null,
    });
    this.metrics.outboundDeliveries.inc({
      outcome: ok ? 'success' : res.unsafe ? 'blocked' : 'failure',
    });
    if (ok) return { status: 'succeeded', attempts: attempt };
    if (res.unsafe) throw new UnrecoverableError(`refused: ${res.error}`);
    if (final) throw new UnrecoverableError(`gave up after ${attempt} attempts: ${res.error}`);
    throw new Error(`attempt ${attempt} failed: ${res.error}`);
  }

  /** Re-enqueues pending deliveries whose job was lost; the same job id makes it a no-op otherwise. */
  async requeueStuck(olderThanMs: number, limit: number): Promise<number> {
    const stuck = await this.repo.stuckPending(olderThanMs, limit);
    for (const d of stuck)
      await this.fanout.enqueue({ deliveryId: d.id, customerId: d.customerId });
    return stuck.length;
  }
}
