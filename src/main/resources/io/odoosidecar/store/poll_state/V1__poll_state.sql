-- The write_date poller's cursor per model, and the values it last saw of each record (for the
-- before-update domain and the deletions). IF NOT EXISTS: a store made before the schema was
-- versioned has them.
CREATE TABLE IF NOT EXISTS sidecar_poll_cursor (
  db VARCHAR(255) NOT NULL,
  model VARCHAR(255) NOT NULL,
  write_date VARCHAR(64) NOT NULL,
  record_id BIGINT NOT NULL,
  PRIMARY KEY (db, model)
);
CREATE TABLE IF NOT EXISTS sidecar_snapshot (
  db VARCHAR(255) NOT NULL,
  model VARCHAR(255) NOT NULL,
  record_id BIGINT NOT NULL,
  vals TEXT NOT NULL,
  PRIMARY KEY (db, model, record_id)
);
