-- The webhooks sweeper looks for accepted events and pending deliveries whose job was lost;
-- partial indexes keep that scan small however many applied rows accumulate.
create index if not exists webhook_events_accepted on webhook_events (received_at) where status = 'accepted';
create index if not exists webhook_deliveries_pending on webhook_deliveries (created_at) where status = 'pending';
