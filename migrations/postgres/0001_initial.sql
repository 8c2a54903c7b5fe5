-- The whole schema for PostgreSQL, the scale-out store shared by several instances.
-- Times are BIGINT epoch milliseconds, UTC. Same tables, columns and meaning as the SQLite schema.

CREATE TABLE sessions (
  id            TEXT PRIMARY KEY,
  team_id       TEXT NOT NULL,
  enterprise_id TEXT NOT NULL DEFAULT '',
  channel_id    TEXT NOT NULL,
  host_id       TEXT NOT NULL,
  topic         TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('running', 'paused', 'ended')),
  created_at    BIGINT NOT NULL,
  ends_at       BIGINT NOT NULL,
  ended_at      BIGINT,
  end_reason    TEXT,
  paused_at     BIGINT,
  root_ts       TEXT,
  permalink     TEXT,
  updated_at    BIGINT NOT NULL,
  pause_reason  TEXT,
  moved_at      BIGINT
);

CREATE UNIQUE INDEX sessions_one_live_per_channel
  ON sessions (enterprise_id, team_id, channel_id) WHERE status <> 'ended';

CREATE TABLE session_phases (
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  idx         INTEGER NOT NULL CHECK (idx >= 0),
  planned_ms  BIGINT NOT NULL CHECK (planned_ms > 0),
  starts_at   BIGINT NOT NULL,
  PRIMARY KEY (session_id, idx)
);

CREATE TABLE session_people (
  session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  user_id       TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('host', 'interviewer', 'participant')),
  first_seen_at BIGINT NOT NULL,
  seen_order    BIGSERIAL,
  PRIMARY KEY (session_id, user_id)
);

CREATE INDEX session_people_by_user ON session_people (user_id);

CREATE TABLE notes (
  id          BIGSERIAL PRIMARY KEY,
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  phase_idx   INTEGER NOT NULL CHECK (phase_idx >= 0),
  kind        TEXT NOT NULL,
  author_id   TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  dedupe_key  TEXT UNIQUE
);

CREATE INDEX notes_by_session ON notes (session_id, created_at);

CREATE TABLE steps (
  id           BIGSERIAL PRIMARY KEY,
  session_id   TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  step_key     TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('root', 'phase', 'warning', 'summary', 'refresh', 'expire')),
  phase_idx    INTEGER,
  seq          INTEGER NOT NULL,
  due_at       BIGINT NOT NULL,
  run_at       BIGINT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('queued', 'pending', 'held', 'sending', 'done', 'failed', 'cancelled')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  owner        TEXT,
  lease_until  BIGINT,
  sent_at      BIGINT,
  posted_ts    TEXT,
  progress     INTEGER NOT NULL DEFAULT 0,
  uncertain    INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  done_at      BIGINT,
  UNIQUE (session_id, step_key)
);

CREATE INDEX steps_due ON steps (run_at) WHERE state = 'pending';
CREATE INDEX steps_leased ON steps (lease_until) WHERE state = 'sending';
CREATE INDEX steps_by_session ON steps (session_id, seq);

CREATE TABLE notices (
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  sent_at     BIGINT NOT NULL,
  PRIMARY KEY (session_id, kind)
);

CREATE TABLE processed_requests (
  request_key TEXT PRIMARY KEY,
  seen_at     BIGINT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('working', 'done'))
);

CREATE INDEX processed_requests_by_age ON processed_requests (seen_at);
