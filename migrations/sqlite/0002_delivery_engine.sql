-- The delivery engine for several instances: leases owned by an instance, steps held while a session is paused,
-- unordered steps (root refresh, pause limit), and the bookkeeping that lets a person be told of a problem once.

-- SQLite cannot change a CHECK constraint in place: the steps table is rebuilt with its rows.
CREATE TABLE steps_new (
  id           INTEGER PRIMARY KEY,
  session_id   TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  step_key     TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('root', 'phase', 'warning', 'summary', 'refresh', 'expire')),
  phase_idx    INTEGER,
  seq          INTEGER NOT NULL,   -- posting order within the session; negative: not ordered (refresh, expire)
  -- queued: waiting for the session's earlier steps; pending: its turn, due at run_at; held: its turn, session paused
  due_at       INTEGER NOT NULL,   -- when it is planned (moves with next/pause/resume)
  run_at       INTEGER NOT NULL,   -- when it may be tried next (due_at, or later after a retryable error)
  state        TEXT NOT NULL CHECK (state IN ('queued', 'pending', 'held', 'sending', 'done', 'failed', 'cancelled')),
  attempts     INTEGER NOT NULL DEFAULT 0,  -- failed attempts that count towards giving up (429s do not)
  owner        TEXT,               -- the instance whose lease this is
  lease_until  INTEGER,
  sent_at      INTEGER,            -- when the latest post of this step began: the settle wait counts from here
  posted_ts    TEXT,
  progress     INTEGER NOT NULL DEFAULT 0,
  uncertain    INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  done_at      INTEGER,
  UNIQUE (session_id, step_key)
) STRICT;

INSERT INTO steps_new (id, session_id, step_key, kind, phase_idx, seq, due_at, run_at, state, attempts, lease_until,
                       posted_ts, progress, uncertain, last_error, done_at)
SELECT id, session_id, step_key, kind, phase_idx, seq, due_at, run_at,
       -- A paused session's pending steps are held: a held step costs the tick nothing.
       CASE WHEN state = 'pending' AND session_id IN (SELECT id FROM sessions WHERE status = 'paused') THEN 'held' ELSE state END,
       attempts, lease_until, posted_ts, progress, uncertain, last_error, done_at
  FROM steps;

DROP TABLE steps;
ALTER TABLE steps_new RENAME TO steps;

-- Only the first unfinished step of a session is pending (or held); the ones behind it wait as 'queued', so
-- the claim never has to read past steps that are not their session's turn.
UPDATE steps SET state = 'queued'
 WHERE state IN ('pending', 'held') AND seq >= 0
   AND EXISTS (SELECT 1 FROM steps e WHERE e.session_id = steps.session_id AND e.seq >= 0 AND e.seq < steps.seq
                  AND e.state IN ('pending', 'held', 'sending'));

-- Due work is found through partial indexes: cost follows due rows, never held, done or idle ones.
CREATE INDEX steps_due ON steps (run_at) WHERE state = 'pending';
CREATE INDEX steps_leased ON steps (lease_until) WHERE state = 'sending';
CREATE INDEX steps_by_session ON steps (session_id, seq);

ALTER TABLE sessions ADD COLUMN pause_reason TEXT;
-- When `next` last moved the session on: a second `next` typed a moment later is the same request.
ALTER TABLE sessions ADD COLUMN moved_at INTEGER;

-- The Home tab lists a person's live sessions.
CREATE INDEX session_people_by_user ON session_people (user_id);

-- Things a person has been told about a session, so that a failure repeated a thousand times makes one message.
CREATE TABLE notices (
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  sent_at     INTEGER NOT NULL,
  PRIMARY KEY (session_id, kind)
) STRICT;

-- A request key is 'working' while its handler runs and 'done' once it succeeded: a retry after a crash
-- (a 'working' key older than a minute) is handled again, a retry of a finished one is not.
ALTER TABLE processed_requests ADD COLUMN state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('working', 'done'));
