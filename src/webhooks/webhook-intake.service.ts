import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DomainError } from '../common/domain-errors';
import { MicroBatcher, type BatchOutcome } from '../common/micro-batcher';
import { MetricsService } from '../metrics/metrics.service';
import { QueueProducerService } from '../queue/queue-producer.service';
import { QUEUES, WEBHOOK_JOBS, type WebhookJob } from '../queue/queue.constants';
import { TasksService } from '../tasks/tasks.service';
import { parseA2aPush } from './a2a/a2a-push.parser';
import { parseAgentCallback } from './agent-callback.parser';
import { CallbackOwnership } from './callback-ownership';
import { WebhookApplier } from './webhook-applier.service';
import { WebhookEventsRepository } from './webhook-events.repository';
import { WebhookIdempotency } from './webhook-idempotency';
import { WebhookRejectedError, WebhookSignatureVerifier } from './webhook-signature.verifier';
import {
  A2A_PUSH_EVENT_TYPE,
  type AgentCallback,
  type StoredWebhookPayload,
} from './webhooks.types';

export type IntakeResult =
  | { status: 202; body: { accepted: true; id: string } }
  | { status: 200; body: { duplicate: true; id: string } };

export interface InboundRequest {
  rawBody: Buffer | undefined;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  traceId: string;
}

const JOB_ID_SAFE = /^[A-Za-z0-9_.-]+$/;

interface NewEvent {
  id: string;
  customerId: string;
  eventType: string;
  payload: StoredWebhookPayload;
}

/** A BullMQ job id for a webhook-id: never ':' nor all digits, and distinct ids stay distinct. */
export function webhookJobId(id: string): string {
  return JOB_ID_SAFE.test(id) ? `wh_${id}` : `whb_${Buffer.from(id).toString('base64url')}`;
}

