-- Live interviews: a candidate and observers beside the host and interviewers, the level and the prompt of a
-- session, notes only interviewers see (which their author may edit or delete until the summary), and the time
-- each phase spent paused, for the summary. Same columns and meaning as the SQLite schema.
ALTER TABLE session_people DROP CONSTRAINT IF EXISTS session_people_role_check;
ALTER TABLE session_people ADD CONSTRAINT session_people_role_check
  CHECK (role IN ('host', 'interviewer', 'participant', 'candidate', 'observer'));

ALTER TABLE sessions ADD COLUMN level TEXT CHECK (level IN ('mid', 'senior', 'staff'));
ALTER TABLE sessions ADD COLUMN prompt_id TEXT;
CREATE INDEX sessions_prompts_by_channel ON sessions (channel_id, created_at) WHERE prompt_id IS NOT NULL;

ALTER TABLE session_phases ADD COLUMN paused_ms BIGINT NOT NULL DEFAULT 0;

ALTER TABLE notes ADD COLUMN visibility TEXT NOT NULL DEFAULT 'everyone' CHECK (visibility IN ('everyone', 'interviewers'));
ALTER TABLE notes ADD COLUMN updated_at BIGINT;
ALTER TABLE notes ADD COLUMN deleted_at BIGINT;
