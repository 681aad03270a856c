import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { NotFoundError } from '../common/domain-errors';
import type { TaskRow, TaskStatus } from '../database/database.types';
import { AgentUnavailableError, type InvokeOutcome } from '../gateway/gateway.types';
import type { Ve } from '../ves/ves.types';
import { TaskOutcomes } from './task-outcomes.service';
import { TaskRunner } from './task-runner.service';
import { TaskStateMachine } from './task-state-machine';
import type { TransitionSpec } from './task-transitions.service';
import type { TaskJobData } from './tasks.types';

const VE = { id: 've-1', agentName: 'writer', customerId: 'c1' } as Ve;

/** One task in memory behind the TaskTransitions interface, enforcing the real state machine. */
function fakeTransitions(initial: TaskStatus, veId: string | null = VE.id) {
  const task = {
    id: 't1',
    customer_id: 'c1',
    status: initial,
    ve_id: veId,
    attempts: 0,
    title: 'Write',
    description: null,
    input: null,
    trace_id: null,
  } as unknown as TaskRow;
  const events: Array<{ type: string; to?: TaskStatus; data?: unknown }> = [];
  const apply = jest.fn(async (_trx: unknown, _c: string, _id: string, spec: TransitionSpec) => {
    if (
      (spec.from && !spec.from.includes(task.status)) ||
      !TaskStateMachine.canTransition(task.status, spec.to)
    ) {
      return { ok: false, row: { ...task } };
    }
    Object.assign(task, spec.patch ?? {}, { status: spec.to });
    events.push({ type: spec.event?.type ?? spec.to, to: spec.to, data: spec.event?.data });
    return { ok: true, row: { ...task } };
  });
  return {
    task,
    events,
    run: jest.fn((_db: unknown, fn: (trx: unknown) => unknown) => fn('trx')),
    apply,
    // All or nothing, like the one statement it stands for.
    applyAlone: jest.fn(async (_task: unknown, specs: TransitionSpec[]) => {
      const before = { ...task };
      const count = events.length;
      let r = { ok: false, row: { ...task } };
      for (const spec of specs) {
        r = await apply('trx', 'c1', 't1', spec);
        if (!r.ok && spec.optional) continue;
        if (!r.ok) {
          Object.assign(task, before);
          events.length = count;
          return { ok: false, row: { ...task } };
        }
      }
      return r;
    }),
    note: jest.fn(
      async (
        _trx: unknown,
        _c: string,
        _id: string,
        spec: { event: { type: string; data?: unknown } },
      ) => {
        events.push({ type: spec.event.type, data: spec.event.data });
        return { ...task };
      },
    ),
  };
}

function setup(
  opts: {
    status?: TaskStatus;
    veId?: string | null;
    outcome?: InvokeOutcome | Error;
    canRun?: boolean;
    slot?: boolean;
  } = {},
) {
  const transitions = fakeTransitions(
    opts.status ?? 'queued',
    opts.veId === undefined ? VE.id : opts.veId,
  );
  const repo = {
    find: jest.fn(async () => ({ ...transitions.task })),
    lastEventType: jest.fn(async () => undefined),
  };
  const release = jest.fn(async () => undefined);
  const slots = { acquire: jest.fn(async () => (opts.slot === false ? null : { release })) };
  const orchestrator = {
    route: jest.fn(async () => ({
      veId: VE.id,
      agentName: VE.agentName,
      reason: 'skills',
      source: 'rules',
    })),
  };
  const outcome = opts.outcome ?? { kind: 'completed', text: 'done', artifacts: [], usage: [] };
  const gateway = {
    invokeAgent: jest.fn(async () => {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    }),
  };
  const ves = { get: jest.fn(async () => VE) };
  const billing = {
    canRun: jest.fn(async () => opts.canRun ?? true),
    recordUsage: jest.fn(async () => ({ recorded: true, costMicros: 1 })),
  };
  const messages = { recordFromVe: jest.fn(async () => ({ created: true })) };
  const outcomes = new TaskOutcomes(transitions as never, messages as never, billing as never);
  const runner = new TaskRunner(
    repo as never,
    transitions as never,
    outcomes,
    slots as never,
    orchestrator as never,
    gateway as never,
    ves as never,
    billing as never,
  );
  const job = {
    data: { taskId: 't1', customerId: 'c1' },
    opts: { attempts: 3 },
    attemptsMade: 0,
    moveToDelayed: jest.fn(async () => undefined),
  } as unknown as Job<TaskJobData> & { moveToDelayed: jest.Mock };
  return { runner, job, transitions, gateway, orchestrator, billing, slots, release, messages };
}

