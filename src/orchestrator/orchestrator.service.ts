import { Injectable } from '@nestjs/common';
import { notImplemented } from '../common/not-implemented';
import type { RouteDecision } from './orchestrator.types';

/** Contract used by tasks. Owned by the gateway issue (#4). */
@Injectable()
export class OrchestratorService {
  /** Picks a VE for the work; NotFound/Unprocessable (422) when the customer has no ready VE. */
  async route(
    _customerId: string,
    _work: { taskId?: string; title: string; description?: string | null; traceId?: string },
  ): Promise<RouteDecision> {
    return notImplemented('OrchestratorService.route');
  }
}
