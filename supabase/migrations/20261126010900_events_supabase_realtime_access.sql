-- Supabase only (plain Postgres and PGlite have neither the auth nor the realtime schema: nothing runs).
--
-- 1. Supabase grants anon and authenticated every privilege on public tables through its Data API;
--    a table without row-level security is open to anyone holding the anon key (API key hashes,
--    webhook secrets...). Every platform table gets RLS: no policy = no access, except the
--    member-read policies of the initial schema (tasks, messages, ves). The backend connects as
--    the tables' owner, which RLS does not restrict. A later migration adding a table must enable
--    RLS on it too.
-- 2. The backend broadcasts domain events on the private Realtime channel `customer:<id>`;
--    Realtime admits a subscriber to a private channel only if a policy on realtime.messages
--    lets it select: here, members of that customer.
do $$
declare
  t record;
begin
  if exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'auth' and p.proname = 'uid') then
    for t in select tablename from pg_tables where schemaname = 'public' loop
      execute format('alter table public.%I enable row level security', t.tablename);
    end loop;
  end if;

  if to_regclass('realtime.messages') is not null
     and exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname = 'realtime' and p.proname = 'topic') then
    -- Security definer: customer_members has RLS without policies, so members cannot read it directly.
    execute 'create or replace function public.is_member_of_topic(topic text) returns boolean
      language sql stable security definer set search_path = public as
      $f$ select exists (select 1 from customer_members m
                         where m.user_id = (select auth.uid()) and ''customer:'' || m.customer_id::text = topic) $f$';
    execute 'create policy customer_channel_members_receive on realtime.messages for select to authenticated
      using (realtime.messages.extension = ''broadcast'' and public.is_member_of_topic((select realtime.topic())))';
  end if;
end
$$;
