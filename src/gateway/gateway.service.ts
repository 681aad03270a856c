import { Injectable, Logger } from '@nestjs/common';
import { backOff } from 'exponential-backoff';
import { BillingService } from '../billing/billing.service';
import type { UsageEvent } from '../billing/billing.types';
import { newTraceId, TraceContext, traceparentFor } from '../common/trace';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import type { Ve } from '../ves/ves.types';
import { AttemptTimeoutError, classifyFailure, messageOf } from './a2a-errors';
import { mapReply, ReplyAccumulator, type A2aReply } from './a2a-reply';
import { buildSendMessage } from './a2a-request';
import { AgentClientCache } from './agent-client.cache';
import { AgentJwtService } from './agent-jwt.service';
import { GatewayUrls } from './gateway-urls';
import { AgentUnavailableError, type InvokeOutcome, type InvokeRequest } from './gateway.types';
import { toUsageEvents, UsageCollector, type UsageRecord } from './usage-extractor';

interface Exchange {
  reply: A2aReply;
  usage: UsageRecord[];
}

/** Contract used by tasks, messages and the orchestrator. Owned by the gateway issue (#4). */
@Injectable()
export class GatewayService {
  private readonly logger = new Logger(GatewayService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly urls: GatewayUrls,
    private readonly clients: AgentClientCache,
    private readonly jwt: AgentJwtService,
    private readonly billing: BillingService,
    private readonly metrics: MetricsService,
  ) {}

  /** The A2A URL the VE is reached at (its own URL, the gateway's, or the sandbox agent's). */
  agentUrl(ve: Pick<Ve, 'agentUrl' | 'namespace' | 'agentName'>): string {
    return this.urls.agent(ve);
  }

  /**
   * Sends A2A message/send to the VE's agent; usage found in the reply is recorded through
   * BillingService.recordUsage before returning (and also listed in the outcome).
   * Throws AgentUnavailableError after retries when the agent cannot be reached or replies malformed.
   * Transient failures (connection refused/reset, 502/503/504, timeout) are retried with backoff;
   * an agent-reported failure (failed task, JSON-RPC error) never is.
   */
  async invokeAgent(customerId: string, ve: Ve, request: InvokeRequest): Promise<InvokeOutcome> {
    const url = this.urls.agent(ve);
    const end = this.metrics.agentInvocationDuration.startTimer();
    let label = 'unreachable';
    try {
      const exchange = await this.withRetries(url, request, (signal) =>
        this.exchange(customerId, ve, url, request, signal),
      );
      const mapped = mapReply(exchange.reply);
      const scope =
        exchange.reply.kind === 'task' ? exchange.reply.task.id : `ctx-${request.taskId}`;
      const usage = toUsageEvents(exchange.usage, {
        customerId,
        veId: ve.id,
        taskId: request.taskless ? null : request.taskId,
        defaultModel: ve.model,
        scope,
      });
      const unrecorded = await this.record(usage);
      label = mapped.kind;
      return {
        ...mapped,
        usage,
        ...(unrecorded.length ? { unrecordedUsage: unrecorded } : {}),
      } as InvokeOutcome;
    } catch (err) {
      if (request.signal?.aborted) {
        label = 'aborted';
        throw request.signal.reason ?? err;
      }
      const kind = classifyFailure(err);
      if (kind === 'agent-error') {
        label = 'failed';
        return {
          kind: 'failed',
          reason: `the agent answered with an error: ${messageOf(err)}`,
          a2aState: 'error',
          usage: [],
        };
      }
      label = kind === 'transient' ? 'unreachable' : 'malformed';
      const what = kind === 'transient' ? 'could not be reached' : 'gave no usable reply';
      throw new AgentUnavailableError(
        `agent ${ve.agentName} at ${url} ${what}: ${messageOf(err)}`,
        { cause: err },
      );
    } finally {
      this.metrics.agentInvocations.inc({ outcome: label });
      end({ outcome: label });
    }
  }

  /** Cancels a running A2A task (tasks/cancel); best effort: failures are logged, never thrown. */
  async cancelAgentTask(customerId: string, ve: Ve, a2aTaskId: string): Promise<void> {
    const url = this.urls.agent(ve);
    try {
      const signal = AbortSignal.timeout(this.config.get('AGENT_CALL_TIMEOUT_MS'));
      const headers = await this.headers({ audience: ve.agentName, customerId, veId: ve.id });
      const { client } = await this.clients.get(url, headers, signal);
      await client.cancelTask(
        { tenant: '', id: a2aTaskId, metadata: undefined },
        { signal, serviceParameters: headers },
      );
    } catch (err) {
      this.logger.warn(
        { veId: ve.id, a2aTaskId, err: messageOf(err) },
        `could not cancel A2A task ${a2aTaskId} of ${ve.agentName}`,
      );
    }
  }

