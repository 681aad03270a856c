-- The whole schema of the VE platform. Every tenant row carries customer_id;
-- list indexes lead with customer_id and end with (created_at, id) for keyset pagination.

create table customers (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  slug text not null unique,
  namespace text not null unique,
  plan text not null default 'free' check (plan in ('free', 'pro', 'enterprise')),
  status text not null default 'provisioning'
    check (status in ('provisioning', 'active', 'failed', 'deleting', 'deleted')),
  status_reason text,
  manifests jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index customers_page on customers (created_at, id);

create table customer_members (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references customers (id) on delete cascade,
  user_id uuid not null,
  email text,
  role text not null check (role in ('owner', 'admin', 'member')),
  created_at timestamptz not null default now(),
  unique (customer_id, user_id)
);
create index customer_members_user on customer_members (user_id);
create index customer_members_page on customer_members (customer_id, created_at, id);

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references customers (id) on delete cascade,
  name text not null,
  prefix text not null,
  key_hash text not null unique,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index api_keys_page on api_keys (customer_id, created_at, id);

create table ve_templates (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique,
  name text not null,
  role text not null,
  department text not null,
  description text not null default '',
  system_prompt text not null default '',
  skills text[] not null default '{}',
  tools text[] not null default '{}',
  model text not null,
  monthly_price numeric(10, 2) not null default 0,
  search tsvector generated always as (
    to_tsvector('english', coalesce(name, '') || ' ' || coalesce(role, '') || ' ' || coalesce(description, ''))
  ) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index ve_templates_page on ve_templates (created_at, id);
create index ve_templates_search on ve_templates using gin (search);
create index ve_templates_skills on ve_templates using gin (skills);

create table ves (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references customers (id) on delete cascade,
  template_id uuid references ve_templates (id) on delete set null,
  name text not null,
  role text not null,
  department text not null default 'general',
  agent_name text not null,
  namespace text not null,
  system_prompt text not null default '',
  model text not null,
  skills text[] not null default '{}',
  tools text[] not null default '{}',
  -- An A2A URL of the customer's own agent; null means the gateway URL from AGENT_URL_TEMPLATE.
  agent_url text,
  manager_id uuid references ves (id) on delete set null,
  status text not null default 'deploying'
    check (status in ('deploying', 'ready', 'degraded', 'failed', 'stopped')),
  status_reason text,
  conditions jsonb not null default '[]',
  manifest jsonb,
  generation integer not null default 1,
  deployed_generation integer,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index ves_agent_name on ves (customer_id, agent_name) where deleted_at is null;
create index ves_page on ves (customer_id, created_at, id);
create index ves_manager on ves (customer_id, manager_id);

create table tasks (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references customers (id) on delete cascade,
  title text not null,
  description text,
  priority text not null default 'medium' check (priority in ('urgent', 'high', 'medium', 'low')),
  status text not null default 'pending'
    check (status in ('pending', 'queued', 'assigned', 'in_progress', 'completed', 'failed', 'cancelled', 'delegated')),
  ve_id uuid references ves (id) on delete set null,
  parent_task_id uuid references tasks (id) on delete set null,
  input jsonb,
  result jsonb,
  error text,
  attempts integer not null default 0,
  idempotency_key text,
  trace_id text,
  a2a_task_id text,
  push_token text,
  metadata jsonb,
  started_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz
);
create unique index tasks_idempotency on tasks (customer_id, idempotency_key) where idempotency_key is not null;
create index tasks_page on tasks (customer_id, created_at desc, id desc);
create index tasks_status_page on tasks (customer_id, status, created_at desc, id desc);
create index tasks_ve_page on tasks (customer_id, ve_id, created_at desc, id desc);
create index tasks_parent on tasks (parent_task_id) where parent_task_id is not null;
-- The reconciler scans only unfinished tasks.
create index tasks_unfinished on tasks (status, updated_at)
  where status in ('pending', 'queued', 'assigned', 'in_progress');

create table task_events (
  id bigserial primary key,
  task_id uuid not null references tasks (id) on delete cascade,
  customer_id uuid not null,
  type text not null,
  from_status text,
  to_status text,
  data jsonb,
  created_at timestamptz not null default now()
);
create index task_events_task on task_events (task_id, id);

create table messages (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references customers (id) on delete cascade,
  ve_id uuid not null references ves (id) on delete cascade,
  task_id uuid references tasks (id) on delete set null,
  direction text not null check (direction in ('to_ve', 'from_ve')),
  content text not null,
  status text not null default 'stored' check (status in ('stored', 'queued', 'delivered', 'failed')),
  source_event_id text,
  read_at timestamptz,
  created_at timestamptz not null default now()
);
create unique index messages_source_event on messages (customer_id, source_event_id) where source_event_id is not null;
create index messages_page on messages (customer_id, created_at desc, id desc);
create index messages_ve_page on messages (customer_id, ve_id, created_at desc, id desc);

create table model_pricing (
  model text primary key,
  provider text not null,
  -- Micro-dollars per million tokens: $2.50 / 1M tokens = 2500000.
  input_micros_per_mtok bigint not null check (input_micros_per_mtok >= 0),
  output_micros_per_mtok bigint not null check (output_micros_per_mtok >= 0),
  updated_at timestamptz not null default now()
);

create table token_usage (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references customers (id) on delete cascade,
  ve_id uuid,
  task_id uuid,
  model text not null,
  input_tokens bigint not null check (input_tokens >= 0),
  output_tokens bigint not null check (output_tokens >= 0),
  cost_micros bigint not null,
  fallback_price boolean not null default false,
  source text not null,
  source_event_id text not null,
  occurred_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  unique (customer_id, source_event_id)
);
create index token_usage_time on token_usage (customer_id, occurred_at);
create index token_usage_task on token_usage (customer_id, task_id);

-- Rollups kept in the same transaction as the ledger; ve_id '00000000-...' stands for "no VE".
create table usage_daily (
  customer_id uuid not null references customers (id) on delete cascade,
  day date not null,
  ve_id uuid not null,
  model text not null,
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  cost_micros bigint not null default 0,
  events integer not null default 0,
  primary key (customer_id, day, ve_id, model)
);

create table budgets (
  customer_id uuid primary key references customers (id) on delete cascade,
  monthly_limit_micros bigint not null check (monthly_limit_micros >= 0),
  hard_stop boolean not null default false,
  updated_at timestamptz not null default now()
);

create table budget_alerts (
  customer_id uuid not null references customers (id) on delete cascade,
  period text not null,
  threshold integer not null,
  created_at timestamptz not null default now(),
  primary key (customer_id, period, threshold)
);

-- Inbound agent webhooks: the webhook-id is the idempotency key across replicas.
create table webhook_events (
  id text primary key,
  customer_id uuid not null references customers (id) on delete cascade,
  event_type text not null,
  payload jsonb not null,
  status text not null default 'accepted' check (status in ('accepted', 'applied', 'ignored', 'failed')),
  error text,
  received_at timestamptz not null default now(),
  applied_at timestamptz
);
create index webhook_events_customer on webhook_events (customer_id, received_at);

create table webhook_endpoints (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references customers (id) on delete cascade,
  url text not null,
  events text[] not null default '{}',
  secret text not null,
  description text,
  deleted_at timestamptz,
  created_at timestamptz not null default now()
);
create index webhook_endpoints_page on webhook_endpoints (customer_id, created_at, id);

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
  customer_id uuid not null,
  event_id text not null,
  event_type text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  attempts integer not null default 0,
  response_status integer,
  error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  unique (endpoint_id, event_id)
);
create index webhook_deliveries_page on webhook_deliveries (endpoint_id, created_at desc, id desc);

-- Supabase only: row-level security by membership and the Realtime publication.
-- Elsewhere (plain Postgres, PGlite) the auth schema and the publication do not exist, and this block does nothing.
do $$
begin
  if exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'auth' and p.proname = 'uid') then
    execute 'create or replace function public.is_member_of(cid uuid) returns boolean
      language sql stable security definer set search_path = public as
      $f$ select exists (select 1 from customer_members m where m.customer_id = cid and m.user_id = (select auth.uid())) $f$';
    execute 'alter table tasks enable row level security';
    execute 'alter table messages enable row level security';
    execute 'alter table ves enable row level security';
    execute 'create policy tasks_member_read on tasks for select to authenticated using (public.is_member_of(customer_id))';
    execute 'create policy messages_member_read on messages for select to authenticated using (public.is_member_of(customer_id))';
    execute 'create policy ves_member_read on ves for select to authenticated using (public.is_member_of(customer_id))';
  end if;
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    execute 'alter publication supabase_realtime add table tasks, messages, ves';
  end if;
end
$$;
