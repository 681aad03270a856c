import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Kysely } from 'kysely';
import { KYSELY } from '../../src/database/database.constants';
import type { Database } from '../../src/database/database.types';
import { EventsService } from '../../src/events/events.service';
import { REDIS } from '../../src/redis/redis.module';
import { VesService } from '../../src/ves/ves.service';
import type { TestApp } from '../helpers/test-app';
import {
  createTenancyApp,
  createTenant,
  eventually,
  TenantFixture,
  veBody,
} from './support/tenancy';

interface Node {
  ve: { id: string; name: string; status: string };
  reports: Node[];
}

describe('Org chart (real Postgres, real Redis)', () => {
  let t: TestApp;
  let a: TenantFixture;
  const ids: Record<string, string> = {};

  const create = async (name: string, managerId?: string, token = a.key) => {
    const res = await t.api('POST', '/api/ves', {
      token,
      body: veBody({ name, ...(managerId ? { managerId } : {}) }),
    });
    expect(res.status).toBe(201);
    ids[name] = res.body.id;
    return res.body.id as string;
  };
  const put = (veId: string, managerId: string | null, token = a.key) =>
    t.api('PUT', `/api/org-chart/${veId}`, { token, body: { managerId } });
  const shape = (nodes: Node[]): unknown => nodes.map((n) => ({ [n.ve.name]: shape(n.reports) }));

  beforeAll(async () => {
    t = await createTenancyApp();
    a = await createTenant(t);
    // ceo ← cto ← dev1, dev2 ; ceo ← cmo ; intern
    await create('ceo');
    await create('cto', ids.ceo);
    await create('dev1', ids.cto);
    await create('dev2', ids.cto);
    await create('cmo', ids.ceo);
    await create('intern');
  });
  afterAll(() => t.close());

  it('GET /api/org-chart answers the tree of managers and reports', async () => {
    const res = await t.api('GET', '/api/org-chart', { token: a.member.token });
    expect(res.status).toBe(200);
    expect(shape(res.body.roots)).toEqual([
      { ceo: [{ cto: [{ dev1: [] }, { dev2: [] }] }, { cmo: [] }] },
      { intern: [] },
    ]);
    expect(res.body.roots[0].ve).toMatchObject({
      id: ids.ceo,
      agentName: 'ceo',
      status: 'deploying',
    });
  });

  it('PUT /api/org-chart/:veId moves a VE, and the cached chart follows at once', async () => {
    await t.api('GET', '/api/org-chart', { token: a.key });
    const res = await put(ids.intern!, ids.cmo!);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ids.intern, managerId: ids.cmo });
    const chart = await t.api('GET', '/api/org-chart', { token: a.key });
    expect(shape(chart.body.roots)).toEqual([
      { ceo: [{ cto: [{ dev1: [] }, { dev2: [] }] }, { cmo: [{ intern: [] }] }] },
    ]);
    expect((await put(ids.intern!, null)).body.managerId).toBeNull();
  });

  it('is cached per customer in Redis', async () => {
    await t.api('GET', '/api/org-chart', { token: a.key });
    const keys = await t.get<Redis>(REDIS).keys(`${t.env.BULLMQ_PREFIX}:cache:org:${a.id}:*`);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('refuses a cycle (409): to itself, to a direct report, to an indirect report', async () => {
    for (const managerId of [ids.cto, ids.dev1, ids.dev2]) {
      const res = await put(ids.cto!, managerId!);
      expect(res.status).toBe(409);
      expect(res.body.statusCode).toBe(409);
    }
    expect((await put(ids.ceo!, ids.dev1!)).status).toBe(409);
  });

  it('refuses a chart deeper than 10 levels (422), on PUT and on POST /api/ves', async () => {
    let manager: string | undefined;
    const chain: string[] = [];
    for (let i = 0; i < 10; i++) chain.push((manager = await create(`level-${i}`, manager)));
    expect(
      (
        await t.api('POST', '/api/ves', {
          token: a.key,
          body: veBody({ name: 'too deep', managerId: manager }),
        })
      ).status,
    ).toBe(422);
    expect((await put(ids.intern!, manager!)).status).toBe(422);
    // The cto subtree is 2 levels: under level-7 it would make 8 + 2 = 10, under level-8 11.
    expect((await put(ids.cto!, chain[8]!)).status).toBe(422);
    expect((await put(ids.cto!, chain[7]!)).status).toBe(200);
    expect((await put(ids.cto!, ids.ceo!)).status).toBe(200);
  });

  it("refuses another customer's VE as manager, and another customer's VE as subject (404)", async () => {
    const b = await createTenant(t);
    const theirs = (
      await t.api('POST', '/api/ves', { token: b.key, body: veBody({ name: 'theirs' }) })
    ).body.id;
    expect((await put(ids.intern!, theirs)).status).toBe(404);
    expect(
      (
        await t.api('POST', '/api/ves', {
          token: a.key,
          body: veBody({ name: 'x', managerId: theirs }),
        })
      ).status,
    ).toBe(404);
    expect((await put(theirs, null)).status).toBe(404);
    expect((await put(randomUUID(), null)).status).toBe(404);
  });

  it('names bad input (400) and needs credentials (401)', async () => {
    const bad = await t.api('PUT', `/api/org-chart/${ids.intern}`, {
      token: a.key,
      body: { managerId: 'ceo', extra: true },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'extra',
      'managerId',
    ]);
    const missing = await t.api('PUT', `/api/org-chart/${ids.intern}`, { token: a.key, body: {} });
    expect(missing.body.details.map((d: { field: string }) => d.field)).toEqual(['managerId']);
    expect(
      (await t.api('PUT', '/api/org-chart/not-a-uuid', { token: a.key, body: { managerId: null } }))
        .status,
    ).toBe(400);
    expect((await t.api('GET', '/api/org-chart', { token: null })).status).toBe(401);
  });

  it('shows status changes reported through VesService.setStatus (cache invalidated)', async () => {
    await t.api('GET', '/api/org-chart', { token: a.key });
    const ves = t.get(VesService);
    expect(await ves.setStatus(a.id, ids.dev1!, { status: 'ready', reason: null })).toBe(true);
    expect(await ves.setStatus(a.id, ids.dev1!, { status: 'ready', reason: null })).toBe(false);
    const chart = await t.api('GET', '/api/org-chart', { token: a.key });
    const find = (nodes: Node[]): Node | undefined =>
      nodes.map((n) => (n.ve.id === ids.dev1 ? n : find(n.reports))).find(Boolean);
    expect(find(chart.body.roots)!.ve.status).toBe('ready');
  });

  it("follows a status set inside a caller's transaction once it commits", async () => {
    const find = (nodes: Node[]): Node | undefined =>
      nodes.map((n) => (n.ve.id === ids.dev2 ? n : find(n.reports))).find(Boolean);
    await t.api('GET', '/api/org-chart', { token: a.key });
    const db = t.get<Kysely<Database>>(KYSELY);
    await t
      .get(EventsService)
      .transaction(db, (trx) =>
        t
          .get(VesService)
          .setStatus(a.id, ids.dev2!, { status: 'degraded', reason: 'probe failed' }, trx),
      );
    await eventually(async () => {
      const chart = await t.api('GET', '/api/org-chart', { token: a.key });
      return find(chart.body.roots)!.ve.status === 'degraded' ? true : undefined;
    });
  });

  describe('VesService relations for task delegation', () => {
    it('chainOfCommand lists the managers above, nearest first', async () => {
      const chain = await t.get(VesService).chainOfCommand(a.id, ids.dev1!);
      expect(chain.map((v) => v.name)).toEqual(['cto', 'ceo']);
      await expect(t.get(VesService).chainOfCommand(a.id, randomUUID())).rejects.toMatchObject({
        status: 404,
      });
    });

    it('reportsOf lists direct or all reports', async () => {
      const ves = t.get(VesService);
      expect((await ves.reportsOf(a.id, ids.ceo!)).map((v) => v.name).sort()).toEqual([
        'cmo',
        'cto',
      ]);
      expect(
        (await ves.reportsOf(a.id, ids.ceo!, { recursive: true })).map((v) => v.name).sort(),
      ).toEqual(['cmo', 'cto', 'dev1', 'dev2']);
    });

    it('isReportOrPeer allows delegating down the chain and to peers only', async () => {
      const ves = t.get(VesService);
      expect(await ves.isReportOrPeer(a.id, ids.ceo!, ids.dev2!)).toBe(true); // indirect report
      expect(await ves.isReportOrPeer(a.id, ids.cto!, ids.dev1!)).toBe(true); // direct report
      expect(await ves.isReportOrPeer(a.id, ids.dev1!, ids.dev2!)).toBe(true); // peers
      expect(await ves.isReportOrPeer(a.id, ids.ceo!, ids.intern!)).toBe(true); // both roots
      expect(await ves.isReportOrPeer(a.id, ids.dev1!, ids.cto!)).toBe(false); // upwards
      expect(await ves.isReportOrPeer(a.id, ids.dev1!, ids.cmo!)).toBe(false); // another branch
      expect(await ves.isReportOrPeer(a.id, ids.dev1!, ids.dev1!)).toBe(false);
      const b = await createTenant(t);
      expect(await ves.isReportOrPeer(b.id, ids.ceo!, ids.dev1!)).toBe(false); // another customer's ids
    });
  });
});
