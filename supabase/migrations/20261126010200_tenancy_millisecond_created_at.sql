-- Keyset cursors carry JS Dates (millisecond precision). Rows stamped with now()'s microseconds
-- would compare unequal to their own cursor, repeating or skipping rows at a page boundary;
-- stamping these tenancy tables at millisecond precision keeps every cursor exact.
alter table customers alter column created_at set default date_trunc('milliseconds', now());
alter table customer_members alter column created_at set default date_trunc('milliseconds', now());
alter table api_keys alter column created_at set default date_trunc('milliseconds', now());
alter table ve_templates alter column created_at set default date_trunc('milliseconds', now());
alter table ves alter column created_at set default date_trunc('milliseconds', now());
