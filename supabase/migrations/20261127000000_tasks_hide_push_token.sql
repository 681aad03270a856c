-- Supabase only (plain Postgres and PGlite have no auth schema: nothing runs).
--
-- tasks.push_token authenticates the agent's A2A push notifications for a task: a member reading
-- their customer's tasks through Supabase (RLS policy tasks_member_read) must not see it.
-- Column privileges hide it: anon and authenticated may select every column of tasks except
-- push_token (Supabase's "column level security"; a client selects named columns, as `select *`
-- names push_token too). A later migration adding a column to tasks grants it here as well.
do $$
declare
  cols text;
begin
  if exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'auth' and p.proname = 'uid')
     and exists (select 1 from pg_roles where rolname = 'authenticated') then
    select string_agg(quote_ident(column_name), ', ' order by ordinal_position) into cols
      from information_schema.columns
     where table_schema = 'public' and table_name = 'tasks' and column_name <> 'push_token';
    execute 'revoke select on public.tasks from authenticated';
    execute format('grant select (%s) on public.tasks to authenticated', cols);
    if exists (select 1 from pg_roles where rolname = 'anon') then
      execute 'revoke select on public.tasks from anon';
    end if;
  end if;
end
$$;
