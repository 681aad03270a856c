import { randomUUID } from 'node:crypto';
import type { ApiResponse, TestApp } from '../helpers/test-app';
import { REDIS } from '../../src/redis/redis.module';
import type Redis from 'ioredis';
import { boardJob, createTenancyApp, createTenant, TenantFixture } from './support/tenancy';

interface Template {
  id: string;
  slug: string;
  name: string;
  role: string;
  department: string;
  skills: string[];
  tools: string[];
  model: string;
  monthlyPrice: number;
  systemPrompt: string;
}

const templateBody = (over: Record<string, unknown> = {}) => ({
  name: 'Procurement Specialist',
  role: 'procurement-specialist',
  department: 'finance',
  description: 'Compares vendor quotes and negotiates purchase orders within policy.',
  systemPrompt:
    'You are a procurement specialist. Compare quotes, check policy, recommend a vendor.',
  skills: ['vendor-management', 'negotiation'],
  tools: ['google-sheets/get_values'],
  model: 'gpt-4o-mini',
  monthlyPrice: 79.5,
  ...over,
});

describe('Marketplace (real Postgres, real Redis)', () => {
  let t: TestApp;
  let a: TenantFixture;
  let catalogue: Template[];

  beforeAll(async () => {
    t = await createTenancyApp();
    a = await createTenant(t);
    catalogue = (await t.api('GET', '/api/marketplace/templates?limit=200', { token: a.key })).body
      .items;
  });
  afterAll(() => t.close());

  describe('the seeded catalogue', () => {
    it('holds at least 12 useful templates across every core department, and one orchestrator', () => {
      expect(catalogue.length).toBeGreaterThanOrEqual(12);
      const departments = new Set(catalogue.map((x) => x.department));
      for (const d of [
        'marketing',
        'sales',
        'support',
        'engineering',
        'data',
        'finance',
        'hr',
        'legal',
      ]) {
        expect(departments).toContain(d);
      }
      expect(catalogue.filter((x) => x.role === 'orchestrator')).toHaveLength(1);
      for (const x of catalogue) {
        expect(x.systemPrompt.length).toBeGreaterThan(200);
        expect(x.skills.length).toBeGreaterThan(0);
        x.skills.forEach((s) => expect(s).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/));
        x.tools.forEach((tool) => expect(tool).toMatch(/^[a-z0-9-]+\/[A-Za-z0-9_.-]+$/));
        expect(typeof x.monthlyPrice).toBe('number');
        expect(x.model).toMatch(/^(gpt|claude)-/);
      }
    });

    it('answers in the API.md shape', () => {
      expect(Object.keys(catalogue[0]!)).toEqual(
        expect.arrayContaining([
          'id',
          'name',
          'role',
          'department',
          'description',
          'skills',
          'model',
          'tools',
          'monthlyPrice',
        ]),
      );
    });
  });

  describe('GET /api/marketplace/templates', () => {
    it('filters by department and by skill', async () => {
      const sales = await t.api('GET', '/api/marketplace/templates?department=sales', {
        token: a.member.token,
      });
      expect(sales.body.items.length).toBeGreaterThan(0);
      expect(sales.body.items.every((x: Template) => x.department === 'sales')).toBe(true);
      const sql = await t.api('GET', '/api/marketplace/templates?skill=sql', { token: a.key });
      expect(sql.body.items.map((x: Template) => x.slug)).toEqual(['data-analyst']);
    });

    it('searches name, role and description in full text (stemmed, web-search syntax)', async () => {
      const contracts = await t.api(
        'GET',
        `/api/marketplace/templates?q=${encodeURIComponent('contract')}`,
        { token: a.key },
      );
      expect(contracts.body.items.map((x: Template) => x.slug)).toContain('legal-counsel');
      const tickets = await t.api(
        'GET',
        `/api/marketplace/templates?q=${encodeURIComponent('answering tickets -technical')}`,
      );
      expect(tickets.body.items.map((x: Template) => x.slug)).toEqual(['customer-support-agent']);
      const odd = await t.api(
        'GET',
        `/api/marketplace/templates?q=${encodeURIComponent('"unclosed & | !(')}`,
      );
      expect(odd.status).toBe(200);
    });

    it('pages with a keyset cursor in catalogue order', async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res: ApiResponse<{ items: Template[]; nextCursor: string | null }> = await t.api(
          'GET',
          `/api/marketplace/templates?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
        );
        ids.push(...res.body.items.map((x: Template) => x.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(ids).toEqual(catalogue.map((x) => x.id));
      expect(catalogue[0]!.slug).toBe('chief-of-staff');
    });

    it('names bad filters (400) and needs credentials (401)', async () => {
      const bad = await t.api(
        'GET',
        '/api/marketplace/templates?department=Sales!&skill=Not%20Kebab&limit=999',
      );
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'department',
        'limit',
        'skill',
      ]);
      expect((await t.api('GET', '/api/marketplace/templates', { token: null })).status).toBe(401);
    });

    it('is cached in Redis under the BullMQ prefix', async () => {
      await t.api('GET', '/api/marketplace/templates?department=legal');
      const redis = t.get<Redis>(REDIS);
      const keys = await redis.keys(`${t.env.BULLMQ_PREFIX}:cache:templates:*`);
      expect(keys.some((k) => k.includes(':list:'))).toBe(true);
    });
  });

  describe('operator CRUD', () => {
    it('creates, reads, edits and removes a template; every change shows at once despite the cache', async () => {
      const before = await t.api('GET', '/api/marketplace/templates?department=finance');
      const created = await t.api('POST', '/api/marketplace/templates', { body: templateBody() });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        slug: 'procurement-specialist',
        monthlyPrice: 79.5,
        department: 'finance',
      });
      const after = await t.api('GET', '/api/marketplace/templates?department=finance');
      expect(after.body.items.length).toBe(before.body.items.length + 1);
      expect(
        (await t.api('GET', `/api/marketplace/templates/${created.body.id}`, { token: a.key })).body
          .name,
      ).toBe('Procurement Specialist');

      const edited = await t.api('PATCH', `/api/marketplace/templates/${created.body.id}`, {
        body: { monthlyPrice: 99, skills: ['vendor-management', 'contract-negotiation'] },
      });
      expect(edited.status).toBe(200);
      expect(
        (await t.api('GET', `/api/marketplace/templates/${created.body.id}`)).body.monthlyPrice,
      ).toBe(99);
      const bySkill = await t.api('GET', '/api/marketplace/templates?skill=contract-negotiation');
      expect(bySkill.body.items.map((x: Template) => x.id)).toEqual([created.body.id]);

      expect((await t.api('DELETE', `/api/marketplace/templates/${created.body.id}`)).status).toBe(
        204,
      );
      expect((await t.api('GET', `/api/marketplace/templates/${created.body.id}`)).status).toBe(
        404,
      );
      expect(
        (await t.api('GET', '/api/marketplace/templates?department=finance')).body.items.length,
      ).toBe(before.body.items.length);
      expect((await t.api('DELETE', `/api/marketplace/templates/${created.body.id}`)).status).toBe(
        404,
      );
    });

    it('refuses a duplicate slug (409) and names every bad field (400)', async () => {
      expect(
        (
          await t.api('POST', '/api/marketplace/templates', {
            body: templateBody({ slug: 'data-analyst' }),
          })
        ).status,
      ).toBe(409);
      const bad = await t.api('POST', '/api/marketplace/templates', {
        body: {
          name: '',
          role: 5,
          department: 'Human Resources',
          description: 1,
          systemPrompt: '',
          skills: ['Not Kebab'],
          tools: ['no-slash'],
          model: ' ',
          monthlyPrice: -1,
          price: 3,
        },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(
        [
          'department',
          'description',
          'model',
          'monthlyPrice',
          'name',
          'price',
          'role',
          'skills',
          'systemPrompt',
          'tools',
        ].sort(),
      );
    });

    it('is for operators only (403)', async () => {
      const id = catalogue[0]!.id;
      for (const token of [a.key, a.owner.token]) {
        expect(
          (
            await t.api('POST', '/api/marketplace/templates', {
              token,
              body: templateBody({ slug: 'nope' }),
            })
          ).status,
        ).toBe(403);
        expect(
          (
            await t.api('PATCH', `/api/marketplace/templates/${id}`, {
              token,
              body: { monthlyPrice: 1 },
            })
          ).status,
        ).toBe(403);
        expect((await t.api('DELETE', `/api/marketplace/templates/${id}`, { token })).status).toBe(
          403,
        );
      }
    });
  });

  describe('POST /api/marketplace/templates/:id/hire', () => {
    it('creates a VE from the template (deploying) and queues its deployment, visible in Bull Board', async () => {
      const template = catalogue.find((x) => x.slug === 'content-marketer')!;
      const res = await t.api('POST', `/api/marketplace/templates/${template.id}/hire`, {
        token: a.member.token,
        body: {},
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        customerId: a.id,
        templateId: template.id,
        name: 'Content Marketer',
        role: template.role,
        department: 'marketing',
        agentName: 'content-marketer',
        namespace: a.namespace,
        model: template.model,
        skills: template.skills,
        tools: template.tools,
        managerId: null,
        status: 'deploying',
        statusReason: null,
        generation: 1,
      });
      const job = await boardJob(t, `ve-${res.body.id}-1`);
      expect(job.name).toBe('deploy-ve');
      expect(job.data).toEqual({
        customerId: a.id,
        traceId: expect.any(String),
        veId: res.body.id,
        namespace: a.namespace,
        agentName: 'content-marketer',
        generation: 1,
      });
    });

    it('takes a name and a manager', async () => {
      const chief = catalogue.find((x) => x.role === 'orchestrator')!;
      const boss = await t.api('POST', `/api/marketplace/templates/${chief.id}/hire`, {
        token: a.key,
        body: { name: 'Chief' },
      });
      expect(boss.body).toMatchObject({ name: 'Chief', agentName: 'chief', role: 'orchestrator' });
      const seo = catalogue.find((x) => x.slug === 'seo-specialist')!;
      const hire = await t.api('POST', `/api/marketplace/templates/${seo.id}/hire`, {
        token: a.key,
        body: { name: 'Sam', managerId: boss.body.id },
      });
      expect(hire.status).toBe(201);
      expect(hire.body).toMatchObject({ name: 'Sam', agentName: 'sam', managerId: boss.body.id });
    });

    it('answers 404 for an unknown template or manager, 400 for bad fields, 401 without credentials', async () => {
      const id = catalogue[1]!.id;
      expect(
        (
          await t.api('POST', `/api/marketplace/templates/${randomUUID()}/hire`, {
            token: a.key,
            body: {},
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await t.api('POST', `/api/marketplace/templates/${id}/hire`, {
            token: a.key,
            body: { managerId: randomUUID() },
          })
        ).status,
      ).toBe(404);
      const bad = await t.api('POST', `/api/marketplace/templates/${id}/hire`, {
        token: a.key,
        body: { name: '', managerId: 'boss', salary: 1 },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'managerId',
        'name',
        'salary',
      ]);
      expect(
        (await t.api('POST', `/api/marketplace/templates/${id}/hire`, { token: null, body: {} }))
          .status,
      ).toBe(401);
    });

    it('refuses a second orchestrator for the same customer (409)', async () => {
      const chief = catalogue.find((x) => x.role === 'orchestrator')!;
      const res = await t.api('POST', `/api/marketplace/templates/${chief.id}/hire`, {
        token: a.key,
        body: {},
      });
      expect(res.status).toBe(409);
    });
  });
});

describe('Marketplace on PGlite (the embedded default)', () => {
  let t: TestApp;
  let a: TenantFixture;
  beforeAll(async () => {
    t = await createTenancyApp({ pglite: true });
    a = await createTenant(t);
  }, 120_000);
  afterAll(() => t.close());

  it('filters, searches in full text and hires', async () => {
    const all = await t.api('GET', '/api/marketplace/templates?limit=200', { token: a.key });
    expect(all.body.items.length).toBeGreaterThanOrEqual(12);
    const q = await t.api(
      'GET',
      `/api/marketplace/templates?q=${encodeURIComponent('kubernetes incidents')}`,
      { token: a.key },
    );
    expect(q.body.items.map((x: Template) => x.slug)).toEqual(['devops-engineer']);
    const skill = await t.api('GET', '/api/marketplace/templates?skill=contract-review', {
      token: a.key,
    });
    expect(skill.body.items.map((x: Template) => x.slug)).toEqual(['legal-counsel']);
    const hired = await t.api('POST', `/api/marketplace/templates/${skill.body.items[0].id}/hire`, {
      token: a.key,
      body: {},
    });
    expect(hired.status).toBe(201);
    expect(hired.body.skills).toContain('contract-review');
  });
});
