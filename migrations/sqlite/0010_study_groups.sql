-- Async study groups: a session can run over days (is_async). Members join it with a button, and are reminded
-- privately, once per phase, when they have not contributed to it; a reply in the session's thread counts as a
-- contribution, beside notes. The host gets a digest at each deadline: two new step kinds, 'digest' (in the
-- session's order, at each phase's end) and 'remind' (outside it: it looks for members due a reminder and plans
-- its own next run). SQLite cannot change a CHECK constraint in place: the steps table is rebuilt with its rows.
ALTER TABLE sessions ADD COLUMN is_async INTEGER NOT NULL DEFAULT 0;

CREATE TABLE members (
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL,
  -- The member's Slack time zone (users.info) when they joined: reminders fall in their daytime.
  tz          TEXT,
  joined_at   INTEGER NOT NULL,
  left_at     INTEGER,
  muted_at    INTEGER,
  PRIMARY KEY (session_id, user_id)
) STRICT;

-- Replies in a session's thread, per person and phase: a contribution, like a note.
CREATE TABLE thread_replies (
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL,
  phase_idx   INTEGER NOT NULL CHECK (phase_idx >= 0),
  replies     INTEGER NOT NULL DEFAULT 1,
  first_at    INTEGER NOT NULL,
  -- The latest reply counted: Slack may deliver a message event twice.
  last_ts     TEXT NOT NULL,
  PRIMARY KEY (session_id, user_id, phase_idx)
) STRICT;

-- Who was reminded in which phase: at most once per phase and person, across instances and restarts.
CREATE TABLE member_reminders (
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL,
  phase_idx   INTEGER NOT NULL,
  sent_at     INTEGER NOT NULL,
  PRIMARY KEY (session_id, user_id, phase_idx)
) STRICT;

CREATE INDEX notes_by_session_phase ON notes (session_id, phase_idx, author_id);

CREATE TABLE steps_new (
  id           INTEGER PRIMARY KEY,
  session_id   TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  step_key     TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('root', 'phase', 'warning', 'summary', 'refresh', 'expire', 'nudge', 'digest', 'remind')),
  phase_idx    INTEGER,
  seq          INTEGER NOT NULL,
  due_at       INTEGER NOT NULL,
  run_at       INTEGER NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('queued', 'pending', 'held', 'sending', 'done', 'failed', 'cancelled')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  owner        TEXT,
  lease_until  INTEGER,
  sent_at      INTEGER,
  posted_ts    TEXT,
  progress     INTEGER NOT NULL DEFAULT 0,
  uncertain    INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  done_at      INTEGER,
  UNIQUE (session_id, step_key)
) STRICT;

INSERT INTO steps_new (id, session_id, step_key, kind, phase_idx, seq, due_at, run_at, state, attempts, owner, lease_until,
                       sent_at, posted_ts, progress, uncertain, last_error, done_at)
SELECT id, session_id, step_key, kind, phase_idx, seq, due_at, run_at, state, attempts, owner, lease_until,
       sent_at, posted_ts, progress, uncertain, last_error, done_at
  FROM steps;

DROP TABLE steps;
ALTER TABLE steps_new RENAME TO steps;

CREATE INDEX steps_due ON steps (run_at) WHERE state = 'pending';
CREATE INDEX steps_leased ON steps (lease_until) WHERE state = 'sending';
CREATE INDEX steps_by_session ON steps (session_id, seq);
