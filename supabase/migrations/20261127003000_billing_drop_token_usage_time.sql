-- Issue 10: every ledger row paid for an index no query reads. Usage by day, VE and model comes from
-- the usage_daily rollups; by task (and the "no task" row) from token_usage_task, whose
-- (customer_id, task_id, occurred_at) key covers the time range; duplicates from the unique
-- (customer_id, source_event_id). token_usage_time (customer_id, occurred_at) was pure write cost.
drop index if exists token_usage_time;
