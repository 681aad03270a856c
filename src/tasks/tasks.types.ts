import type { TaskPriority, TaskStatus } from '../database/database.types';

export const FINAL_TASK_STATES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];

/** A task as the API shows it (API.md). */
export interface Task {
  id: string;
  customerId: string;
  title: string;
  description: string | null;
  priority: TaskPriority;
  status: TaskStatus;
  veId: string | null;
  parentTaskId: string | null;
  input: Record<string, unknown> | null;
  result: TaskResult | null;
  error: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface TaskResult {
  text: string;
  artifacts?: unknown[];
  [key: string]: unknown;
}

/** An update about a task reported by an agent (callback, A2A push, or a synchronous reply). */
export interface AgentTaskUpdate {
  status: 'in_progress' | 'completed' | 'failed';
  result?: string | TaskResult;
  error?: string;
  /** Where it came from, for the timeline: 'a2a', 'callback', 'push'. */
  source: string;
  /** The webhook-id or event id, recorded on the timeline. */
  eventId?: string;
}

export interface DelegationRequest {
  parentTaskId: string;
  fromVeId: string;
  /** The target: a VE id or the agent name of one. */
  toVeId?: string;
  toAgent?: string;
  title: string;
  description?: string;
  eventId?: string;
}

/** One entry of a task's timeline (task_events). */
export interface TaskEvent {
  id: number;
  type: string;
  fromStatus: TaskStatus | null;
  toStatus: TaskStatus | null;
  data: Record<string, unknown> | null;
  createdAt: string;
}

/** GET /api/tasks/:id: the task with its timeline. */
export interface TaskDetail extends Task {
  events: TaskEvent[];
}

/** Data of a job on the `tasks` queue (job id = task id). */
export interface TaskJobData {
  taskId: string;
  customerId: string;
  traceId?: string;
}

/** What a task job returns (shown in Bull Board). */
export interface TaskJobResult {
  taskId: string;
  status: TaskStatus;
  /** Why nothing ran: the task was already final, cancelled, delegated, or changed under the run. */
  skipped?: string;
}