describe('TaskRunner', () => {
  it('runs a queued task through assigned and in_progress to completed', async () => {
    const s = setup();
    const result = await s.runner.run(s.job, 'tok');
    expect(result).toEqual({ taskId: 't1', status: 'completed' });
    expect(s.transitions.events.map((e) => e.to)).toEqual(['assigned', 'in_progress', 'completed']);
    expect(s.transitions.task.attempts).toBe(1);
    expect(s.transitions.task.push_token).toEqual(expect.any(String));
    expect(s.gateway.invokeAgent).toHaveBeenCalledWith(
      'c1',
      VE,
      expect.objectContaining({
        taskId: 't1',
        text: 'Write',
        pushToken: s.transitions.task.push_token,
      }),
    );
    expect(s.release).toHaveBeenCalled();
  });

  it('queues a task still pending (its request has not marked it yet) in the same step as it starts', async () => {
    const s = setup({ status: 'pending' });
    await expect(s.runner.run(s.job)).resolves.toMatchObject({ status: 'completed' });
    expect(s.transitions.events.map((e) => e.type)).toEqual([
      'queued',
      'assigned',
      'in_progress',
      'completed',
    ]);
    expect(s.transitions.events[0]!.data).toEqual({ by: 'worker' });
    expect(s.transitions.applyAlone).toHaveBeenCalledTimes(2); // the chain, then the outcome
  });

  it('asks the orchestrator when the task names no VE', async () => {
    const s = setup({ veId: null });
    await s.runner.run(s.job, 'tok');
    expect(s.orchestrator.route).toHaveBeenCalledWith(
      'c1',
      expect.objectContaining({ taskId: 't1', title: 'Write' }),
    );
    expect(s.transitions.events[0]).toMatchObject({
      to: 'assigned',
      data: { veId: VE.id, source: 'rules' },
    });
  });

  it('does nothing for a task that is already final', async () => {
    for (const status of ['completed', 'cancelled', 'failed', 'delegated'] as const) {
      const s = setup({ status });
      const result = await s.runner.run(s.job, 'tok');
      expect(result.skipped).toBe(status);
      expect(s.gateway.invokeAgent).not.toHaveBeenCalled();
    }
  });

  it('bills usage the gateway could not record in the transaction that completes the task', async () => {
    const usage = {
      customerId: 'c1',
      veId: VE.id,
      taskId: 't1',
      model: 'gpt-4o-mini',
      inputTokens: 3,
      outputTokens: 4,
      source: 'a2a' as const,
      sourceEventId: 'a2a:x:task',
      occurredAt: new Date(),
    };
    const s = setup({
      outcome: {
        kind: 'completed',
        text: 'ok',
        artifacts: [],
        usage: [usage],
        unrecordedUsage: [usage],
      },
    });
    await s.runner.run(s.job, 'tok');
    expect(s.transitions.task.status).toBe('completed');
    expect(s.billing.recordUsage).toHaveBeenCalledWith(usage, 'trx');
    expect(s.transitions.applyAlone).not.toHaveBeenCalledWith(expect.anything(), [
      expect.objectContaining({ to: 'completed' }),
    ]);
  });

  it('leaves billing alone when the gateway recorded the usage', async () => {
    const s = setup();
    await s.runner.run(s.job, 'tok');
    expect(s.billing.recordUsage).not.toHaveBeenCalled();
  });

  it('starts over a task left in progress by a run that died', async () => {
    const s = setup({ status: 'in_progress' });
    await s.runner.run(s.job, 'tok');
    expect(s.transitions.events.map((e) => e.type)).toEqual([
      'requeued',
      'assigned',
      'in_progress',
      'completed',
    ]);
  });

  it('holds a task while the budget is hard-stopped: still queued, job delayed, one budget_hold entry', async () => {
    const s = setup({ canRun: false });
    await expect(s.runner.run(s.job, 'tok')).rejects.toBeInstanceOf(DelayedError);
    expect(s.job.moveToDelayed).toHaveBeenCalledWith(expect.any(Number), 'tok');
    expect(s.transitions.task.status).toBe('queued');
    expect(s.transitions.events).toEqual([expect.objectContaining({ type: 'budget_hold' })]);
    expect(s.gateway.invokeAgent).not.toHaveBeenCalled();
  });

  it('puts a task back when its customer is at the concurrency cap', async () => {
    const s = setup({ slot: false });
    await expect(s.runner.run(s.job, 'tok')).rejects.toBeInstanceOf(DelayedError);
    expect(s.job.moveToDelayed).toHaveBeenCalled();
    expect(s.gateway.invokeAgent).not.toHaveBeenCalled();
  });

  it('requeues on an unreachable agent while attempts remain, and rethrows for BullMQ to back off', async () => {
    const s = setup({ outcome: new AgentUnavailableError('connection refused') });
    await expect(s.runner.run(s.job, 'tok')).rejects.toBeInstanceOf(AgentUnavailableError);
    expect(s.transitions.task.status).toBe('queued');
    expect(s.transitions.events.at(-1)).toMatchObject({
      type: 'requeued',
      data: { attempt: 1, of: 3 },
    });
  });

  it('fails the task on the last attempt, with the reason', async () => {
    const s = setup({ outcome: new AgentUnavailableError('connection refused') });
    (s.job as { attemptsMade: number }).attemptsMade = 2;
    await expect(s.runner.run(s.job, 'tok')).rejects.toBeInstanceOf(AgentUnavailableError);
    expect(s.transitions.task.status).toBe('failed');
    expect(s.transitions.task.error).toContain('connection refused');
  });

  it("fails the task on the agent's own failure without retrying", async () => {
    const s = setup({
      outcome: { kind: 'failed', reason: 'cannot do', a2aState: 'failed', usage: [] },
    });
    await expect(s.runner.run(s.job, 'tok')).rejects.toBeInstanceOf(UnrecoverableError);
    expect(s.transitions.task).toMatchObject({ status: 'failed', error: 'cannot do' });
  });

  it('fails a task no VE can take without retrying', async () => {
    const s = setup({ veId: null });
    s.orchestrator.route.mockRejectedValueOnce(new NotFoundError('ready VE'));
    await expect(s.runner.run(s.job, 'tok')).rejects.toBeInstanceOf(UnrecoverableError);
    expect(s.transitions.task.status).toBe('failed');
  });

  it('keeps the task in progress and messages the customer when the agent needs input', async () => {
    const s = setup({
      outcome: { kind: 'input-required', message: 'Which date?', a2aTaskId: 'a2a-1', usage: [] },
    });
    const result = await s.runner.run(s.job, 'tok');
    expect(result.status).toBe('in_progress');
    expect(s.messages.recordFromVe).toHaveBeenCalledWith(
      'c1',
      expect.objectContaining({
        veId: VE.id,
        taskId: 't1',
        content: 'Which date?',
        sourceEventId: expect.stringContaining('input-required'),
      }),
      'trx',
    );
  });

  it('returns quietly when a cancel aborted the agent call', async () => {
    const s = setup();
    const abort = new AbortController();
    s.gateway.invokeAgent.mockImplementationOnce(async () => {
      s.transitions.task.status = 'cancelled';
      abort.abort();
      throw new Error('aborted');
    });
    const result = await s.runner.run(s.job, 'tok', abort.signal);
    expect(result).toMatchObject({ status: 'cancelled', skipped: expect.any(String) });
  });
});
