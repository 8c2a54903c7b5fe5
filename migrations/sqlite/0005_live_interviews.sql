-- Live interviews: a candidate and observers beside the host and interviewers, the level and the prompt of a
-- session, notes only interviewers see (which their author may edit or delete until the summary), and the time
-- each phase spent paused, for the summary.

-- SQLite cannot change a CHECK constraint in place: the people table is rebuilt with its rows, in their order.
CREATE TABLE session_people_new (
  session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  user_id       TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('host', 'interviewer', 'participant', 'candidate', 'observer')),
  first_seen_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, user_id)
) STRICT;
INSERT INTO session_people_new (session_id, user_id, role, first_seen_at)
SELECT session_id, user_id, role, first_seen_at FROM session_people ORDER BY rowid;
DROP TABLE session_people;
ALTER TABLE session_people_new RENAME TO session_people;
CREATE INDEX session_people_by_user ON session_people (user_id);

ALTER TABLE sessions ADD COLUMN level TEXT CHECK (level IN ('mid', 'senior', 'staff'));
-- The prompt bank entry the topic came from (src/domain/prompts.ts); null for a topic of the host's own.
ALTER TABLE sessions ADD COLUMN prompt_id TEXT;
CREATE INDEX sessions_prompts_by_channel ON sessions (channel_id, created_at) WHERE prompt_id IS NOT NULL;

ALTER TABLE session_phases ADD COLUMN paused_ms INTEGER NOT NULL DEFAULT 0;

ALTER TABLE notes ADD COLUMN visibility TEXT NOT NULL DEFAULT 'everyone' CHECK (visibility IN ('everyone', 'interviewers'));
ALTER TABLE notes ADD COLUMN updated_at INTEGER;
ALTER TABLE notes ADD COLUMN deleted_at INTEGER;
