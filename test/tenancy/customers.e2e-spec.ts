import { randomUUID } from 'node:crypto';
import { CustomersService } from '../../src/customers/customers.service';
import { QueueProducerService } from '../../src/queue/queue-producer.service';
import type { ApiResponse, TestApp } from '../helpers/test-app';
import { createTenancyApp, createTenant, hsToken, TenantFixture } from './support/tenancy';

describe('Customers, members and API keys (real Postgres, real Redis)', () => {
  let t: TestApp;
  let a: TenantFixture;

  beforeAll(async () => {
    t = await createTenancyApp();
    a = await createTenant(t);
  });
  afterAll(() => t.close());

  const deployments = () => t.get(QueueProducerService).queue('deployments');

  describe('POST /api/customers', () => {
    it('creates a customer with a slug derived from the name and queues its namespace', async () => {
      const res = await t.api('POST', '/api/customers', {
        body: { name: 'Ångström Labs, Inc.', plan: 'pro' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Ångström Labs, Inc.',
        slug: 'angstrom-labs-inc',
        namespace: 'customer-angstrom-labs-inc',
        plan: 'pro',
        status: 'provisioning',
        statusReason: null,
        createdAt: expect.any(String),
      });
      const job = await deployments().getJob(`ns-${res.body.id}-provision`);
      expect(job?.name).toBe('provision-namespace');
      expect(job?.data).toEqual({
        customerId: res.body.id,
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
        slug: 'angstrom-labs-inc',
        namespace: 'customer-angstrom-labs-inc',
        plan: 'pro',
      });
    });

    it('takes an explicit slug, defaults the plan to free, and refuses a taken slug (409)', async () => {
      const res = await t.api('POST', '/api/customers', {
        body: { name: 'Whatever', slug: 'acme-explicit' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        slug: 'acme-explicit',
        namespace: 'customer-acme-explicit',
        plan: 'free',
      });
      const again = await t.api('POST', '/api/customers', {
        body: { name: 'Acme Explicit', slug: 'acme-explicit' },
      });
      expect(again.status).toBe(409);
      const derived = await t.api('POST', '/api/customers', { body: { name: 'Acme Explicit' } });
      expect(derived.status).toBe(409);
      expect(derived.body.details).toEqual([{ field: 'slug', problems: ['already taken'] }]);
    });

    it('names every bad field (400)', async () => {
      const res = await t.api('POST', '/api/customers', {
        body: { name: '  ', slug: 'Not_A_Label', plan: 'gold', extra: 1 },
      });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'extra',
        'name',
        'plan',
        'slug',
      ]);
    });

    it('keeps the namespace within 63 characters', async () => {
      const long = 'a'.repeat(60);
      const res = await t.api('POST', '/api/customers', { body: { name: 'Long', slug: long } });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        { field: 'slug', problems: [expect.stringContaining('at most 54')] },
      ]);
      const derived = await t.api('POST', '/api/customers', { body: { name: 'b'.repeat(100) } });
      expect(derived.status).toBe(201);
      expect(derived.body.namespace.length).toBeLessThanOrEqual(63);
    });

    it('is for operators only (403), and needs credentials (401)', async () => {
      for (const token of [a.key, a.owner.token]) {
        expect((await t.api('POST', '/api/customers', { token, body: { name: 'x' } })).status).toBe(
          403,
        );
      }
      expect(
        (await t.api('POST', '/api/customers', { token: null, body: { name: 'x' } })).status,
      ).toBe(401);
    });
  });

  describe('GET /api/customers', () => {
    it('pages through every customer for operators (keyset, limit 1..200)', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: ApiResponse<{ items: { id: string }[]; nextCursor: string | null }> =
          await t.api('GET', `/api/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((c: { id: string }) => c.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toContain(a.id);
      expect((await t.api('GET', '/api/customers?limit=0')).status).toBe(400);
      expect((await t.api('GET', '/api/customers?limit=201')).status).toBe(400);
      expect((await t.api('GET', '/api/customers?cursor=garbage')).status).toBe(400);
    });

    it("shows a customer's key and users only their own customer", async () => {
      for (const token of [a.key, a.owner.token, a.member.token]) {
        const res = await t.api('GET', '/api/customers', { token });
        expect(res.body.items.map((c: { id: string }) => c.id)).toEqual([a.id]);
      }
    });
  });

  describe('GET/PATCH/DELETE /api/customers/:id', () => {
    it('lets a customer read itself, and an operator anything', async () => {
      expect((await t.api('GET', `/api/customers/${a.id}`, { token: a.key })).body.id).toBe(a.id);
      expect((await t.api('GET', `/api/customers/${a.id}`, { token: a.member.token })).status).toBe(
        200,
      );
      expect((await t.api('GET', `/api/customers/${a.id}`)).body.slug).toBe(a.slug);
      expect((await t.api('GET', `/api/customers/${randomUUID()}`)).status).toBe(404);
      expect((await t.api('GET', '/api/customers/not-a-uuid')).status).toBe(400);
    });

    it('renames and changes the plan (operators), re-provisioning for the new plan', async () => {
      const c = await t.api('POST', '/api/customers', { body: { name: 'Plan Changer' } });
      const res = await t.api('PATCH', `/api/customers/${c.body.id}`, {
        body: { name: 'Plan Changer GmbH', plan: 'enterprise' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'Plan Changer GmbH',
        plan: 'enterprise',
        slug: 'plan-changer',
      });
      const jobs = await deployments().getJobs([
        'waiting',
        'prioritized',
        'delayed',
        'active',
        'completed',
        'failed',
      ]);
      const provisions = jobs.filter(
        (j) => j.data.customerId === c.body.id && j.name === 'provision-namespace',
      );
      expect(provisions.map((j) => j.data.plan).sort()).toEqual(['enterprise', 'free']);
      const bad = await t.api('PATCH', `/api/customers/${c.body.id}`, {
        body: { slug: 'new-slug', plan: 'x' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'plan',
        'slug',
      ]);
      expect(
        (
          await t.api('PATCH', `/api/customers/${c.body.id}`, {
            token: a.owner.token,
            body: { name: 'x' },
          })
        ).status,
      ).toBe(403);
    });

    it('deletes softly: 202 deleting, teardown queued, slug stays taken, then 404 once deleted', async () => {
      const c = await t.api('POST', '/api/customers', {
        body: { name: 'Short Lived', slug: 'short-lived' },
      });
      const res = await t.api('DELETE', `/api/customers/${c.body.id}`);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ id: c.body.id, status: 'deleting' });
      const job = await deployments().getJob(`ns-${c.body.id}-teardown`);
      expect(job?.data).toMatchObject({ customerId: c.body.id, namespace: 'customer-short-lived' });
      expect(
        (await t.api('POST', '/api/customers', { body: { name: 'Thief', slug: 'short-lived' } }))
          .status,
      ).toBe(409);
      expect(
        (await t.api('PATCH', `/api/customers/${c.body.id}`, { body: { name: 'x' } })).status,
      ).toBe(409);
      expect(
        (await t.api('POST', `/api/customers/${c.body.id}/api-keys`, { body: { name: 'late' } }))
          .status,
      ).toBe(409);
      expect((await t.api('DELETE', `/api/customers/${c.body.id}`)).status).toBe(202);
      // The Kubernetes processor reports the teardown through the contract.
      await t.get(CustomersService).setStatus(c.body.id, 'deleted', null);
      expect((await t.api('GET', `/api/customers/${c.body.id}`)).status).toBe(404);
      expect((await t.api('DELETE', `/api/customers/${c.body.id}`)).status).toBe(404);
      const listed = await t.api('GET', '/api/customers?limit=200');
      expect(listed.body.items.map((x: { id: string }) => x.id)).not.toContain(c.body.id);
    });

    it('never revives a customer being deleted through a late status report', async () => {
      const c = await t.api('POST', '/api/customers', { body: { name: 'Late Report' } });
      await t.api('DELETE', `/api/customers/${c.body.id}`);
      await t.get(CustomersService).setStatus(c.body.id, 'active', null);
      expect((await t.api('GET', `/api/customers/${c.body.id}`)).body.status).toBe('deleting');
    });
  });

  describe('members', () => {
    it('are added, listed and removed by operators, owners and admins', async () => {
      const admin = randomUUID();
      const add = await t.api('POST', `/api/customers/${a.id}/members`, {
        token: a.owner.token,
        body: { userId: admin, role: 'admin', email: 'admin@acme.test' },
      });
      expect(add.status).toBe(201);
      expect(add.body).toEqual({
        id: expect.any(String),
        customerId: a.id,
        userId: admin,
        email: 'admin@acme.test',
        role: 'admin',
        createdAt: expect.any(String),
      });
      const adminToken = await hsToken(admin);
      const newbie = randomUUID();
      expect(
        (
          await t.api('POST', `/api/customers/${a.id}/members`, {
            token: adminToken,
            body: { userId: newbie, role: 'member' },
          })
        ).status,
      ).toBe(201);
      const list = await t.api('GET', `/api/customers/${a.id}/members?limit=200`, {
        token: adminToken,
      });
      expect(list.body.items.map((m: { userId: string }) => m.userId)).toEqual(
        expect.arrayContaining([a.owner.userId, admin, newbie]),
      );
      expect(
        (await t.api('DELETE', `/api/customers/${a.id}/members/${newbie}`, { token: adminToken }))
          .status,
      ).toBe(204);
      expect(
        (await t.api('DELETE', `/api/customers/${a.id}/members/${newbie}`, { token: adminToken }))
          .status,
      ).toBe(404);
    });

    it('refuses a duplicate (409), bad fields (400, each named), and admins touching owners (403)', async () => {
      const dup = await t.api('POST', `/api/customers/${a.id}/members`, {
        body: { userId: a.member.userId, role: 'admin' },
      });
      expect(dup.status).toBe(409);
      const bad = await t.api('POST', `/api/customers/${a.id}/members`, {
        body: { userId: 'nope', role: 'boss', email: 'x' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'email',
        'role',
        'userId',
      ]);
      const admin = randomUUID();
      await t.api('POST', `/api/customers/${a.id}/members`, {
        body: { userId: admin, role: 'admin' },
      });
      const token = await hsToken(admin);
      expect(
        (
          await t.api('POST', `/api/customers/${a.id}/members`, {
            token,
            body: { userId: randomUUID(), role: 'owner' },
          })
        ).status,
      ).toBe(403);
      expect(
        (await t.api('DELETE', `/api/customers/${a.id}/members/${a.owner.userId}`, { token }))
          .status,
      ).toBe(403);
    });

    it('may not be managed by a member or an API key (403), nor anonymously (401)', async () => {
      const body = { userId: randomUUID(), role: 'member' };
      for (const token of [a.member.token, a.key]) {
        expect(
          (await t.api('POST', `/api/customers/${a.id}/members`, { token, body })).status,
        ).toBe(403);
        expect((await t.api('GET', `/api/customers/${a.id}/members`, { token })).status).toBe(403);
        expect(
          (await t.api('DELETE', `/api/customers/${a.id}/members/${a.owner.userId}`, { token }))
            .status,
        ).toBe(403);
      }
      expect((await t.api('GET', `/api/customers/${a.id}/members`, { token: null })).status).toBe(
        401,
      );
    });
  });

  describe('API keys', () => {
    it('are created by owners and admins, and listed without secrets', async () => {
      const res = await t.api('POST', `/api/customers/${a.id}/api-keys`, {
        token: a.owner.token,
        body: { name: 'zapier' },
      });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['createdAt', 'id', 'key', 'name', 'prefix']);
      expect((await t.api('GET', '/api/auth/me', { token: res.body.key })).body.customerId).toBe(
        a.id,
      );
      const list = await t.api('GET', `/api/customers/${a.id}/api-keys`, { token: a.owner.token });
      expect(list.status).toBe(200);
      expect(
        list.body.items.every((k: Record<string, unknown>) => !('key' in k) && !('keyHash' in k)),
      ).toBe(true);
    });

    it('name every bad field (400) and answer 404 for an unknown key', async () => {
      const bad = await t.api('POST', `/api/customers/${a.id}/api-keys`, {
        body: { name: '', scope: 'all' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'name',
        'scope',
      ]);
      expect(
        (await t.api('DELETE', `/api/customers/${a.id}/api-keys/${randomUUID()}`)).status,
      ).toBe(404);
    });

    it('may not be managed by a member or an API key (403)', async () => {
      for (const token of [a.member.token, a.key]) {
        expect(
          (await t.api('POST', `/api/customers/${a.id}/api-keys`, { token, body: { name: 'x' } }))
            .status,
        ).toBe(403);
        expect((await t.api('GET', `/api/customers/${a.id}/api-keys`, { token })).status).toBe(403);
        expect(
          (await t.api('DELETE', `/api/customers/${a.id}/api-keys/${a.keyId}`, { token })).status,
        ).toBe(403);
      }
      expect(
        (
          await t.api('POST', `/api/customers/${a.id}/api-keys`, {
            token: null,
            body: { name: 'x' },
          })
        ).status,
      ).toBe(401);
    });
  });
});
