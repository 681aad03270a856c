import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric of the platform, defined once. Gauges whose value lives elsewhere
 * (queue depth, VEs by status) are filled by collectors registered with `onCollect`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly collectors: Array<() => Promise<void>> = [];

  readonly queueJobs = new Gauge({
    name: 've_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 've_job_duration_seconds',
    help: 'Time a processor spent on a job',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly agentInvocations = new Counter({
    name: 've_agent_invocations_total',
    help: 'A2A invocations of agents by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly agentInvocationDuration = new Histogram({
    name: 've_agent_invocation_duration_seconds',
    help: 'Duration of A2A invocations',
    labelNames: ['outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly tasksTransitions = new Counter({
    name: 've_task_transitions_total',
    help: 'Task state transitions by target state',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly taskProcessingSeconds = new Histogram({
    name: 've_task_processing_seconds',
    help: 'Time from task creation to a final state',
    labelNames: ['status'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: 've_tokens_total',
    help: 'Tokens used by customer, model and direction (input|output)',
    labelNames: ['customer_id', 'model', 'direction'] as const,
    registers: [this.registry],
  });
  readonly costMicros = new Counter({
    name: 've_cost_micro_usd_total',
    help: 'Cost of tokens used, in micro-dollars, by customer and model',
    labelNames: ['customer_id', 'model'] as const,
    registers: [this.registry],
  });
  readonly webhooksReceived = new Counter({
    name: 've_webhooks_received_total',
    help: 'Agent webhooks accepted, by event type',
    labelNames: ['event_type'] as const,
    registers: [this.registry],
  });
  readonly webhooksRejected = new Counter({
    name: 've_webhooks_rejected_total',
    help: 'Agent webhooks refused, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly webhooksDuplicate = new Counter({
    name: 've_webhooks_duplicate_total',
    help: 'Agent webhooks recognised as already seen',
    registers: [this.registry],
  });
  readonly outboundDeliveries = new Counter({
    name: 've_outbound_webhook_deliveries_total',
    help: 'Outbound customer webhook delivery attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly cacheRequests = new Counter({
    name: 've_cache_requests_total',
    help: 'Redis cache lookups by cache and outcome (hit|miss|error)',
    labelNames: ['cache', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly vesByStatus = new Gauge({
    name: 've_virtual_employees',
    help: 'Virtual employees by status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly realtimeBroadcasts = new Counter({
    name: 've_realtime_broadcasts_total',
    help: 'Supabase Realtime broadcasts of domain events by outcome (sent|failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly sseClients = new Gauge({
    name: 've_sse_clients',
    help: 'Server-Sent Events clients connected to this process',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 've_' });
  }

  /** Registers a function run before each scrape to refresh gauges from their source. */
  onCollect(fn: () => Promise<void>): void {
    this.collectors.push(fn);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    // A failing source (Redis down) must not hide the other metrics.
    await Promise.allSettled(this.collectors.map((fn) => fn()));
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
