-- Sessions, their phase timeline, people, notes and the durable schedule of posts ("steps").
-- Times are INTEGER epoch milliseconds, UTC.

CREATE TABLE sessions (
  id            TEXT PRIMARY KEY,
  team_id       TEXT NOT NULL,
  enterprise_id TEXT NOT NULL DEFAULT '',
  channel_id    TEXT NOT NULL,
  host_id       TEXT NOT NULL,
  topic         TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('running', 'paused', 'ended')),
  created_at    INTEGER NOT NULL,
  ends_at       INTEGER NOT NULL,
  ended_at      INTEGER,
  end_reason    TEXT,
  paused_at     INTEGER,
  root_ts       TEXT,
  permalink     TEXT,
  updated_at    INTEGER NOT NULL
) STRICT;

-- One live session per channel, enforced by the database so two `start`s racing cannot both win.
CREATE UNIQUE INDEX sessions_one_live_per_channel
  ON sessions (enterprise_id, team_id, channel_id) WHERE status <> 'ended';

CREATE TABLE session_phases (
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  idx         INTEGER NOT NULL CHECK (idx >= 0),
  planned_ms  INTEGER NOT NULL CHECK (planned_ms > 0),
  starts_at   INTEGER NOT NULL,
  PRIMARY KEY (session_id, idx)
) STRICT;

CREATE TABLE session_people (
  session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  user_id       TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('host', 'interviewer', 'participant')),
  first_seen_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, user_id)
) STRICT;

CREATE TABLE notes (
  id          INTEGER PRIMARY KEY,
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  phase_idx   INTEGER NOT NULL CHECK (phase_idx >= 0),
  kind        TEXT NOT NULL,
  author_id   TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  -- Slack may deliver the same submission twice (a double click, a retry): the key makes the second a no-op.
  dedupe_key  TEXT UNIQUE
) STRICT;

CREATE INDEX notes_by_session ON notes (session_id, created_at);

-- The clock lives here: one row per post that must happen at a time.
CREATE TABLE steps (
  id           INTEGER PRIMARY KEY,
  session_id   TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  step_key     TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('root', 'phase', 'warning', 'summary')),
  phase_idx    INTEGER,
  seq          INTEGER NOT NULL,
  due_at       INTEGER NOT NULL,   -- when it is planned (moves with next/pause/resume)
  run_at       INTEGER NOT NULL,   -- when it may be tried next (due_at, or later after a retryable error)
  state        TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'done', 'failed', 'cancelled')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  lease_until  INTEGER,
  posted_ts    TEXT,
  progress     INTEGER NOT NULL DEFAULT 0, -- parts already posted, for steps that post several messages
  -- 1 when an earlier attempt may have reached Slack without us recording it (killed mid-post, timeout, 5xx):
  -- the next attempt looks for the message in the channel before posting again.
  uncertain    INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  done_at      INTEGER,
  UNIQUE (session_id, step_key)
) STRICT;

-- The tick's one query reads due rows through this index: cost follows due rows, not sessions.
CREATE INDEX steps_due ON steps (state, run_at);
CREATE INDEX steps_by_session ON steps (session_id, seq);

-- Requests already handled (event ids, button clicks, submissions), so Slack's retries have no second effect.
CREATE TABLE processed_requests (
  request_key TEXT PRIMARY KEY,
  seen_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX processed_requests_by_age ON processed_requests (seen_at);
