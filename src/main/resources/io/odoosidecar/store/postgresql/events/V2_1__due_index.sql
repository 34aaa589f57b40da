-- The pending events in id order, as a claim walks them: an index of those alone, so that a claim
-- does not walk the events done that the log keeps until its purge (PostgreSQL chose the primary
-- key for the claim's ORDER BY id and read every event done before the first pending one). H2
-- cannot make a partial index, and its claims, kept in memory, do not need one.
CREATE INDEX IF NOT EXISTS sidecar_event_due ON sidecar_event (id) WHERE status = 'pending';
