import type { TaskPriority } from '../database/database.types';
import { PRIORITY } from '../queue/queue.constants';

/** BullMQ accepts priorities up to 2^21; bands beyond this one share the last band. */
const MAX_BAND = 100_000;
const LEVELS = Object.keys(PRIORITY).length;

/**
 * Fairness between customers, part 1 (part 2 is CustomerSlots): a task's BullMQ priority is
 * its level (urgent 1 … low 4) inside a band that grows with its customer's backlog at enqueue
 * time: band = floor(tasks of this customer already waiting at this level or a more urgent one
 * / tierSize), priority = band × 4 + level. A customer's first `tierSize` waiting tasks share
 * band 0 with every other customer's first ones; a burst of thousands lands in later bands, so
 * another customer's new work overtakes it after at most `tierSize` of the burst's tasks.
 * Within one customer the levels still hold: an urgent task only counts urgent ones ahead of it.
 */
export function fairPriority(level: TaskPriority, waitingAhead: number, tierSize: number): number {
  const band = Math.min(Math.floor(Math.max(0, waitingAhead) / tierSize), MAX_BAND);
  return band * LEVELS + PRIORITY[level];
}

/** The customer's waiting tasks at `level` or a more urgent one. */
export function waitingAtOrAbove(
  backlog: Partial<Record<TaskPriority, number>>,
  level: TaskPriority,
): number {
  return (Object.keys(PRIORITY) as TaskPriority[])
    .filter((p) => PRIORITY[p] <= PRIORITY[level])
    .reduce((sum, p) => sum + (backlog[p] ?? 0), 0);
}

/**
 * Priorities for a batch of new tasks of one customer, in order: each counts the customer's
 * backlog (without the batch itself) plus the earlier tasks of the batch at its level or above.
 */
export function fairPriorities(
  levels: TaskPriority[],
  backlogWithoutBatch: Partial<Record<TaskPriority, number>>,
  tierSize: number,
): number[] {
  const seen: Partial<Record<TaskPriority, number>> = { ...backlogWithoutBatch };
  return levels.map((level) => {
    const priority = fairPriority(level, waitingAtOrAbove(seen, level), tierSize);
    seen[level] = (seen[level] ?? 0) + 1;
    return priority;
  });
}
