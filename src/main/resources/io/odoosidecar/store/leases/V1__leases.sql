-- Named leases among the instances sharing this database (the leader's: registration with the
-- addon, the poller): who holds each and until when, in epoch milliseconds. A lease not renewed by
-- then may be taken by another instance.
CREATE TABLE sidecar_lease (
  name VARCHAR(255) PRIMARY KEY,
  owner VARCHAR(255) NOT NULL,
  expires_ms BIGINT NOT NULL
);
