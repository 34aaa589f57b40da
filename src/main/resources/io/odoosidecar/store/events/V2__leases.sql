-- Leased claims, for several sidecars on one PostgreSQL: which instance works on an event (status
-- running), the claim it came in (a late settle of an earlier claim is ignored) and when the lease
-- ends unless the instance's heartbeat extends it; an expired lease is taken over by the next
-- claim. The embedded H2 store (one instance) keeps its claims in memory and leaves them empty.
ALTER TABLE sidecar_event ADD COLUMN IF NOT EXISTS lease_owner VARCHAR(255);
ALTER TABLE sidecar_event ADD COLUMN IF NOT EXISTS lease_claim BIGINT;
-- epoch milliseconds: the same instant whatever the time zone of the instance that wrote it
ALTER TABLE sidecar_event ADD COLUMN IF NOT EXISTS lease_expires_ms BIGINT;
-- the unfinished events in id order, as a claim walks them (it stops at its batch's size)
CREATE INDEX IF NOT EXISTS sidecar_event_claim ON sidecar_event (status, id);
