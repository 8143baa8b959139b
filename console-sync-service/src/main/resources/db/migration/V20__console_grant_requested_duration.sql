-- How long a DBA asked for: the console shows it beside a pending request, for
-- the person who approves or denies it.
ALTER TABLE console_grant ADD COLUMN requested_seconds bigint;
