-- Private nudges to the interviewers of a live interview are steps of their own kind ('nudge'), posted in the
-- session's order like phases and time checks. SQLite cannot change a CHECK constraint in place: the steps table
-- is rebuilt with its rows, and its indexes made again.
CREATE TABLE steps_new (
  id           INTEGER PRIMARY KEY,
  session_id   TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  step_key     TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('root', 'phase', 'warning', 'summary', 'refresh', 'expire', 'nudge')),
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
