import { ConflictError } from '../common/domain-errors';
import type { TaskStatus } from '../database/database.types';
import { TASK_TRANSITIONS, TaskStateMachine } from './task-state-machine';

const ALL = Object.keys(TASK_TRANSITIONS) as TaskStatus[];

describe('TaskStateMachine', () => {
  it('follows the forward path pending → queued → assigned → in_progress → completed', () => {
    const path: TaskStatus[] = ['pending', 'queued', 'assigned', 'in_progress', 'completed'];
    for (let i = 1; i < path.length; i++)
      expect(TaskStateMachine.canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it('refuses completed → in_progress', () => {
    expect(TaskStateMachine.canTransition('completed', 'in_progress')).toBe(false);
    expect(() => TaskStateMachine.assertTransition('completed', 'in_progress')).toThrow(
      ConflictError,
    );
  });

  it('makes completed terminal', () => {
    for (const to of ALL) expect(TaskStateMachine.canTransition('completed', to)).toBe(false);
  });

  it('lets failed and cancelled tasks be retried (→ queued) and nothing else', () => {
    for (const from of ['failed', 'cancelled'] as const) {
      expect(ALL.filter((to) => TaskStateMachine.canTransition(from, to))).toEqual(['queued']);
    }
  });

  it('starts a run over only from assigned or in_progress (→ queued)', () => {
    expect(TaskStateMachine.sourcesOf('queued').sort()).toEqual([
      'assigned',
      'cancelled',
      'failed',
      'in_progress',
      'pending',
    ]);
  });

  it('delegates only a running task, and a delegated one ends only in a final state', () => {
    expect(TaskStateMachine.sourcesOf('delegated')).toEqual(['in_progress']);
    expect([...TASK_TRANSITIONS.delegated].sort()).toEqual(['cancelled', 'completed', 'failed']);
  });

  it('completes only a task an agent worked on', () => {
    expect(TaskStateMachine.sourcesOf('completed').sort()).toEqual(['delegated', 'in_progress']);
  });

  it('can cancel every unfinished task', () => {
    for (const from of ['pending', 'queued', 'assigned', 'in_progress', 'delegated'] as const) {
      expect(TaskStateMachine.canTransition(from, 'cancelled')).toBe(true);
    }
  });

  it('never lists a status as a transition to itself', () => {
    for (const s of ALL) expect(TaskStateMachine.canTransition(s, s)).toBe(false);
  });

  it('names the refused transition in the 409', () => {
    try {
      TaskStateMachine.assertTransition('queued', 'completed');
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as ConflictError).status).toBe(409);
      expect((err as Error).message).toContain('queued to completed');
    }
  });

  it('knows the final states', () => {
    expect(ALL.filter((s) => TaskStateMachine.isFinal(s)).sort()).toEqual([
      'cancelled',
      'completed',
      'failed',
    ]);
  });
});
