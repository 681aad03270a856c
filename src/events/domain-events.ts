/** The domain events of the platform (one place for their names). */
export const DOMAIN_EVENTS = [
  'task.updated',
  'task.completed',
  'message.created',
  /** A message's delivery status or read time changed. */
  'message.updated',
  've.status',
  'usage.recorded',
  'budget.exceeded',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENTS)[number];

export interface DomainEvent {
  type: DomainEventType;
  customerId: string;
  /** ISO-8601 time of the change. */
  at: string;
  taskId?: string;
  veId?: string;
  messageId?: string;
  traceId?: string;
  /** Event-specific fields (status, result, tokens...). */
  data?: Record<string, unknown>;
}

export type NewDomainEvent = Omit<DomainEvent, 'at'> & { at?: string };
