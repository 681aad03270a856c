import type { Queue } from 'bullmq';
import { JobSchedulerKeeper, SCHEDULE_CHECK_MS } from './job-scheduler-keeper';

/** A queue whose Redis can lose the schedule (or be down) on demand. */
function fakeQueue() {
  const state = { stored: false, down: false };
  const queue = {
    upsertJobScheduler: jest.fn(async () => {
      if (state.down) throw new Error('connect ECONNREFUSED');
      state.stored = true;
    }),
    getJobScheduler: jest.fn(async () => {
      if (state.down) throw new Error('connect ECONNREFUSED');
      return state.stored ? { key: 'sweep' } : undefined;
    }),
  };
  return { queue, state };
}

describe('JobSchedulerKeeper', () => {
  let keeper: JobSchedulerKeeper;
  beforeEach(() => {
    jest.useFakeTimers();
    keeper = new JobSchedulerKeeper();
  });
  afterEach(() => {
    keeper.onApplicationShutdown();
    jest.useRealTimers();
  });

  const schedule = (queue: unknown) => ({
    queue: queue as Queue,
    id: 'sweep',
    every: 30_000,
    job: { name: 'reconcile', data: {} },
  });

  it('creates the schedule at once', async () => {
    const { queue, state } = fakeQueue();
    await keeper.keep(schedule(queue));
    expect(queue.upsertJobScheduler).toHaveBeenCalledWith(
      'sweep',
      { every: 30_000 },
      { name: 'reconcile', data: {}, opts: undefined },
    );
    expect(state.stored).toBe(true);
  });

  it('re-creates it when Redis lost it, and leaves it alone while it is there', async () => {
    const { queue, state } = fakeQueue();
    await keeper.keep(schedule(queue));
    await jest.advanceTimersByTimeAsync(SCHEDULE_CHECK_MS);
    expect(queue.upsertJobScheduler).toHaveBeenCalledTimes(1);
    state.stored = false; // a flush, or a restart without persistence
    await jest.advanceTimersByTimeAsync(SCHEDULE_CHECK_MS);
    expect(queue.upsertJobScheduler).toHaveBeenCalledTimes(2);
    expect(state.stored).toBe(true);
  });

  it('starts without Redis and creates the schedule once Redis answers', async () => {
    const { queue, state } = fakeQueue();
    state.down = true;
    await expect(keeper.keep(schedule(queue))).resolves.toBeUndefined();
    await jest.advanceTimersByTimeAsync(SCHEDULE_CHECK_MS);
    expect(state.stored).toBe(false);
    state.down = false;
    await jest.advanceTimersByTimeAsync(SCHEDULE_CHECK_MS);
    expect(state.stored).toBe(true);
  });

  it('does not wait for a Redis never reached since boot, nor pile up checks behind it', async () => {
    // BullMQ holds a queue's commands until its first connection: they neither resolve nor fail.
    let connect!: () => void;
    const reached = new Promise<void>((resolve) => (connect = resolve));
    const { queue, state } = fakeQueue();
    const upsert = queue.upsertJobScheduler.getMockImplementation()!;
    queue.upsertJobScheduler.mockImplementation(async () => {
      await reached;
      return upsert();
    });
    await expect(keeper.keep(schedule(queue))).resolves.toBeUndefined();
    await jest.advanceTimersByTimeAsync(SCHEDULE_CHECK_MS * 5);
    expect(queue.upsertJobScheduler).toHaveBeenCalledTimes(1);
    expect(queue.getJobScheduler).not.toHaveBeenCalled();
    connect();
    await jest.advanceTimersByTimeAsync(0);
    expect(state.stored).toBe(true);
    await jest.advanceTimersByTimeAsync(SCHEDULE_CHECK_MS);
    expect(queue.getJobScheduler).toHaveBeenCalledTimes(1);
  });
});
