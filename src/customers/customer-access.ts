import type { Caller } from '../auth/caller';
import { NotFoundError } from '../common/domain-errors';

/**
 * Operators reach every customer; anyone else only its own. Another customer is answered
 * exactly like a missing one (404), so ids cannot be probed.
 */
export function assertCustomerAccess(caller: Caller, customerId: string): void {
  if (caller.kind === 'operator') return;
  if (caller.customerId !== customerId) throw new NotFoundError('Customer', customerId);
}
