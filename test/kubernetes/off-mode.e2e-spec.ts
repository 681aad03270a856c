import { sql } from 'kysely';
import { KYSELY } from '../../src/database/database.constants';
import { createTestApp, TestApp } from '../helpers/test-app';
import { createActiveCustomer, getVe, hire } from './support/platform';
import { waitFor } from './support/wait-for';

jest.setTimeout(120_000);

describe('Kubernetes off (K8S_MODE=off)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { K8S_MODE: 'off' } });
  });
  afterAll(() => t?.close());

  it('reports the mode in /health/ready', async () => {
    const res = await t.api('GET', '/health/ready', { token: null });
    expect(res.body.info.kubernetes).toEqual({ status: 'up', mode: 'off' });
  });

  it('renders and applies nothing, and the customer and VE reasons say so', async () => {
    const customer = await createActiveCustomer(t, 'free');
    expect(customer.statusReason).toBe('kubernetes off: no namespace provisioned (K8S_MODE=off)');
    const hired = await hire(t, customer.id);
    const ve = await waitFor(
      async () => {
        const v = await getVe(t, customer.id, hired.id);
        return v.status === 'ready' ? v : null;
      },
      { what: 'VE ready' },
    );
    expect(ve.statusReason).toBe('kubernetes off: not deployed by the platform (K8S_MODE=off)');
    const db = t.app.get(KYSELY);
    const rows = await sql<{ manifest: unknown; cmanifests: unknown }>`
      select v.manifest, c.manifests as cmanifests from ves v join customers c on c.id = v.customer_id where v.id = ${ve.id}`.execute(
      db,
    );
    expect(rows.rows[0]).toEqual({ manifest: null, cmanifests: null });
    const status = await t.api('GET', `/api/ves/${ve.id}/status`, { customerId: customer.id });
    expect(status.body).toMatchObject({ mode: 'off', live: false, status: 'ready' });
  });
});
