import { Injectable } from '@nestjs/common';
import { notImplemented } from '../common/not-implemented';
import type { Ve } from '../ves/ves.types';
import type { InvokeOutcome, InvokeRequest } from './gateway.types';

/** Contract used by tasks, messages and the orchestrator. Owned by the gateway issue (#4). */
@Injectable()
export class GatewayService {
  /**
   * Sends A2A message/send to the VE's agent; usage found in the reply is recorded through
   * BillingService.recordUsage before returning (and also listed in the outcome).
   * Throws AgentUnavailableError after retries when the agent cannot be reached or replies malformed.
   */
  async invokeAgent(_customerId: string, _ve: Ve, _request: InvokeRequest): Promise<InvokeOutcome> {
    return notImplemented('GatewayService.invokeAgent');
  }

  /** Cancels a running A2A task (tasks/cancel); best effort. */
  async cancelAgentTask(_customerId: string, _ve: Ve, _a2aTaskId: string): Promise<void> {
    return notImplemented('GatewayService.cancelAgentTask');
  }
}
