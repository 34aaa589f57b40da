-- The due time of every record a timed rule will fire on, and each rule's state.
CREATE TABLE sidecar_due (
  db VARCHAR(255) NOT NULL,
  rule_name VARCHAR(512) NOT NULL,
  record_id BIGINT NOT NULL,
  due_ms BIGINT NOT NULL,
  PRIMARY KEY (db, rule_name, record_id)
);
-- the primary key's columns after the time: many records due at one instant (a date's midnight)
-- stay distinct index keys
CREATE INDEX sidecar_due_at ON sidecar_due (due_ms, db, rule_name, record_id);
-- fingerprint: what the due times were computed from (a changed rule is filled again);
-- swept_ms: the due times before it have fired (Odoo's last_run)
CREATE TABLE sidecar_due_rule (
  db VARCHAR(255) NOT NULL,
  rule_name VARCHAR(512) NOT NULL,
  fingerprint VARCHAR(64) NOT NULL,
  filled_ms BIGINT NOT NULL,
  swept_ms BIGINT NOT NULL,
  PRIMARY KEY (db, rule_name)
);
