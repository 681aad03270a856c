import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { KYSELY } from '../../src/database/database.constants';
import type { Database } from '../../src/database/database.types';
import { QueueProducerService } from '../../src/queue/queue-producer.service';
import { VesService } from '../../src/ves/ves.service';
import type { ApiResponse, TestApp } from '../helpers/test-app';
import { boardJob, createTenancyApp, createTenant, TenantFixture, veBody } from './support/tenancy';

interface Ve {
  id: string;
  agentName: string;
  status: string;
  generation: number;
  managerId: string | null;
  department: string;
}

describe('Virtual employees (real Postgres, real Redis)', () => {
  let t: TestApp;
  let a: TenantFixture;

  beforeAll(async () => {
    t = await createTenancyApp();
    a = await createTenant(t);
  });
  afterAll(() => t.close());

  const create = async (over: Record<string, unknown> = {}, token = a.key): Promise<Ve> => {
    const res = await t.api('POST', '/api/ves', { token, body: veBody(over) });
    expect(res.status).toBe(201);
    return res.body;
  };
  const job = (id: string) => t.get(QueueProducerService).queue('deployments').getJob(id);

  describe('POST /api/ves', () => {
    it('creates a custom VE in the customer namespace and queues deploy-ve', async () => {
      const res = await t.api('POST', '/api/ves', {
        token: a.owner.token,
        body: veBody({
          name: 'Market Watcher',
          department: 'data',
          agentUrl: 'https://agents.acme.test/a2a/watcher/',
        }),
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        customerId: a.id,
        templateId: null,
        name: 'Market Watcher',
        role: 'research-analyst',
        department: 'data',
        agentName: 'market-watcher',
        namespace: a.namespace,
        model: 'gpt-4o-mini',
        skills: ['market-research', 'summarization'],
        tools: ['brave-search/brave_web_search'],
        managerId: null,
        status: 'deploying',
        statusReason: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        systemPrompt: expect.any(String),
        agentUrl: 'https://agents.acme.test/a2a/watcher/',
        generation: 1,
      });
      expect((await boardJob(t, `ve-${res.body.id}-1`)).data).toMatchObject({
        veId: res.body.id,
        agentName: 'market-watcher',
      });
    });

    it('derives unique agent names per customer: -2, -3 on collision; other customers are independent', async () => {
      const names = [];
      for (let i = 0; i < 3; i++) names.push((await create({ name: 'Twin Agent' })).agentName);
      expect(names).toEqual(['twin-agent', 'twin-agent-2', 'twin-agent-3']);
      const b = await createTenant(t);
      expect((await create({ name: 'Twin Agent' }, b.key)).agentName).toBe('twin-agent');
    });

    it('reuses the agent name of a deleted VE', async () => {
      const first = await create({ name: 'Recycled' });
      expect((await t.api('DELETE', `/api/ves/${first.id}`, { token: a.key })).status).toBe(202);
      expect((await create({ name: 'Recycled' })).agentName).toBe('recycled');
    });

    it('names every bad field (400)', async () => {
      const res = await t.api('POST', '/api/ves', {
        token: a.key,
        body: {
          name: '',
          role: '',
          systemPrompt: 7,
          model: 'gpt 4',
          skills: ['Bad Skill'],
          tools: ['github'],
          managerId: 'boss',
          department: 'Sales Team',
          agentUrl: 'ftp://agents.test/a2a',
          salary: 100,
        },
      });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(
        [
          'agentUrl',
          'department',
          'managerId',
          'model',
          'name',
          'role',
          'salary',
          'skills',
          'systemPrompt',
          'tools',
        ].sort(),
      );
      const missing = await t.api('POST', '/api/ves', { token: a.key, body: {} });
      expect(missing.body.details.map((d: { field: string }) => d.field).sort()).toEqual(
        ['model', 'name', 'role', 'skills', 'systemPrompt', 'tools'].sort(),
      );
    });

    it('needs a customer: 401 without credentials, 403 for an operator naming none, 404 for an unknown one', async () => {
      expect((await t.api('POST', '/api/ves', { token: null, body: veBody() })).status).toBe(401);
      expect((await t.api('POST', '/api/ves', { body: veBody() })).status).toBe(403);
      expect(
        (await t.api('POST', '/api/ves', { customerId: randomUUID(), body: veBody() })).status,
      ).toBe(404);
      expect(
        (
          await t.api('POST', '/api/ves', {
            customerId: a.id,
            body: veBody({ name: 'By Operator' }),
          })
        ).status,
      ).toBe(201);
    });
  });

  describe('GET /api/ves', () => {
    it('lists the live VEs, filtered by status and department, keyset-paged', async () => {
      await create({ name: 'Ledger Keeper', department: 'finance' });
      const finance = await t.api('GET', '/api/ves?department=finance', { token: a.key });
      expect(finance.body.items.map((v: Ve) => v.department)).toEqual(['finance']);
      const deploying = await t.api('GET', '/api/ves?status=deploying&limit=200', { token: a.key });
      expect(deploying.body.items.length).toBeGreaterThan(3);
      expect(deploying.body.items.every((v: Ve) => v.status === 'deploying')).toBe(true);
      expect((await t.api('GET', '/api/ves?status=stopped', { token: a.key })).body.items).toEqual(
        [],
      );

      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res: ApiResponse<{ items: Ve[]; nextCursor: string | null }> = await t.api(
          'GET',
          `/api/ves?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          { token: a.key },
        );
        ids.push(...res.body.items.map((v: Ve) => v.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(ids).toEqual(deploying.body.items.map((v: Ve) => v.id));
    });

    it('names bad filters (400)', async () => {
      const res = await t.api('GET', '/api/ves?status=sleeping&department=X&limit=a', {
        token: a.key,
      });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'department',
        'limit',
        'status',
      ]);
    });

    it('GET /api/ves/:id answers the VE, 404 when unknown or deleted', async () => {
      const ve = await create({ name: 'Lookup' });
      expect((await t.api('GET', `/api/ves/${ve.id}`, { token: a.member.token })).body.id).toBe(
        ve.id,
      );
      expect((await t.api('GET', `/api/ves/${randomUUID()}`, { token: a.key })).status).toBe(404);
      await t.api('DELETE', `/api/ves/${ve.id}`, { token: a.key });
      expect((await t.api('GET', `/api/ves/${ve.id}`, { token: a.key })).status).toBe(404);
    });
  });

  describe('PATCH /api/ves/:id', () => {
    it('redeploys on a change: generation + 1, deploying, a deploy-ve job for the new generation', async () => {
      const ve = await create({ name: 'Editable' });
      const res = await t.api('PATCH', `/api/ves/${ve.id}`, {
        token: a.key,
        body: { model: 'claude-sonnet-4-5', systemPrompt: 'New instructions.', agentUrl: null },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        model: 'claude-sonnet-4-5',
        generation: 2,
        status: 'deploying',
        agentName: 'editable',
      });
      expect((await job(`ve-${ve.id}-2`))?.data).toMatchObject({
        generation: 2,
        agentName: 'editable',
      });
      const renamed = await t.api('PATCH', `/api/ves/${ve.id}`, {
        token: a.key,
        body: { name: 'Edited Name' },
      });
      expect(renamed.body).toMatchObject({
        name: 'Edited Name',
        agentName: 'editable',
        generation: 3,
      });
    });

    it('moves a VE in the org chart without redeploying when only managerId changes', async () => {
      const boss = await create({ name: 'Patch Boss' });
      const ve = await create({ name: 'Patch Report' });
      const res = await t.api('PATCH', `/api/ves/${ve.id}`, {
        token: a.key,
        body: { managerId: boss.id },
      });
      expect(res.body).toMatchObject({ managerId: boss.id, generation: 1 });
      expect(await job(`ve-${ve.id}-2`)).toBeUndefined();
      const cycle = await t.api('PATCH', `/api/ves/${boss.id}`, {
        token: a.key,
        body: { managerId: ve.id },
      });
      expect(cycle.status).toBe(409);
      expect(
        (await t.api('PATCH', `/api/ves/${ve.id}`, { token: a.key, body: { managerId: null } }))
          .body.managerId,
      ).toBeNull();
    });

    it('names bad fields (400), and answers 404 for an unknown VE', async () => {
      const ve = await create({ name: 'Patch Target' });
      const bad = await t.api('PATCH', `/api/ves/${ve.id}`, {
        token: a.key,
        body: {
          skills: 'writing',
          tools: [1],
          agentUrl: 'javascript:alert(1)',
          agentName: 'renamed',
        },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'agentName',
        'agentUrl',
        'skills',
        'tools',
      ]);
      expect(
        (await t.api('PATCH', `/api/ves/${randomUUID()}`, { token: a.key, body: { name: 'x' } }))
          .status,
      ).toBe(404);
    });
  });

  describe('DELETE /api/ves/:id', () => {
    it('answers 202 with the stopped VE, queues undeploy-ve, and moves its reports up', async () => {
      const top = await create({ name: 'Top' });
      const middle = await create({ name: 'Middle', managerId: top.id });
      const bottom = await create({ name: 'Bottom', managerId: middle.id });
      const res = await t.api('DELETE', `/api/ves/${middle.id}`, { token: a.key });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ id: middle.id, status: 'stopped' });
      expect((await job(`ve-${middle.id}-undeploy`))?.data).toMatchObject({
        customerId: a.id,
        veId: middle.id,
        agentName: 'middle',
        namespace: a.namespace,
      });
      expect((await t.api('GET', `/api/ves/${bottom.id}`, { token: a.key })).body.managerId).toBe(
        top.id,
      );
      expect((await t.api('DELETE', `/api/ves/${middle.id}`, { token: a.key })).status).toBe(404);
    });
  });

  describe('POST /api/ves/batch', () => {
    it('hires from templates with a result per item; a bad item fails alone', async () => {
      const templates = (
        await t.api('GET', '/api/marketplace/templates?department=sales', { token: a.key })
      ).body.items;
      const res = await t.api('POST', '/api/ves/batch', {
        token: a.key,
        body: { templateIds: [templates[0].id, randomUUID(), 'not-a-uuid', templates[1].id] },
      });
      expect(res.status).toBe(202);
      expect(res.body.items.map((i: { statusCode: number }) => i.statusCode)).toEqual([
        201, 404, 400, 201,
      ]);
      expect(res.body.items[0].ve).toMatchObject({
        templateId: templates[0].id,
        status: 'deploying',
      });
      expect(res.body.items[2].error).toMatchObject({
        statusCode: 400,
        details: [{ field: 'templateId', problems: expect.any(Array) }],
      });
      await boardJob(t, `ve-${res.body.items[3].ve.id}-1`);
    });

    it('creates custom VEs, validating each on its own', async () => {
      const res = await t.api('POST', '/api/ves/batch', {
        token: a.key,
        body: {
          ves: [
            veBody({ name: 'Batch One' }),
            veBody({ name: '', tools: ['x'] }),
            'oops',
            veBody({ name: 'Batch One' }),
          ],
        },
      });
      expect(res.status).toBe(202);
      const items = res.body.items;
      expect(items.map((i: { statusCode: number }) => i.statusCode)).toEqual([201, 400, 400, 201]);
      expect(items[1].error.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'name',
        'tools',
      ]);
      expect([items[0].ve.agentName, items[3].ve.agentName]).toEqual(['batch-one', 'batch-one-2']);
    });

    it('needs exactly one list of 1..50 items (400)', async () => {
      for (const body of [
        {},
        { templateIds: [], ves: [] },
        { templateIds: [randomUUID()], ves: [veBody()] },
        { ves: Array(51).fill(veBody()) },
      ]) {
        const res = await t.api('POST', '/api/ves/batch', { token: a.key, body });
        expect(res.status).toBe(400);
        expect(res.body.details.length).toBeGreaterThan(0);
      }
    });
  });

  describe('VesService (the contract other domains use)', () => {
    it('finds VEs by id and agent name within the customer only; a malformed id is not found', async () => {
      const ves = t.get(VesService);
      const ve = await create({ name: 'Contract Probe' });
      expect((await ves.get(a.id, ve.id)).agentName).toBe('contract-probe');
      expect((await ves.findByAgentName(a.id, 'contract-probe'))?.id).toBe(ve.id);
      const b = await createTenant(t);
      await expect(ves.get(b.id, ve.id)).rejects.toMatchObject({ status: 404 });
      expect(await ves.findByAgentName(b.id, 'contract-probe')).toBeUndefined();
      await expect(ves.get(a.id, 'not-a-uuid')).rejects.toMatchObject({ status: 404 });
      expect(await ves.setStatus(a.id, 'not-a-uuid', { status: 'ready', reason: null })).toBe(
        false,
      );
    });

    it('lists by status, and pages every customer by id for monitoring', async () => {
      const ves = t.get(VesService);
      const ve = await create({ name: 'Monitored' });
      await ves.setStatus(a.id, ve.id, {
        status: 'ready',
        reason: null,
        conditions: [{ type: 'Ready', status: 'True' }],
      });
      expect((await ves.listAll(a.id, ['ready'])).map((v) => v.id)).toContain(ve.id);
      expect((await ves.listAll(a.id, ['failed'])).map((v) => v.id)).not.toContain(ve.id);
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await ves.listAllForMonitoring(after, 3);
        if (!page.length) break;
        seen.push(...page.map((v) => v.id));
        after = page[page.length - 1]!.id;
      }
      expect(seen).toEqual([...seen].sort());
      expect(seen).toContain(ve.id);
      expect(new Set(seen.map((id) => id)).size).toBe(seen.length);
    });

    it('records manifests by generation: an older generation never overwrites a newer one', async () => {
      const ves = t.get(VesService);
      const db = t.get<Kysely<Database>>(KYSELY);
      const ve = await create({ name: 'Manifested' });
      await ves.recordManifest(a.id, ve.id, [{ kind: 'Agent', gen: 2 }], 2);
      await ves.recordManifest(a.id, ve.id, [{ kind: 'Agent', gen: 1 }], 1);
      const row = await db
        .selectFrom('ves')
        .select(['manifest', 'deployed_generation'])
        .where('id', '=', ve.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ manifest: [{ kind: 'Agent', gen: 2 }], deployed_generation: 2 });
      await expect(ves.recordManifest(a.id, randomUUID(), {}, 1)).rejects.toMatchObject({
        status: 404,
      });
    });

    it('ignores status reports for a fired VE', async () => {
      const ves = t.get(VesService);
      const ve = await create({ name: 'Fired' });
      await t.api('DELETE', `/api/ves/${ve.id}`, { token: a.key });
      expect(await ves.setStatus(a.id, ve.id, { status: 'ready', reason: 'late deploy job' })).toBe(
        false,
      );
    });
  });

  // Last: closes the deployments queue of this app.
  it('writes nothing when the deployment cannot be queued (503): the VE and its job come together', async () => {
    await t.get(QueueProducerService).queue('deployments').close();
    const res = await t.api('POST', '/api/ves', {
      token: a.key,
      body: veBody({ name: 'Never Deployed' }),
    });
    expect(res.status).toBe(503);
    const list = await t.api('GET', '/api/ves?limit=200', { token: a.key });
    expect(list.body.items.map((v: Ve) => v.agentName)).not.toContain('never-deployed');
  });
});
