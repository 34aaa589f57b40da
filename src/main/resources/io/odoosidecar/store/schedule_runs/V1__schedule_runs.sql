-- The last run of each schedule, per database (H2 and PostgreSQL); '' is the main connection's.
CREATE TABLE IF NOT EXISTS schedule_runs (
  database_name VARCHAR(200) NOT NULL,
  name VARCHAR(500) NOT NULL,
  started_ms BIGINT NOT NULL,
  ended_ms BIGINT,
  result VARCHAR(8000),
  running BOOLEAN NOT NULL,
  PRIMARY KEY (database_name, name)
);
