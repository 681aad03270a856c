import type { VeStatus } from '../database/database.types';

/** The event types an agent may report (API.md, Webhooks). */
export const WEBHOOK_EVENT_TYPES = [
  'task_update',
  'message_send',
  'agent_status',
  'delegation',
  'error',
  'token_usage',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** Stored in webhook_events.event_type for A2A push notifications (no agent-chosen type). */
export const A2A_PUSH_EVENT_TYPE = 'a2a_push';

export const TASK_UPDATE_STATUSES = ['in_progress', 'completed', 'failed'] as const;
export type TaskUpdateStatus = (typeof TASK_UPDATE_STATUSES)[number];

export interface UsageReport {
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** The agent's own id for this usage (counted once across callback and A2A metadata); else derived from the webhook-id. */
  eventId?: string;
}

export interface DelegationReport {
  toVeId?: string;
  toAgent?: string;
  title: string;
  description?: string;
}

/** A validated, camelCase agent callback, as stored in webhook_events.payload and applied by the processor. */
export interface AgentCallback {
  eventType: WebhookEventType;
  customerId: string;
  taskId?: string;
  /** Resolved from agentName at acceptance when only the name was sent. */
  veId?: string;
  agentName?: string;
  /** task_update: in_progress|completed|failed; agent_status: a VE status. */
  status?: string;
  result?: string | { text: string; artifacts?: unknown[] };
  error?: string;
  message?: string;
  delegation?: DelegationReport;
  usage?: UsageReport;
  metadata?: Record<string, unknown>;
  occurredAt?: string;
}

/** What an A2A push notification says about a platform task, once parsed (0.3 Task or 1.0 StreamResponse). */
export interface A2aPushUpdate {
  /** The platform task id when the push names it (contextId or metadata.taskId). */
  platformTaskId?: string;
  /** The agent's own task id. */
  a2aTaskId?: string;
  /** The A2A task state in 0.3 spelling (completed, working, input-required...), or undefined for artifact-only updates. */
  state?: string;
  /** Text of the status message and artifacts. */
  text?: string;
  artifacts?: unknown[];
  usage?: UsageReport;
}

/** Stored payload of an accepted A2A push: the parsed update plus the task it was matched to. */
export interface A2aPushEvent {
  eventType: typeof A2A_PUSH_EVENT_TYPE;
  customerId: string;
  taskId: string;
  veId?: string;
  update: A2aPushUpdate;
}

export type StoredWebhookPayload = AgentCallback | A2aPushEvent;

/** Agents report their own state in a few dialects; each maps onto a VE status. */
export const AGENT_STATUS_ALIASES: Record<string, VeStatus> = {
  ready: 'ready',
  online: 'ready',
  idle: 'ready',
  busy: 'ready',
  available: 'ready',
  degraded: 'degraded',
  error: 'degraded',
  failed: 'failed',
  stopped: 'stopped',
  offline: 'stopped',
  deploying: 'deploying',
  starting: 'deploying',
};

/** The source id under which billing counts the usage of a webhook, unless the agent names its own. */
export function usageEventId(webhookId: string, usage: UsageReport): string {
  return usage.eventId ?? `wh:${webhookId}`;
}
