import type { TestApp } from '../../helpers/test-app';
import { waitFor } from './wait-for';

export interface CustomerInfo {
  id: string;
  slug: string;
  namespace: string;
  plan: string;
  status: string;
  statusReason: string | null;
}

export interface VeInfo {
  id: string;
  customerId: string;
  agentName: string;
  namespace: string;
  model: string;
  skills: string[];
  tools: string[];
  status: string;
  statusReason: string | null;
}

let seq = 0;

/** A customer through the tenancy API (which queues its namespace), waited for until provisioned. */
export async function createActiveCustomer(
  t: TestApp,
  plan: 'free' | 'pro' | 'enterprise' = 'pro',
): Promise<CustomerInfo> {
  const slug = `k8s-${process.pid}-${Date.now().toString(36)}-${seq++}`;
  const res = await t.api<CustomerInfo>('POST', '/api/customers', {
    body: { name: `Acme ${slug}`, slug, plan },
  });
  if (res.status !== 201) throw new Error(`create customer: ${res.status} ${res.text}`);
  return waitFor(
    async () => {
      const c = await t.api<CustomerInfo>('GET', `/api/customers/${res.body.id}`);
      return c.body.status === 'active' ? c.body : null;
    },
    { what: `customer ${slug} active` },
  );
}

/** Hires the first catalogue template that has tools and skills (not the orchestrator). */
export async function hire(t: TestApp, customerId: string, name?: string): Promise<VeInfo> {
  const templates = await t.api<{
    items: Array<{ id: string; role: string; tools: string[]; skills: string[] }>;
  }>('GET', '/api/marketplace/templates?limit=50');
  // A customer may have one orchestrator only: hire workers.
  const template = templates.body.items.find(
    (x) => x.tools.length > 0 && x.skills.length > 0 && x.role !== 'orchestrator',
  );
  if (!template) throw new Error(`no template with tools and skills: ${templates.text}`);
  const res = await t.api<VeInfo>('POST', `/api/marketplace/templates/${template.id}/hire`, {
    customerId,
    body: name ? { name } : {},
  });
  if (res.status !== 201) throw new Error(`hire: ${res.status} ${res.text}`);
  return res.body;
}

export async function getVe(t: TestApp, customerId: string, id: string): Promise<VeInfo> {
  return (await t.api<VeInfo>('GET', `/api/ves/${id}`, { customerId })).body;
}
