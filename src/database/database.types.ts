import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = ColumnType<unknown, string | undefined | null, string | null>;
type JsonNotNull = ColumnType<unknown, string | undefined, string>;

export interface CustomersTable {
  id: Generated<string>;
  name: string;
  slug: string;
  namespace: string;
  plan: Generated<'free' | 'pro' | 'enterprise'>;
  status: Generated<'provisioning' | 'active' | 'failed' | 'deleting' | 'deleted'>;
  status_reason: string | null;
  manifests: Json;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CustomerMembersTable {
  id: Generated<string>;
  customer_id: string;
  user_id: string;
  email: string | null;
  role: 'owner' | 'admin' | 'member';
  created_at: CreatedAt;
}

export interface ApiKeysTable {
  id: Generated<string>;
  customer_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: CreatedAt;
}

export interface VeTemplatesTable {
  id: Generated<string>;
  slug: string;
  name: string;
  role: string;
  department: string;
  description: Generated<string>;
  system_prompt: Generated<string>;
  skills: Generated<string[]>;
  tools: Generated<string[]>;
  model: string;
  /** numeric(10,2): the drivers return it as a string. */
  monthly_price: ColumnType<string, string | number, string | number>;
  search: ColumnType<unknown, never, never>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type VeStatus = 'deploying' | 'ready' | 'degraded' | 'failed' | 'stopped';

export interface VesTable {
  id: Generated<string>;
  customer_id: string;
  template_id: string | null;
  name: string;
  role: string;
  department: Generated<string>;
  agent_name: string;
  namespace: string;
  system_prompt: Generated<string>;
  model: string;
  skills: Generated<string[]>;
  tools: Generated<string[]>;
  agent_url: string | null;
  manager_id: string | null;
  status: Generated<VeStatus>;
  status_reason: string | null;
  conditions: JsonNotNull;
  manifest: Json;
  generation: Generated<number>;
  deployed_generation: number | null;
  deleted_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type TaskStatus =
  | 'pending'
  | 'queued'
  | 'assigned'
  | 'in_progress'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'delegated';
export type TaskPriority = 'urgent' | 'high' | 'medium' | 'low';

export interface TasksTable {
  id: Generated<string>;
  customer_id: string;
  title: string;
  description: string | null;
  priority: Generated<TaskPriority>;
  status: Generated<TaskStatus>;
  ve_id: string | null;
  parent_task_id: string | null;
  input: Json;
  result: Json;
  error: string | null;
  attempts: Generated<number>;
  idempotency_key: string | null;
  trace_id: string | null;
  a2a_task_id: string | null;
  push_token: string | null;
  metadata: Json;
  started_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  completed_at: Date | null;
}

export interface TaskEventsTable {
  id: Generated<number>;
  task_id: string;
  customer_id: string;
  type: string;
  from_status: string | null;
  to_status: string | null;
  data: Json;
  created_at: CreatedAt;
}

export interface MessagesTable {
  id: Generated<string>;
  customer_id: string;
  ve_id: string;
  task_id: string | null;
  direction: 'to_ve' | 'from_ve';
  content: string;
  status: Generated<'stored' | 'queued' | 'delivered' | 'failed'>;
  source_event_id: string | null;
  read_at: Date | null;
  created_at: CreatedAt;
}

export interface ModelPricingTable {
  model: string;
  provider: string;
  input_micros_per_mtok: number;
  output_micros_per_mtok: number;
  updated_at: Timestamp;
}

export interface TokenUsageTable {
  id: Generated<string>;
  customer_id: string;
  ve_id: string | null;
  task_id: string | null;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_micros: number;
  fallback_price: Generated<boolean>;
  source: string;
  source_event_id: string;
  occurred_at: Timestamp;
  created_at: CreatedAt;
}

export interface UsageDailyTable {
  customer_id: string;
  /** A `date` column, returned as 'YYYY-MM-DD'. */
  day: string;
  ve_id: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_micros: number;
  events: number;
}

export interface BudgetsTable {
  customer_id: string;
  monthly_limit_micros: number;
  hard_stop: boolean;
  updated_at: Timestamp;
}

export interface BudgetAlertsTable {
  customer_id: string;
  period: string;
  threshold: number;
  created_at: CreatedAt;
}

export interface WebhookEventsTable {
  id: string;
  customer_id: string;
  event_type: string;
  payload: JsonNotNull;
  status: Generated<'accepted' | 'applied' | 'ignored' | 'failed'>;
  error: string | null;
  received_at: CreatedAt;
  applied_at: Date | null;
}

export interface WebhookEndpointsTable {
  id: Generated<string>;
  customer_id: string;
  url: string;
  events: Generated<string[]>;
  secret: string;
  description: string | null;
  deleted_at: Date | null;
  created_at: CreatedAt;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  endpoint_id: string;
  customer_id: string;
  event_id: string;
  event_type: string;
  payload: JsonNotNull;
  status: Generated<'pending' | 'succeeded' | 'failed'>;
  attempts: Generated<number>;
  response_status: number | null;
  error: string | null;
  created_at: CreatedAt;
  delivered_at: Date | null;
}

export interface Database {
  customers: CustomersTable;
  customer_members: CustomerMembersTable;
  api_keys: ApiKeysTable;
  ve_templates: VeTemplatesTable;
  ves: VesTable;
  tasks: TasksTable;
  task_events: TaskEventsTable;
  messages: MessagesTable;
  model_pricing: ModelPricingTable;
  token_usage: TokenUsageTable;
  usage_daily: UsageDailyTable;
  budgets: BudgetsTable;
  budget_alerts: BudgetAlertsTable;
  webhook_events: WebhookEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type CustomerRow = Selectable<CustomersTable>;
export type VeRow = Selectable<VesTable>;
export type NewVe = Insertable<VesTable>;
export type VeUpdate = Updateable<VesTable>;
export type VeTemplateRow = Selectable<VeTemplatesTable>;
export type TaskRow = Selectable<TasksTable>;
export type NewTask = Insertable<TasksTable>;
export type TaskEventRow = Selectable<TaskEventsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type TokenUsageRow = Selectable<TokenUsageTable>;
