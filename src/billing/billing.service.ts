import { Injectable } from '@nestjs/common';
import type { Db } from '../common/db-types';
import { notImplemented } from '../common/not-implemented';
import type { UsageEvent } from './billing.types';

/** Contract used by gateway, tasks and webhooks. Owned by the billing issue (#7). */
@Injectable()
export class BillingService {
  /** Records usage once per (customer, sourceEventId), updating rollups in the same transaction. */
  async recordUsage(_event: UsageEvent, _db?: Db): Promise<{ recorded: boolean; costMicros: number }> {
    return notImplemented('BillingService.recordUsage');
  }

  /** Throws BudgetExceededError (402) when a hard-stop budget is exhausted this month. */
  async assertCanSpend(_customerId: string): Promise<void> {
    return notImplemented('BillingService.assertCanSpend');
  }

  /** False while a hard-stop budget is exhausted: queued tasks wait instead of running. */
  async canRun(_customerId: string): Promise<boolean> {
    return notImplemented('BillingService.canRun');
  }
}
