import { Injectable, Logger } from '@nestjs/common';
import { NotFoundError } from '../common/domain-errors';
import { CustomersService } from '../customers/customers.service';
import type { VeStatus } from '../database/database.types';
import type { Ve } from '../ves/ves.types';
import { VesService } from '../ves/ves.service';
import { AgentStatusService } from './agent-status.service';
import { KubeApiError } from './kube-api-error';
import { KubernetesClient } from './kubernetes-client';

const PAGE = 100;
/** Agents observed at once: enough to sweep thousands of VEs per interval, gentle on the API server. */
const PARALLEL = 8;

export interface SweepResult {
  checked: number;
  changed: number;
  /** Set when the API server could not be reached: statuses were kept, reasons say why. */
  unreachable: string | null;
  counts: Record<VeStatus, number>;
}

/**
 * The agent-health monitor: refreshes every VE's status from Kubernetes (the `ve_virtual_employees`
 * gauge is counted from those stored statuses by VesService at scrape time). When the API server is away, each VE keeps its last known status and its
 * reason says the API is unreachable; the platform keeps serving.
 */
@Injectable()
export class AgentHealthService {
  private readonly logger = new Logger(AgentHealthService.name);

  constructor(
    private readonly k8s: KubernetesClient,
    private readonly ves: VesService,
    private readonly status: AgentStatusService,
    private readonly customers: CustomersService,
  ) {}

  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { checked: 0, changed: 0, unreachable: null, counts: zeroCounts() };
    // Outside cluster mode there is nothing to observe: statuses are what the deployer recorded.
    if (this.k8s.mode !== 'cluster') return result;
    result.unreachable = await this.probe();
    const live = new Map<string, Promise<boolean>>();
    let after: string | null = null;
    for (;;) {
      const page = await this.ves.listAllForMonitoring(after, PAGE);
      for (let i = 0; i < page.length; i += PARALLEL) {
        const batch = page.slice(i, i + PARALLEL);
        await Promise.all(
          batch.map(
            async (ve) => (await this.customerLive(live, ve.customerId)) && this.check(ve, result),
          ),
        );
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1].id;
    }
    return result;
  }

  private async check(ve: Ve, result: SweepResult): Promise<void> {
    result.checked++;
    let status = ve.status;
    // Agents the customer runs elsewhere are not ours to observe.
    if (!ve.agentUrl) {
      try {
        if (result.unreachable) {
          result.changed += Number(await this.markUnreachable(ve, result.unreachable));
        } else {
          const refreshed = await this.status.refresh(ve);
          status = refreshed.status;
          result.changed += Number(refreshed.changed);
        }
      } catch (err) {
        // A missing Agent is not an error (read answers null). Only an outage keeps the last
        // status with its reason; any other failure leaves the VE untouched until the next sweep.
        const e = KubeApiError.from(err, `agent ${ve.namespace}/${ve.agentName}`);
        const outage = e.outage;
        if (outage) result.changed += Number(await this.markUnreachable(ve, outage));
        else this.logger.warn({ veId: ve.id, err: e.message }, 'agent status not refreshed');
      }
    }
    result.counts[status]++;
  }

  /** VEs of a customer being torn down are not watched: their Agents are going away on purpose. */
  private customerLive(cache: Map<string, Promise<boolean>>, customerId: string): Promise<boolean> {
    let live = cache.get(customerId);
    if (!live) {
      live = this.customers.get(customerId).then(
        (c) => c.status !== 'deleting' && c.status !== 'deleted',
        (err: unknown) => {
          if (err instanceof NotFoundError) return false;
          throw err;
        },
      );
      cache.set(customerId, live);
    }
    return live;
  }

  /** Keeps the last known status; only the reason changes (once), so nothing flaps during an outage. */
  private async markUnreachable(ve: Ve, why: string): Promise<boolean> {
    const reason = `${why}; last known status kept`;
    if (ve.statusReason === reason) return false;
    return this.ves.setStatus(ve.customerId, ve.id, { status: ve.status, reason });
  }

  /** One cheap call before the sweep, so an outage costs one timeout, not one per VE. */
  private async probe(): Promise<string | null> {
    try {
      await this.k8s.api.serverVersion();
      return null;
    } catch (err) {
      return KubeApiError.from(err, 'GET /version').outage;
    }
  }
}

function zeroCounts(): Record<VeStatus, number> {
  return { deploying: 0, ready: 0, degraded: 0, failed: 0, stopped: 0 };
}
