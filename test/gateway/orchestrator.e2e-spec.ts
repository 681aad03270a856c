import { OrchestratorService } from '../../src/orchestrator/orchestrator.service';
import type { Ve } from '../../src/ves/ves.types';
import { freePort } from '../helpers/resources';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { startA2aPeer, type A2aPeer } from '../peers/a2a-peer';
import { seedCustomer, seedVe, type Customer } from './gateway-fixtures';

jest.setTimeout(60_000);

describe('Orchestrator: routing by the orchestrator agent vs. rules', () => {
  let t: TestApp;
  let peer: A2aPeer;
  let orchestrator: OrchestratorService;
  let acme: Customer;
  let marketer: Ve;
  let accountant: Ve;

  beforeAll(async () => {
    peer = await startA2aPeer({ protocol: '1.0', name: 'orchestrator peer' });
    t = await createTestApp({
      env: { AGENT_GATEWAY_URL: peer.url, ORCHESTRATOR_TIMEOUT_MS: '5000' },
    });
    peer.verifyJwtWith(`${t.url}/.well-known/jwks.json`, t.url);
    orchestrator = t.get(OrchestratorService);
    acme = await seedCustomer(t);
    await seedVe(t, acme, { agentName: 'chief', role: 'orchestrator', department: 'management' });
    marketer = await seedVe(t, acme, {
      agentName: 'marketer',
      role: 'Marketing Manager',
      department: 'marketing',
      skills: ['campaign planning', 'SEO'],
    });
    // Deploying counts as routable: in K8s dry-run mode VEs never leave it.
    accountant = await seedVe(t, acme, {
      agentName: 'accountant',
      role: 'Accountant',
      department: 'finance',
      skills: ['invoicing'],
      status: 'deploying',
    });
    await seedVe(t, acme, {
      agentName: 'retired',
      department: 'marketing',
      skills: ['SEO'],
      status: 'stopped',
    });
  });

  afterAll(async () => {
    await t?.close();
    await peer?.close();
  });

  const route = (title: string, customer: Customer = acme) =>
    orchestrator.route(customer.id, { title });

  it('follows the orchestrator agent: it receives the candidates and names a VE in a data part', async () => {
    let offered: string[] = [];
    peer.behaviour.routeAnswer = ({ candidates }) => {
      offered = candidates.map((c) => c.agentName).sort();
      return { data: { agentName: 'accountant', reason: 'finance owns vendor contracts' } };
    };
    // The rules would pick the marketer for this title; the agent decides otherwise.
    const decision = await route('Plan the SEO campaign budget');
    expect(decision).toEqual({
      veId: accountant.id,
      agentName: 'accountant',
      source: 'agent',
      reason: 'finance owns vendor contracts',
    });
    expect(offered).toEqual(['accountant', 'marketer']);
    expect(peer.calls.at(-1)).toMatchObject({
      agent: 'chief',
      claims: expect.objectContaining({ aud: 'chief' }),
    });
  });

  it('reads a choice given as JSON text by VE id', async () => {
    peer.behaviour.routeAnswer = () => ({
      text: `Here you go:\n\`\`\`json\n{"veId": "${marketer.id}", "reason": "SEO"}\n\`\`\``,
    });
    expect(await route('Anything')).toMatchObject({
      veId: marketer.id,
      source: 'agent',
      reason: 'SEO',
    });
  });

  it('falls back to the rules when the agent names a VE that does not exist or cannot work', async () => {
    peer.behaviour.routeAnswer = () => ({ data: { agentName: 'ghost' } });
    const decision = await route('Plan the SEO campaign');
    expect(decision).toMatchObject({
      agentName: 'marketer',
      source: 'rules',
      reason: expect.stringContaining('named ghost'),
    });
    peer.behaviour.routeAnswer = () => ({ data: { agentName: 'retired' } });
    expect(await route('Plan the SEO campaign')).toMatchObject({
      agentName: 'marketer',
      source: 'rules',
    });
  });

  it('falls back to the rules when the agent names nobody', async () => {
    peer.behaviour.routeAnswer = () => ({ text: 'Hard to say.' });
    expect(await route('Send the invoices')).toMatchObject({
      agentName: 'accountant',
      source: 'rules',
      reason: expect.stringContaining('named no VE'),
    });
  });

  it('falls back to the rules at once when the orchestrator is unreachable', async () => {
    const other = await seedCustomer(t);
    const port = await freePort();
    await seedVe(t, other, {
      agentName: 'boss',
      role: 'Orchestrator',
      agentUrl: `http://127.0.0.1:${port}/a2a/`,
    });
    await seedVe(t, other, { agentName: 'seo-writer', skills: ['SEO'] });
    await seedVe(t, other, { agentName: 'bookkeeper', skills: ['invoicing'] });
    const started = Date.now();
    expect(await route('Fix the invoicing backlog', other)).toMatchObject({
      agentName: 'bookkeeper',
      source: 'rules',
      reason: expect.stringContaining('unavailable'),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('routes by rules when the customer has no orchestrator', async () => {
    const other = await seedCustomer(t);
    await seedVe(t, other, { agentName: 'seo-writer', skills: ['SEO', 'blog writing'] });
    await seedVe(t, other, { agentName: 'bookkeeper', skills: ['invoicing'] });
    const decision = await route('Write a blog post', other);
    expect(decision).toMatchObject({
      agentName: 'seo-writer',
      source: 'rules',
      reason: expect.stringContaining('skill "blog writing"'),
    });
  });

  describe('HTTP', () => {
    it('POST /api/orchestrator/route answers for the caller', async () => {
      peer.behaviour.routeAnswer = () => ({ data: { veId: marketer.id, reason: 'marketing' } });
      const res = await t.api('POST', '/api/orchestrator/route', {
        customerId: acme.id,
        body: { title: 'Launch plan', description: 'for spring' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        veId: marketer.id,
        agentName: 'marketer',
        reason: 'marketing',
        source: 'agent',
      });
    });

    it('422 when no VE can take work; 400 on bad input', async () => {
      const empty = await seedCustomer(t);
      const none = await t.api('POST', '/api/orchestrator/route', {
        customerId: empty.id,
        body: { title: 'Anything' },
      });
      expect(none.status).toBe(422);
      expect(none.body.message).toMatch(/No virtual employee can take this work/);
      await seedVe(t, empty, { agentName: 'broken', status: 'failed' });
      expect(
        (
          await t.api('POST', '/api/orchestrator/route', {
            customerId: empty.id,
            body: { title: 'Anything' },
          })
        ).status,
      ).toBe(422);
      const bad = await t.api('POST', '/api/orchestrator/route', {
        customerId: acme.id,
        body: { description: 'no title', extra: 1 },
      });
      expect(bad.status).toBe(400);
    });

    it('GET /api/orchestrator/status reports the orchestrator agent and the queues', async () => {
      const res = await t.api('GET', '/api/orchestrator/status', { customerId: acme.id });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        mode: 'agent',
        orchestrator: {
          agentName: 'chief',
          reachable: true,
          url: `${peer.url}/api/a2a/${acme.namespace}/chief/`,
        },
        routableVes: 2,
        tasks: expect.any(Object),
        tasksQueue: expect.objectContaining({
          waiting: expect.any(Number),
          active: expect.any(Number),
        }),
      });
      const lonely = await seedCustomer(t);
      const rules = await t.api('GET', '/api/orchestrator/status', { customerId: lonely.id });
      expect(rules.body).toMatchObject({ mode: 'rules', orchestrator: null, routableVes: 0 });
    });
  });
});
