import { createTestApp, type TestApp } from '../helpers/test-app';
import { eventually, seedCustomer, seedVe, type Customer } from './gateway-fixtures';

jest.setTimeout(90_000);

/** Done-when of issue #4: with no gateway configured, a task created through the API is routed and completed by the sandbox agent. */
describe('Tasks end to end on the sandbox agent (no gateway configured)', () => {
  let t: TestApp;
  let acme: Customer;
  const ids: Record<'routed' | 'failing' | 'callback' | 'delegating', string> = {
    routed: '',
    failing: '',
    callback: '',
    delegating: '',
  };

  beforeAll(async () => {
    t = await createTestApp();
    acme = await seedCustomer(t);
    // Statuses as K8s dry-run leaves them: still deploying, yet routable.
    await seedVe(t, acme, { agentName: 'chief', role: 'orchestrator', status: 'deploying' });
    const marketer = await seedVe(t, acme, {
      agentName: 'marketer',
      department: 'marketing',
      skills: ['SEO', 'campaign planning'],
      status: 'deploying',
    });
    await seedVe(t, acme, {
      agentName: 'accountant',
      department: 'finance',
      skills: ['invoicing'],
      status: 'deploying',
    });
    const create = async (body: Record<string, unknown>) => {
      const res = await t.api('POST', '/api/tasks', { customerId: acme.id, body });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    // Created together: they run concurrently, each test waits for its own.
    ids.routed = await create({ title: 'Improve our SEO for the spring campaign' });
    ids.failing = await create({ title: 'Send the invoices [fail]' });
    ids.callback = await create({ title: 'Compile the digest [callback]', veId: marketer.id });
    ids.delegating = await create({
      title: 'Reconcile the ledger [delegate:accountant]',
      veId: marketer.id,
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  const task = async (id: string) =>
    (await t.api('GET', `/api/tasks/${id}`, { customerId: acme.id })).body;
  const reaches = (id: string, statuses: string[]) =>
    eventually(async () => {
      const body = await task(id);
      return statuses.includes(body.status) ? body : undefined;
    }, 75_000);
  const agentOf = async (veId: string) =>
    (await t.api('GET', `/api/ves/${veId}`, { customerId: acme.id })).body.agentName;

  it('routes a task through the sandbox orchestrator and completes it on the chosen VE', async () => {
    const done = await reaches(ids.routed, ['completed', 'failed']);
    expect(done).toMatchObject({
      status: 'completed',
      result: { text: expect.stringContaining('[sandbox] marketer completed: Improve our SEO') },
    });
    expect(await agentOf(done.veId)).toBe('marketer');
    expect(done.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'assigned',
          data: expect.objectContaining({ source: 'agent' }),
        }),
      ]),
    );
  });

  it('fails a task with the agent reason', async () => {
    expect(await reaches(ids.failing, ['completed', 'failed'])).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('[fail] directive'),
    });
  });

  it('completes a task by the signed task_update callback', async () => {
    const done = await reaches(ids.callback, ['completed', 'failed']);
    expect(done).toMatchObject({
      status: 'completed',
      result: { text: '[sandbox] marketer completed: Compile the digest (3 words of input)' },
    });
  });

  it('delegates by the signed delegation callback: a child task for the named VE', async () => {
    await reaches(ids.delegating, ['delegated', 'completed', 'failed']);
    const children = await eventually(async () => {
      const list = await t.api('GET', '/api/tasks?limit=200', { customerId: acme.id });
      const found = list.body.items.filter(
        (x: { parentTaskId: string | null }) => x.parentTaskId === ids.delegating,
      );
      return found.length ? found : undefined;
    });
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({ title: 'Reconcile the ledger' });
    expect(await agentOf(children[0].veId)).toBe('accountant');
  });
});
