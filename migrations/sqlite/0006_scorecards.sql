-- Scorecards of live interviews: one card per scorer and session. Interviewers and observers score the candidate;
-- the candidate's own card (role 'candidate') is their self-assessment, shown beside the panel's, never counted in it.
-- `body` is the card as JSON: scores with their evidence, red flags, recommendation, strengths and improvements.
CREATE TABLE scorecards (
  session_id   TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  scorer_id    TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('interviewer', 'observer', 'candidate')),
  body         TEXT NOT NULL,
  -- The first submission; an edit keeps it and moves updated_at.
  submitted_at INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (session_id, scorer_id)
) STRICT;
