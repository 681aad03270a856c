import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { UnprocessableError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { GatewayService } from '../gateway/gateway.service';
import { QueueProducerService } from '../queue/queue-producer.service';
import { QUEUES } from '../queue/queue.constants';
import { VesService } from '../ves/ves.service';
import { ORCHESTRATOR_ROLE, type Ve } from '../ves/ves.types';
import type { OrchestratorStatus, RouteDecision } from './orchestrator.types';
import { buildRouteRequest, parseRouteAnswer, type RouteCandidate } from './routing-protocol';
import { routeByRules } from './rules-router';

export interface RoutableWork {
  taskId?: string;
  title: string;
  description?: string | null;
  traceId?: string;
}

/**
 * A VE can take work unless it failed or was stopped. `deploying` counts: in the default
 * Kubernetes dry-run mode nothing ever flips VEs to ready, and on a cluster a deploying agent
 * that is not up yet makes the task retry, which beats refusing it. `degraded` still answers.
 */
export function isRoutable(ve: Ve): boolean {
  return ve.status !== 'failed' && ve.status !== 'stopped';
}

export function isOrchestrator(ve: Ve): boolean {
  return ve.role.trim().toLowerCase() === ORCHESTRATOR_ROLE;
}

/** The customer's orchestrator: a routable VE with the orchestrator role, a ready one first, then the oldest. */
export function pickOrchestrator(ves: Ve[]): Ve | undefined {
  return ves
    .filter((ve) => isRoutable(ve) && isOrchestrator(ve))
    .sort(
      (a, b) =>
        Number(b.status === 'ready') - Number(a.status === 'ready') ||
        Date.parse(a.createdAt) - Date.parse(b.createdAt),
    )[0];
}

const toCandidate = (ve: Ve): RouteCandidate => ({
  veId: ve.id,
  agentName: ve.agentName,
  name: ve.name,
  role: ve.role,
  department: ve.department,
  skills: ve.skills,
});

/** Contract used by tasks. Owned by the gateway issue (#4). */
@Injectable()
export class OrchestratorService {
  private readonly logger = new Logger(OrchestratorService.name);

  constructor(
    private readonly ves: VesService,
    private readonly gateway: GatewayService,
    private readonly queues: QueueProducerService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Picks a VE for the work: the customer's orchestrator agent decides when there is one (over
   * A2A, structured reply); the rules decide when there is none, it fails or times out, or it names
   * a VE that cannot take the work. Unprocessable (422) when the customer has no VE that can.
   */
  async route(customerId: string, work: RoutableWork): Promise<RouteDecision> {
    const routable = (await this.ves.listAll(customerId)).filter(isRoutable);
    if (!routable.length) {
      throw new UnprocessableError(
        'No virtual employee can take this work: the customer has none, or all of them failed or were stopped. Hire one first.',
      );
    }
    const workers = routable.filter((ve) => !isOrchestrator(ve));
    // The orchestrator does the work itself only when it is the whole team.
    const candidates = workers.length ? workers : routable;
    const orchestrator = pickOrchestrator(routable);
    let fallback: string | undefined;
    if (orchestrator && candidates.length > 1) {
      const asked = await this.askOrchestrator(customerId, orchestrator, work, candidates);
      if ('decision' in asked) return asked.decision;
      fallback = asked.why;
      this.logger.warn(
        { customerId, taskId: work.taskId },
        `routing falls back to the rules: ${fallback}`,
      );
    }
    const rule = routeByRules(work, candidates);
    const reason =
      candidates.length === 1
        ? `rules: ${rule.ve.agentName} is the only VE that can take work`
        : rule.reason;
    return {
      veId: rule.ve.id,
      agentName: rule.ve.agentName,
      source: 'rules',
      reason: fallback ? `${reason} (${fallback})` : reason,
    };
  }

  /** Who routes for the customer, whether that agent answers, and how much work is waiting. */
  async status(customerId: string): Promise<OrchestratorStatus> {
    const routable = (await this.ves.listAll(customerId)).filter(isRoutable);
    const orchestrator = pickOrchestrator(routable);
    const [probe, queue] = await Promise.all([
      orchestrator ? this.gateway.probeAgent(customerId, orchestrator) : undefined,
      this.queues
        .queue(QUEUES.tasks)
        .getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
    ]);
    return {
      mode: orchestrator ? 'agent' : 'rules',
      orchestrator:
        orchestrator && probe
          ? {
              veId: orchestrator.id,
              agentName: orchestrator.agentName,
              status: orchestrator.status,
              ...probe,
            }
          : null,
      routableVes: routable.filter((ve) => !isOrchestrator(ve)).length,
      tasksQueue: queue,
    };
  }

  private async askOrchestrator(
    customerId: string,
    orchestrator: Ve,
    work: RoutableWork,
    candidates: Ve[],
  ): Promise<{ decision: RouteDecision } | { why: string }> {
    const who = `orchestrator ${orchestrator.agentName}`;
    const { text, input } = buildRouteRequest(work, candidates.map(toCandidate));
    try {
      const outcome = await this.gateway.invokeAgent(customerId, orchestrator, {
        taskId: work.taskId ?? randomUUID(),
        taskless: !work.taskId,
        text,
        input: input as unknown as Record<string, unknown>,
        traceId: work.traceId,
        timeoutMs: this.config.get('ORCHESTRATOR_TIMEOUT_MS'),
        // Routing has a fallback: one attempt, then the rules, rather than minutes of retries.
        maxAttempts: 1,
      });
      if (outcome.kind !== 'completed')
        return {
          why: `${who} answered ${outcome.kind}${outcome.kind === 'failed' ? `: ${outcome.reason}` : ''}`,
        };
      const answer = parseRouteAnswer(outcome);
      if (!answer) return { why: `${who} named no VE in its reply` };
      const chosen =
        (answer.veId && candidates.find((ve) => ve.id === answer.veId)) ||
        (answer.agentName && candidates.find((ve) => ve.agentName === answer.agentName)) ||
        undefined;
      if (!chosen)
        return {
          why: `${who} named ${answer.veId ?? answer.agentName}, which is not a VE that can take this work`,
        };
      return {
        decision: {
          veId: chosen.id,
          agentName: chosen.agentName,
          source: 'agent',
          reason: answer.reason ?? `chosen by ${who}`,
        },
      };
    } catch (err) {
      return { why: `${who} is unavailable: ${(err as Error).message}` };
    }
  }
}
