/** A message between a customer and a VE, as the API shows it (API.md). */
export interface Message {
  id: string;
  customerId: string;
  veId: string;
  taskId: string | null;
  direction: 'to_ve' | 'from_ve';
  content: string;
  /** Delivery state: `to_ve` messages go queued → delivered | failed; `from_ve` ones are stored. */
  status: 'stored' | 'queued' | 'delivered' | 'failed';
  readAt: string | null;
  createdAt: string;
}

export interface NewVeMessage {
  veId: string;
  taskId?: string | null;
  content: string;
  /** Idempotency key of the report (webhook-id, `reply:<messageId>`): one message per key. */
  sourceEventId?: string;
}

export interface MessageFilter {
  veId?: string;
  taskId?: string;
}
