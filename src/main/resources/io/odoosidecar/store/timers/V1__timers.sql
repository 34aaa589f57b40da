-- Each timed rule's last run per database. IF NOT EXISTS: a store made before the schema was
-- versioned has it.
CREATE TABLE IF NOT EXISTS sidecar_timer (
  db VARCHAR(255) NOT NULL,
  rule_name VARCHAR(512) NOT NULL,
  last_run TIMESTAMP NOT NULL,
  PRIMARY KEY (db, rule_name)
);
