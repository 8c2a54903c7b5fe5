-- Recurring sessions: a schedule starts a session in its channel at each occurrence of its cron expression, read as
-- wall-clock time in its zone. next_at is the next occurrence; an instance fires one by moving next_at on with a
-- compare-and-set, so an occurrence starts one session however many instances tick.
CREATE TABLE schedules (
  id             TEXT PRIMARY KEY,
  team_id        TEXT NOT NULL,
  enterprise_id  TEXT NOT NULL DEFAULT '',
  channel_id     TEXT NOT NULL,
  created_by     TEXT NOT NULL,
  expression     TEXT NOT NULL,
  tz             TEXT NOT NULL,
  plan           TEXT NOT NULL,
  is_async       INTEGER NOT NULL DEFAULT 0,
  next_at        INTEGER NOT NULL,
  last_at        INTEGER,
  last_local     TEXT,
  created_at     INTEGER NOT NULL,
  deleted_at     INTEGER
) STRICT;

CREATE INDEX schedules_due ON schedules (next_at) WHERE deleted_at IS NULL;
CREATE INDEX schedules_by_channel ON schedules (channel_id) WHERE deleted_at IS NULL;
