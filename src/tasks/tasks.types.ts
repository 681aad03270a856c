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
