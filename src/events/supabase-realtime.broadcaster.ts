import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { SupabaseClient } from '@supabase/supabase-js';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import type { DomainEvent } from './domain-events';
import { EventsService } from './events.service';

/** The Realtime channel a customer's frontend listens on. */
export function customerChannel(customerId: string): string {
  return `customer:${customerId}`;
}

const SEND_TIMEOUT_MS = 5_000;

/**
 * With SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY set, broadcasts every domain event published by
 * this process on the customer's private Realtime channel `customer:<id>` (event = the type,
 * payload = the event). Sent with httpSend (Realtime's REST broadcast endpoint): no websocket to
 * hold open. Private channels admit only the customer's members (the realtime.messages policy in
 * the migrations). Failures are logged and counted, never thrown: the database holds the truth.
 */
@Injectable()
export class SupabaseRealtimeBroadcaster implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SupabaseRealtimeBroadcaster.name);
  private client?: SupabaseClient;
  /** Per customer, the send in flight: events of one customer go out in order. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly config: AppConfig,
    private readonly events: EventsService,
    private readonly metrics: MetricsService,
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.get('SUPABASE_URL') && this.config.get('SUPABASE_SERVICE_ROLE_KEY'));
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    // Loaded only when configured: supabase-js costs a process that does not broadcast ~10 MB.
    const { createClient } = await import('@supabase/supabase-js');
    this.client = createClient(
      this.config.get('SUPABASE_URL')!,
      this.config.get('SUPABASE_SERVICE_ROLE_KEY')!,
      {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      },
    );
    this.events.onPublished((event) => this.enqueue(event));
  }

  /** Lets the sends in flight finish (each is bounded by its timeout), then drops the channels. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
    await this.client?.removeAllChannels();
  }

  /** Resolves when the event was sent or its failure logged. */
  broadcast(event: DomainEvent): Promise<void> {
    return this.enqueue(event);
  }

  private enqueue(event: DomainEvent): Promise<void> {
    const previous = this.chains.get(event.customerId) ?? Promise.resolve();
    const next = previous.then(() => this.send(event));
    this.chains.set(event.customerId, next);
    void next.then(() => {
      if (this.chains.get(event.customerId) === next) this.chains.delete(event.customerId);
    });
    return next;
  }

  private async send(event: DomainEvent): Promise<void> {
    const client = this.client;
    if (!client) return;
    const channel = client.channel(customerChannel(event.customerId), {
      config: { private: true },
    });
    try {
      const { traceId: _traceId, ...payload } = event;
      await channel.httpSend(event.type, payload, { timeout: SEND_TIMEOUT_MS });
      this.metrics.realtimeBroadcasts.inc({ outcome: 'sent' });
    } catch (err) {
      this.metrics.realtimeBroadcasts.inc({ outcome: 'failed' });
      this.logger.warn(
        { err, type: event.type, customerId: event.customerId },
        'Supabase Realtime broadcast failed',
      );
    } finally {
      // A channel made only for a REST broadcast is removed at once (supabase-js guidance).
      await client.removeChannel(channel).catch(() => undefined);
    }
  }
}
