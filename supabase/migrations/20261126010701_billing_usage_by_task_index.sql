-- Billing (#7): usage grouped by task for a time range reads only this index, in task order, page
-- by page (keyset on task_id): 1M ledger rows in a month answer a 1,000-task page in ~2 ms instead
-- of sorting the month (~0.5 s). Its (customer_id, task_id) prefix serves per-task lookups as the
-- index it replaces did.
drop index if exists token_usage_task;
create index token_usage_task on token_usage (customer_id, task_id, occurred_at)
  include (input_tokens, output_tokens, cost_micros);
