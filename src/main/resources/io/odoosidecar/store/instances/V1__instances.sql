-- The sidecar instances sharing this database, each with its public URL (the addon is given those
-- alive), when it started and its last heartbeat, in epoch milliseconds (the same instant whatever
-- an instance's time zone). An instance is alive while its heartbeat is within its lease.
CREATE TABLE sidecar_instance (
  id VARCHAR(255) PRIMARY KEY,
  url VARCHAR(2048) NOT NULL,
  started_ms BIGINT NOT NULL,
  heartbeat_ms BIGINT NOT NULL
);
