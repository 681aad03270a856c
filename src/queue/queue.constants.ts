import type { DefaultJobOptions } from 'bullmq';

/** Every queue of the platform; Bull Board and metrics list exactly these. */
export const QUEUES = {
  tasks: 'tasks',
  webhooks: 'webhooks',
  messages: 'messages',
  deployments: 'deployments',
  monitoring: 'monitoring',
  outbound: 'outbound-webhooks',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES: QueueName[] = Object.values(QUEUES);

/** BullMQ priorities: lower runs sooner; 0 would mean "no priority". */
export const PRIORITY = { urgent: 1, high: 2, medium: 3, low: 4 } as const;
export type PriorityName = keyof typeof PRIORITY;

/** Job names on the deployments queue. */
export const DEPLOYMENT_JOBS = {
  provisionNamespace: 'provision-namespace',
  teardownNamespace: 'teardown-namespace',
  deployVe: 'deploy-ve',
  undeployVe: 'undeploy-ve',
} as const;

/** Job names on the monitoring queue (job schedulers). */
export const MONITORING_JOBS = {
  reconcileTasks: 'reconcile-tasks',
  agentHealth: 'agent-health',
} as const;

/** Retention: completed jobs kept an hour (max 10k), failed ones a week (max 50k) for inspection. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600, count: 50_000 },
};

/** Every job carries its tenant and the trace that created it. */
export interface JobEnvelope {
  customerId: string;
  traceId?: string;
}

/** Deployment jobs carry everything the Kubernetes processor needs, so it never guesses. */
export interface ProvisionNamespaceJob extends JobEnvelope {
  slug: string;
  namespace: string;
  plan: 'free' | 'pro' | 'enterprise';
}
export interface TeardownNamespaceJob extends JobEnvelope {
  namespace: string;
}
export interface DeployVeJob extends JobEnvelope {
  veId: string;
  namespace: string;
  agentName: string;
  generation: number;
}
export interface UndeployVeJob extends JobEnvelope {
  veId: string;
  namespace: string;
  agentName: string;
}

/** Job names on the messages queue. */
export const MESSAGE_JOBS = {
  deliver: 'deliver-message',
} as const;

/** Delivers one customer → VE message over A2A (job id = message id). */
export interface DeliverMessageJob extends JobEnvelope {
  messageId: string;
}

/** Job names on the webhooks queue: apply one accepted event; the periodic sweep of lost jobs. */
export const WEBHOOK_JOBS = { apply: 'apply', reconcile: 'reconcile' } as const;
/** An accepted inbound webhook (webhook_events row id = the webhook-id); the row holds the payload. */
export interface WebhookJob extends JobEnvelope {
  webhookId: string;
}
/** Job names on the outbound-webhooks queue. */
export const OUTBOUND_WEBHOOK_JOBS = { deliver: 'deliver' } as const;
/** One delivery of a domain event to one customer endpoint (webhook_deliveries row). */
export interface OutboundWebhookJob extends JobEnvelope {
  deliveryId: string;
}