/**
 * The edge of inbound webhooks: authenticate (signature or A2A push token), validate, check
 * ownership, accept once (Redis claim, then the webhook_events primary key), answer at once and
 * leave the work to the `webhooks` queue. Nothing is enqueued for a refused request.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger(WebhookIntakeService.name);
  /** Events accepted together share one INSERT (one commit), then one addBulk (see MicroBatcher). */
  private readonly stored = new MicroBatcher<NewEvent, boolean>((events) => this.store(events), {
    maxInFlight: 2,
  });
  private readonly enqueued = new MicroBatcher<WebhookJob, true>((jobs) => this.addJobs(jobs), {
    maxInFlight: 2,
  });

  constructor(
    private readonly verifier: WebhookSignatureVerifier,
    private readonly ownership: CallbackOwnership,
    private readonly idempotency: WebhookIdempotency,
    private readonly events: WebhookEventsRepository,
    private readonly applier: WebhookApplier,
    private readonly tasks: TasksService,
    private readonly queues: QueueProducerService,
    private readonly metrics: MetricsService,
  ) {}

  async acceptCallback(
    req: InboundRequest,
    route: 'agent-callback' | 'token-usage',
  ): Promise<IntakeResult> {
    return this.counted(async () => {
      let id: string;
      let callback: AgentCallback;
      try {
        id = this.verifier.verify(requireRaw(req), req.headers).id;
        callback = parseAgentCallback(req.body, route);
      } catch (err) {
        await this.idempotency.abandonEarly(req.rawBody);
        throw err;
      }
      return this.accept(
        id,
        callback.customerId,
        callback.eventType,
        req.traceId,
        () => this.ownership.check(callback),
        req.rawBody,
      );
    });
  }

  async acceptA2aPush(req: InboundRequest): Promise<IntakeResult> {
    // A push is keyed by its content, not by a webhook-id: a claim the tracker made is not used.
    await this.idempotency.abandonEarly(req.rawBody);
    return this.counted(async () => {
      const token = pushToken(req.headers);
      const update = parseA2aPush(req.body);
      const task = await this.tasks.findByPushToken(token, update.platformTaskId);
      if (!task)
        throw new WebhookRejectedError('bad_token', 'The push notification token matches no task');
      // A push has no id of its own; the same notification delivered again has the same bytes.
      const digest = createHash('sha256')
        .update(`${task.id}\n`)
        .update(requireRaw(req))
        .digest('hex');
      const id = `a2a_${digest.slice(0, 40)}`;
      const payload: StoredWebhookPayload = {
        eventType: A2A_PUSH_EVENT_TYPE,
        customerId: task.customerId,
        taskId: task.id,
        ...(task.veId ? { veId: task.veId } : {}),
        update,
      };
      return this.accept(
        id,
        task.customerId,
        A2A_PUSH_EVENT_TYPE,
        req.traceId,
        async () => payload,
      );
    });
  }

  private async accept(
    id: string,
    customerId: string,
    eventType: string,
    traceId: string,
    prepare: () => Promise<StoredWebhookPayload>,
    rawBody?: Buffer,
  ): Promise<IntakeResult> {
    const edge = await this.idempotency.claimFor(rawBody, id);
    if (edge === 'duplicate') return this.duplicate(id);
    // Not claimed by us: maybe seen long ago (Redis key expired) or by a replica while Redis was down.
    if (edge === 'unknown' && (await this.events.exists(id))) return this.duplicate(id);
    let inserted: boolean;
    try {
      const payload = await prepare();
      inserted = await this.stored.add({ id, customerId, eventType, payload });
    } catch (err) {
      if (edge === 'claimed') await this.idempotency.release(id);
      throw err;
    }
    if (!inserted) {
      await this.idempotency.markAccepted(id);
      return this.duplicate(id);
    }
    this.metrics.webhooksReceived.inc({ event_type: eventType });
    // Independent (Redis mark, queue add): one wait instead of two round trips in a row.
    await Promise.all([
      this.idempotency.markAccepted(id),
      this.enqueue({ webhookId: id, customerId, traceId }),
    ]);
    return { status: 202, body: { accepted: true, id } };
  }

  /** Inserts a batch; true for the events this call stored (the first of one id in the batch). */
  private async store(events: NewEvent[]): Promise<Array<BatchOutcome<boolean>>> {
    const first = new Map<string, NewEvent>();
    for (const e of events) if (!first.has(e.id)) first.set(e.id, e);
    try {
      const inserted = await this.events.insertManyIfNew([...first.values()]);
      return events.map((e) => inserted.has(e.id) && first.get(e.id) === e);
    } catch (err) {
      if (events.length === 1) throw err;
      // One event the statement refused must not fail the others: each on its own.
      return Promise.all(
        events.map((e) =>
          this.events
            .insertIfNew(e)
            .catch((x: unknown) => (x instanceof Error ? x : new Error(String(x)))),
        ),
      );
    }
  }

  private async addJobs(jobs: WebhookJob[]): Promise<true[]> {
    await this.queues.queue(QUEUES.webhooks).addBulk(
      jobs.map((job) => ({
        name: WEBHOOK_JOBS.apply,
        data: job,
        opts: { jobId: webhookJobId(job.webhookId), attempts: 5 },
      })),
    );
    return jobs.map(() => true);
  }

  private async enqueue(job: WebhookJob): Promise<void> {
    try {
      await this.enqueued.add(job);
    } catch (err) {
      // Redis is down: the event is stored, so apply it here rather than leave it to the sweeper.
      this.logger.warn(
        { err: (err as Error).message, id: job.webhookId },
        'webhooks queue unavailable; applying inline',
      );
      await this.applier.apply(job.webhookId).catch((e: unknown) => {
        this.logger.error(
          { err: e, id: job.webhookId },
          'inline apply failed; the sweeper will retry',
        );
      });
    }
  }

  private duplicate(id: string): IntakeResult {
    this.metrics.webhooksDuplicate.inc();
    return { status: 200, body: { duplicate: true, id } };
  }

  /** Counts every refusal by reason (signature, payload, ownership) on its way out. */
  private async counted(fn: () => Promise<IntakeResult>): Promise<IntakeResult> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DomainError && err.status < 500)
        this.metrics.webhooksRejected.inc({ reason: reasonOf(err) });
      throw err;
    }
  }
}

function reasonOf(err: DomainError): string {
  if (err instanceof WebhookRejectedError) return err.reason;
  return (
    { 400: 'invalid_payload', 403: 'forbidden', 404: 'not_found', 422: 'invalid_payload' }[
      err.status
    ] ?? `http_${err.status}`
  );
}

function requireRaw(req: InboundRequest): Buffer {
  if (req.rawBody) return req.rawBody;
  throw new WebhookRejectedError(
    'unsupported_media_type',
    'Send the body as application/json (the signature covers its raw bytes)',
    415,
  );
}

/** 0.3 sends X-A2A-Notification-Token; 1.0 sends `Authorization: <scheme> <credentials>` from the push config. */
function pushToken(headers: InboundRequest['headers']): string {
  const legacy = headers['x-a2a-notification-token'];
  if (typeof legacy === 'string' && legacy) return legacy;
  const auth = headers.authorization;
  const m = typeof auth === 'string' ? /^\S+\s+(\S+)$/.exec(auth) : null;
  if (m) return m[1]!;
  throw new WebhookRejectedError(
    'missing_header',
    'X-A2A-Notification-Token or Authorization header is missing',
  );
}
