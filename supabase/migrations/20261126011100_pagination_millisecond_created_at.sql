-- Keyset cursors carry JS Dates (millisecond precision). A row stamped with now()'s microseconds
-- compares unequal to its own cursor, so a page boundary repeats rows (ascending lists loop) or
-- skips them (descending lists stop early). 20261126010200 cut the tenancy tables' stamps to the
-- millisecond; this does the same for every other keyset-paged table, so the database alone keeps
-- stamps and cursors exact, whichever code path inserts the row. A new paged table needs the same
-- default: test/foundation/keyset-pagination.e2e-spec.ts checks every table with a (created_at, id) index.
do $$
declare
  t text;
begin
  foreach t in array array['tasks', 'messages', 'webhook_endpoints', 'webhook_deliveries'] loop
    execute format(
      'alter table %I alter column created_at set default date_trunc(''milliseconds'', now())', t);
  end loop;
  -- Rows stored already (tenancy rows from before 20261126010200 too) are cut, so their lists page exactly.
  foreach t in array array['customers', 'customer_members', 'api_keys', 've_templates', 'ves',
                           'tasks', 'messages', 'webhook_endpoints', 'webhook_deliveries'] loop
    execute format(
      'update %I set created_at = date_trunc(''milliseconds'', created_at)
         where created_at <> date_trunc(''milliseconds'', created_at)', t);
  end loop;
end
$$;
