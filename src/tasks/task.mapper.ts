import { sql } from 'kysely';
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

/** A time as the API shows it (ISO 8601, UTC, milliseconds), formatted by Postgres. */
const isoUtc = (column: 'created_at' | 'updated_at' | 'completed_at') =>
  sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * What lists select: TASK_VIEW_COLUMNS with the times as the API shows them. A page of 50 tasks
 * otherwise parses 150 timestamps into Dates only to format them back (with the garbage, about a
 * sixth of a `GET /api/tasks` in bench/). The aliases keep the column names, so an ORDER BY of
 * the time columns must name the table (`tasks.created_at`), or it would sort by the text.
 */
export const TASK_LIST_SELECTION = [
  ...TASK_VIEW_COLUMNS.filter(
    (
      c,
    ): c is Exclude<
      (typeof TASK_VIEW_COLUMNS)[number],
      'created_at' | 'updated_at' | 'completed_at'
    > => c !== 'created_at' && c !== 'updated_at' && c !== 'completed_at',
  ),
  isoUtc('created_at').as('created_at'),
  isoUtc('updated_at').as('updated_at'),
  isoUtc('completed_at').as('completed_at'),
];

/** A task row as lists read it (TASK_LIST_SELECTION). */
export type TaskListRow = Omit<TaskViewRow, 'created_at' | 'updated_at' | 'completed_at'> & {
  created_at: string;
  updated_at: string;
  completed_at: string | null;
};

const iso = (at: Date | string): string => (typeof at === 'string' ? at : at.toISOString());

/** A task row as the API shows it (API.md); the push token and A2A ids stay inside. */
export function toTask(row: TaskViewRow | TaskListRow): Task {
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
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    completedAt: row.completed_at ? iso(row.completed_at) : null,
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
