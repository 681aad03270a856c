import { createTestApp, TestApp } from '../helpers/test-app';
import {
  dbOf,
  eventually,
  providerByName,
  seedCustomer,
  type Seeded,
  seedRunningTask,
  taskReaches,
} from './support/fixtures';

interface Delegating {
  delegate(
    customerId: string,
    req: Record<string, unknown>,
  ): Promise<{ id: string; parentTaskId: string; status: string; veId: string }>;
}

/** The status of the domain error a call throws (undefined when it does not throw). */
async function refusal(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { status?: number }).status;
  }
}

// The project's testTimeout is not applied per project by jest 30: set it here (the machine is shared and slow).
jest.setTimeout(120_000);

describe('Delegation (org chart, depth limit, cycles, roll-up to the parent)', () => {
  let t: TestApp;
  let c: Seeded;
  let tasks: Delegating;
  // v0 and v3 are top-level peers; v1 reports to v0, v2 to v1, v4 to v2.
  const ve = (i: number) => c.ves[i]!;

  beforeAll(async () => {
    t = await createTestApp({ env: { TASK_MAX_DELEGATION_DEPTH: '2' } });
    c = await seedCustomer(dbOf(t), { ves: 5, managers: [undefined, 0, 1, undefined, 2] });
    tasks = providerByName<Delegating>(t, 'TasksService');
  });
  afterAll(() => t.close());

  const running = (veIndex: number, parentTaskId?: string) =>
    seedRunningTask(dbOf(t), c.customerId, ve(veIndex).id, { parentTaskId });

  it("delegates down the org chart; the parent completes with its children's results", async () => {
    const parent = await running(0);
    const toIndirectReport = await tasks.delegate(c.customerId, {
      parentTaskId: parent,
      fromVeId: ve(0).id,
      toVeId: ve(2).id,
      title: 'Research prices',
    });
    const byAgentName = await tasks.delegate(c.customerId, {
      parentTaskId: parent,
      fromVeId: ve(0).id,
      toAgent: ve(1).agentName,
      title: 'Draft copy',
    });
    expect(toIndirectReport).toMatchObject({ parentTaskId: parent, veId: ve(2).id });
    expect(byAgentName).toMatchObject({ parentTaskId: parent, veId: ve(1).id });
    const done = await taskReaches(t, c.customerId, parent, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.result.children.map((x: { taskId: string }) => x.taskId).sort()).toEqual(
      [toIndirectReport.id, byAgentName.id].sort(),
    );
    expect(done.result.text).toContain('Research prices');
    const delegated = done.events.filter((e: { type: string }) => e.type === 'delegated');
    expect(delegated.map((e: { data: { childTaskId: string } }) => e.data.childTaskId)).toEqual([
      toIndirectReport.id,
      byAgentName.id,
    ]);
    expect(delegated[0]).toMatchObject({ fromStatus: 'in_progress', toStatus: 'delegated' });
  });

  it('delegates across to a peer', async () => {
    const parent = await running(0);
    const child = await tasks.delegate(c.customerId, {
      parentTaskId: parent,
      fromVeId: ve(0).id,
      toVeId: ve(3).id,
      title: 'Peer help',
    });
    expect(child.veId).toBe(ve(3).id);
    await taskReaches(t, c.customerId, parent, ['completed']);
  });

  it('refuses delegating up the org chart, to itself, or for a task the VE does not run', async () => {
    const own = await running(2);
    expect(
      await refusal(
        tasks.delegate(c.customerId, {
          parentTaskId: own,
          fromVeId: ve(2).id,
          toVeId: ve(0).id,
          title: 'Up',
        }),
      ),
    ).toBe(403);
    expect(
      await refusal(
        tasks.delegate(c.customerId, {
          parentTaskId: own,
          fromVeId: ve(2).id,
          toVeId: ve(2).id,
          title: 'Me',
        }),
      ),
    ).toBe(409);
    expect(
      await refusal(
        tasks.delegate(c.customerId, {
          parentTaskId: own,
          fromVeId: ve(0).id,
          toVeId: ve(1).id,
          title: 'Not mine',
        }),
      ),
    ).toBe(409);
    expect(
      await refusal(
        tasks.delegate(c.customerId, {
          parentTaskId: own,
          fromVeId: ve(2).id,
          toAgent: 'nobody',
          title: 'Ghost',
        }),
      ),
    ).toBe(404);
    const other = await seedCustomer(dbOf(t));
    expect(
      await refusal(
        tasks.delegate(c.customerId, {
          parentTaskId: own,
          fromVeId: ve(2).id,
          toVeId: other.ves[0]!.id,
          title: 'X',
        }),
      ),
    ).toBe(404);
    const events = await dbOf(t)
      .selectFrom('task_events')
      .select('type')
      .where('task_id', '=', own)
      .execute();
    expect(events.map((e) => e.type)).not.toContain('delegated');
  });

  it('refuses a cycle (a VE twice in the chain) and a chain deeper than the limit', async () => {
    const top = await running(0);
    const atPeer = await running(3, top);
    // v3 → v0 is across (peers) but v0 already works on this chain.
    expect(
      await refusal(
        tasks.delegate(c.customerId, {
          parentTaskId: atPeer,
          fromVeId: ve(3).id,
          toVeId: ve(0).id,
          title: 'Back',
        }),
      ),
    ).toBe(409);
    const level1 = await running(1, top);
    const level2 = await running(2, level1);
    // level2 sits at depth 2 = TASK_MAX_DELEGATION_DEPTH: its child would be deeper.
    expect(
      await refusal(
        tasks.delegate(c.customerId, {
          parentTaskId: level2,
          fromVeId: ve(2).id,
          toVeId: ve(4).id,
          title: 'Deep',
        }),
      ),
    ).toBe(409);
    const ok = await tasks.delegate(c.customerId, {
      parentTaskId: level1,
      fromVeId: ve(1).id,
      toVeId: ve(4).id,
      title: 'Allowed',
    });
    expect(ok.parentTaskId).toBe(level1);
  });

  it('creates one child per delegation event, however often it is delivered', async () => {
    const parent = await running(0);
    const req = {
      parentTaskId: parent,
      fromVeId: ve(0).id,
      toVeId: ve(1).id,
      title: 'Once',
      eventId: 'evt-123',
    };
    const first = await tasks.delegate(c.customerId, req);
    const again = await tasks.delegate(c.customerId, req);
    expect(again.id).toBe(first.id);
    const children = await dbOf(t)
      .selectFrom('tasks')
      .select('id')
      .where('parent_task_id', '=', parent)
      .execute();
    expect(children).toHaveLength(1);
  });

  it('fails the parent when a child fails, naming the child', async () => {
    const parent = await running(0);
    const child = await tasks.delegate(c.customerId, {
      parentTaskId: parent,
      fromVeId: ve(0).id,
      toVeId: ve(1).id,
      title: 'Doomed [fail]',
    });
    const done = await taskReaches(t, c.customerId, parent, ['completed', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.error).toContain(child.id);
  });

  it('runs end to end: the sandbox agent delegates with a signed callback and the parent follows its child', async () => {
    const res = await t.api('POST', '/api/tasks', {
      body: { title: `Plan the launch [delegate:${ve(1).agentName}]`, veId: ve(0).id },
      customerId: c.customerId,
    });
    expect(res.status).toBe(201);
    const done = await taskReaches(t, c.customerId, res.body.id, ['completed', 'failed'], 60_000);
    expect(done.status).toBe('completed');
    const child = await eventually(async () =>
      dbOf(t)
        .selectFrom('tasks')
        .selectAll()
        .where('parent_task_id', '=', res.body.id)
        .executeTakeFirst(),
    );
    expect(child).toMatchObject({ ve_id: ve(1).id, status: 'completed' });
    expect(
      done.events.some(
        (e: { type: string; data: { childTaskId?: string } }) =>
          e.type === 'delegated' && e.data.childTaskId === child.id,
      ),
    ).toBe(true);
  }, 90_000);
});
