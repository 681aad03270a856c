import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import type { DomainEvent } from '../../events/domain-events';
import { EventsService } from '../../events/events.service';
import { QueueProducerService } from '../../queue/queue-producer.service';
import {
  OUTBOUND_WEBHOOK_JOBS,
  QUEUES,
  type OutboundWebhookJob,
} from '../../queue/queue.constants';
import { WebhookEndpointsRepository, type EndpointRow } from './webhook-endpoints.repository';

/**
 * Endpoints are read per event; a short cache spares the database on busy customers. Another
 * replica sees a new or deleted endpoint within this time (this one at once: it invalidates).
 */
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

/** The body customers receive (Standard Webhooks' recommended envelope). */
export interface OutboundPayload {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** A stable id per event: the same event fanned out twice is one delivery per endpoint (unique key). */
export function outboundEventId(e: DomainEvent): string {
  const canonical = JSON.stringify([
    e.type,
    e.customerId,
    e.taskId ?? null,
    e.veId ?? null,
    e.messageId ?? null,
    e.at,
    e.data ?? null,
  ]);
  return `evt_${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
}

/**
 * Fans every domain event published in this process out to the customer's endpoints that
 * subscribe to its type: a webhook_deliveries row each (the record and the dedupe key), then a job
 * on `outbound-webhooks`. A failed enqueue leaves the row pending for the sweeper.
 */
@Injectable()
export class OutboundFanoutService implements OnModuleInit {
  private readonly logger = new Logger(OutboundFanoutService.name);
  private readonly cache = new Map<string, { until: number; endpoints: EndpointRow[] }>();

  constructor(
    private readonly events: EventsService,
    private readonly repo: WebhookEndpointsRepository,
    private readonly queues: QueueProducerService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.onPublished(async (event) => {
      await this.fanOut(event);
    });
  }

  invalidate(customerId: string): void {
    this.cache.delete(customerId);
  }

  async fanOut(event: DomainEvent): Promise<string[]> {
    const endpoints = (await this.endpointsOf(event.customerId)).filter((e) =>
      e.events.includes(event.type),
    );
    if (!endpoints.length) return [];
    const eventId = outboundEventId(event);
    const { type, customerId, at, taskId, veId, messageId, data } = event;
    const payload: OutboundPayload = {
      id: eventId,
      type,
      timestamp: at,
      data: { customerId, taskId, veId, messageId, ...data },
    };
    const ids = await this.repo.insertDeliveries(
      endpoints.map((e) => ({ endpointId: e.id, customerId, eventId, eventType: type, payload })),
    );
    for (const deliveryId of ids)
      await this.enqueue({ deliveryId, customerId, traceId: event.traceId });
    return ids;
  }

  async enqueue(job: OutboundWebhookJob): Promise<void> {
    try {
      await this.queues.queue(QUEUES.outbound).add(OUTBOUND_WEBHOOK_JOBS.deliver, job, {
        jobId: job.deliveryId,
        attempts: this.config.get('OUTBOUND_WEBHOOK_ATTEMPTS'),
        backoff: { type: 'exponential', delay: this.config.get('OUTBOUND_WEBHOOK_BACKOFF_MS') },
      });
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message, deliveryId: job.deliveryId },
        'delivery not enqueued; the sweeper will',
      );
    }
  }

  private async endpointsOf(customerId: string): Promise<EndpointRow[]> {
    const hit = this.cache.get(customerId);
    if (hit && hit.until > Date.now()) return hit.endpoints;
    const endpoints = await this.repo.active(customerId);
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(customerId, { until: Date.now() + CACHE_MS, endpoints });
    return endpoints;
  }
}
