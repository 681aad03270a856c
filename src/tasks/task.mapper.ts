import type { TaskEventRow, TaskRow, TaskStatus } from '../database/database.types';
import type { Task, TaskEvent, TaskResult } from './tasks.types';

/** The columns the API shows: what lists select (the others are internal, and cost parsing). */
export const TASK_VIEW_COLUMNS = [
  'id',
  'customer_id',
  'title',
  'description',
  'priority',
  'status',
  've_id',
  'parent_task_id',
  'input',
  'result',
  'error',
  'attempts',
  'created_at',
  'updated_at',
  'completed_at',
] as const satisfies ReadonlyArray<keyof TaskRow>;

export type TaskViewRow = Pick<TaskRow, (typeof TASK_VIEW_COLUMNS)[number]>;

/** A task row as the API shows it (API.md); the push token and A2A ids stay inside. */
export function toTask(row: TaskViewRow): Task {
  return {
    id: row.id,
    customerId: row.customer_id,
    title: row.title,
    description: row.description,
    priority: row.priority,
    status: row.status,
    veId: row.ve_id,
    parentTaskId: row.parent_task_id,
    input: (row.input as Record<string, unknown> | null) ?? null,
    result: (row.result as TaskResult | null) ?? null,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    completedAt: row.completed_at ? row.completed_at.toISOString() : null,
  };
}

export function toTaskEvent(row: TaskEventRow): TaskEvent {
  return {
    id: row.id,
    type: row.type,
    fromStatus: row.from_status as TaskStatus | null,
    toStatus: row.to_status as TaskStatus | null,
    data: (row.data as Record<string, unknown> | null) ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** An agent's result (plain text or a structured one) in the stored shape `{ text, artifacts? }`. */
export function toTaskResult(
  result: string | TaskResult | undefined,
  artifacts?: unknown[],
): TaskResult {
  const base: TaskResult =
    typeof result === 'string' ? { text: result } : result ? { ...result } : { text: '' };
  if (typeof base.text !== 'string') base.text = String(base.text ?? '');
  if (artifacts && artifacts.length) base.artifacts = artifacts;
  return base;
}
