import { toVe } from '../../src/ves/ve.mapper';
import type { Ve } from '../../src/ves/ves.types';
import {
  eventually as poll,
  seedCustomer as seedCustomerRow,
  seedVe as seedVeRow,
} from '../helpers/seed';
import type { VeSeed as RowSeed } from '../helpers/seed';
import type { TestApp } from '../helpers/test-app';

export { dbOf } from '../helpers/seed';

export interface Customer {
  id: string;
  namespace: string;
}

/** A customer row (no provisioning job): gateway tests need no other domain's routes. */
export async function seedCustomer(t: TestApp): Promise<Customer> {
  const { id, namespace } = await seedCustomerRow(t, { slugPrefix: 'gw' });
  return { id, namespace };
}

export type VeSeed = RowSeed & { agentName: string };

/** A VE row of the customer, shaped as VesService returns it. */
export async function seedVe(t: TestApp, customer: Customer, seed: VeSeed): Promise<Ve> {
  return toVe(await seedVeRow(t, customer, seed));
}

/** Polls until `check` returns a value (no fixed sleeps); generous, the machine is shared. */
export function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  return poll(check, { timeoutMs, everyMs: 50 });
}
