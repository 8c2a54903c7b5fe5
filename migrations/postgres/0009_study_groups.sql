-- Async study groups: sessions over days, members who join with a button and are reminded once per phase when
-- they have not contributed, thread replies counted as contributions, and two new step kinds: 'digest' (the
-- host's digest at each deadline) and 'remind' (looks for members due a reminder). Same columns and meaning as
-- the SQLite schema.
ALTER TABLE sessions ADD COLUMN is_async INTEGER NOT NULL DEFAULT 0;

CREATE TABLE members (
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL,
  tz          TEXT,
  joined_at   BIGINT NOT NULL,
  left_at     BIGINT,
  muted_at    BIGINT,
  PRIMARY KEY (session_id, user_id)
);

CREATE TABLE thread_replies (
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL,
  phase_idx   INTEGER NOT NULL CHECK (phase_idx >= 0),
  replies     INTEGER NOT NULL DEFAULT 1,
  first_at    BIGINT NOT NULL,
  last_ts     TEXT NOT NULL,
  PRIMARY KEY (session_id, user_id, phase_idx)
);

CREATE TABLE member_reminders (
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL,
  phase_idx   INTEGER NOT NULL,
  sent_at     BIGINT NOT NULL,
  PRIMARY KEY (session_id, user_id, phase_idx)
);

CREATE INDEX notes_by_session_phase ON notes (session_id, phase_idx, author_id);

ALTER TABLE steps DROP CONSTRAINT IF EXISTS steps_kind_check;
ALTER TABLE steps ADD CONSTRAINT steps_kind_check
  CHECK (kind IN ('root', 'phase', 'warning', 'summary', 'refresh', 'expire', 'nudge', 'digest', 'remind'));
