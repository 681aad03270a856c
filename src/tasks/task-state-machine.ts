import { ConflictError } from '../common/domain-errors';
import type { TaskStatus } from '../database/database.types';
import { FINAL_TASK_STATES } from './tasks.types';

/**
 * The one place that says which task status may follow which.
 *
 *   pending ─► queued ─► assigned ─► in_progress ─► completed | failed | cancelled
 *                                        └──► delegated ─► completed | failed | cancelled
 *
 * Besides the forward path:
 * - assigned | in_progress → queued: a run is started over (transient agent failure with attempts
 *   left, an agent error reported by callback, a worker that died mid-run);
 * - failed | cancelled → queued: a manual retry (POST /api/tasks/:id/retry);
 * - every unfinished state may be cancelled; pending | queued | assigned may fail before the agent
 *   was reached (no VE to route to, the VE is gone, the last attempt failed);
 * - completed is terminal.
 * A status "to itself" is not a transition: progress notes and repeated delegations are timeline
 * events without a status change.
 */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  pending: ['queued', 'cancelled', 'failed'],
  queued: ['assigned', 'cancelled', 'failed'],
  assigned: ['in_progress', 'queued', 'cancelled', 'failed'],
  in_progress: ['completed', 'failed', 'cancelled', 'delegated', 'queued'],
  delegated: ['completed', 'failed', 'cancelled'],
  completed: [],
  failed: ['queued'],
  cancelled: ['queued'],
};

/** States in which a task waits for a worker (what fairness counts as a customer's backlog). */
export const WAITING_STATUSES: readonly TaskStatus[] = ['pending', 'queued'];
/** States that a cancel may act on. */
export const UNFINISHED_STATUSES: readonly TaskStatus[] = [
  'pending',
  'queued',
  'assigned',
  'in_progress',
  'delegated',
];

export const TaskStateMachine = {
  canTransition(from: TaskStatus, to: TaskStatus): boolean {
    return TASK_TRANSITIONS[from].includes(to);
  },

  /** Throws ConflictError (409 through the API) for a transition the table does not allow. */
  assertTransition(from: TaskStatus, to: TaskStatus): void {
    if (!TaskStateMachine.canTransition(from, to)) {
      throw new ConflictError(`A task cannot go from ${from} to ${to}`, [
        { field: 'status', problems: [`${from} → ${to}`] },
      ]);
    }
  },

  isFinal(status: TaskStatus): boolean {
    return FINAL_TASK_STATES.includes(status);
  },

  /** The statuses from which `to` can be reached (for conditional updates). */
  sourcesOf(to: TaskStatus): TaskStatus[] {
    return (Object.keys(TASK_TRANSITIONS) as TaskStatus[]).filter((from) =>
      TASK_TRANSITIONS[from].includes(to),
    );
  },
};