  /** Fetches the agent card afresh: whether the agent answers right now (orchestrator status). */
  async probeAgent(
    customerId: string,
    ve: Ve,
    timeoutMs = 3_000,
  ): Promise<{ reachable: boolean; url: string; error?: string }> {
    const url = this.urls.agent(ve);
    try {
      const headers = await this.headers({ audience: ve.agentName, customerId, veId: ve.id });
      await this.clients.probe(url, headers, AbortSignal.timeout(timeoutMs));
      return { reachable: true, url };
    } catch (err) {
      return { reachable: false, url, error: messageOf(err) };
    }
  }

  private async exchange(
    customerId: string,
    ve: Ve,
    url: string,
    request: InvokeRequest,
    signal: AbortSignal,
  ): Promise<Exchange> {
    const headers = await this.headers(
      {
        audience: ve.agentName,
        customerId,
        veId: ve.id,
        taskId: request.taskless ? undefined : request.taskId,
      },
      request.traceId,
    );
    const { client, card } = await this.clients.get(url, headers, signal);
    const push =
      request.pushToken && card.capabilities?.pushNotifications
        ? { url: this.urls.pushUrl, token: request.pushToken }
        : undefined;
    const params = buildSendMessage({
      customerId,
      ve,
      request,
      callbackUrl: this.urls.callbackUrl,
      push,
    });
    const reply = new ReplyAccumulator();
    const usage = new UsageCollector();
    // Streaming (when the card offers it) shows every event's usage, as kagent reports it; the SDK
    // falls back to a blocking message/send for agents that do not stream.
    for await (const event of client.sendMessageStream(params, {
      signal,
      serviceParameters: headers,
    })) {
      usage.add(event);
      reply.add(event);
    }
    return { reply: reply.result(), usage: usage.records() };
  }

  private async withRetries<T>(
    url: string,
    request: InvokeRequest,
    attempt: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const timeoutMs = request.timeoutMs ?? this.config.get('AGENT_CALL_TIMEOUT_MS');
    return backOff(
      async () => {
        const timeout = AbortSignal.timeout(timeoutMs);
        const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
        try {
          return await attempt(signal);
        } catch (err) {
          const failure =
            timeout.aborted && !request.signal?.aborted ? new AttemptTimeoutError(timeoutMs) : err;
          // A redeployed or moved agent is rediscovered on the next attempt.
          if (classifyFailure(failure) !== 'agent-error') this.clients.invalidate(url);
          throw failure;
        }
      },
      {
        numOfAttempts: Math.max(
          1,
          request.maxAttempts ?? this.config.get('AGENT_CALL_RETRIES') + 1,
        ),
        startingDelay: 200,
        timeMultiple: 3,
        maxDelay: 5_000,
        jitter: 'full',
        retry: (err: unknown, next: number) => {
          const again = !request.signal?.aborted && classifyFailure(err) === 'transient';
          if (again)
            this.logger.warn(`agent at ${url} failed (${messageOf(err)}); attempt ${next}`);
          return again;
        },
      },
    );
  }

  private async headers(
    claims: Parameters<AgentJwtService['sign']>[0],
    traceId?: string,
  ): Promise<Record<string, string>> {
    const token = await this.jwt.sign(claims);
    return {
      Authorization: `Bearer ${token}`,
      traceparent: traceparentFor(traceId ?? TraceContext.current() ?? newTraceId()),
    };
  }

  /** Billing failures never lose usage: the events not recorded are returned, for the caller to record (idempotent by sourceEventId). */
  private async record(usage: UsageEvent[]): Promise<UsageEvent[]> {
    const unrecorded: UsageEvent[] = [];
    for (const event of usage) {
      try {
        await this.billing.recordUsage(event);
      } catch (err) {
        unrecorded.push(event);
        this.logger.warn(
          { sourceEventId: event.sourceEventId, err: messageOf(err) },
          'usage not recorded by billing; kept in the outcome',
        );
      }
    }
    return unrecorded;
  }
}
