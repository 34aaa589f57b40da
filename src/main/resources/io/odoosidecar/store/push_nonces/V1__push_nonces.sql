-- The nonces of signed pushes already accepted (a replayed push is refused).
-- IF NOT EXISTS: a store made before the schema was versioned has it.
CREATE TABLE IF NOT EXISTS sidecar_push_nonce (
  nonce VARCHAR(128) PRIMARY KEY,
  seen_at TIMESTAMP NOT NULL
);
