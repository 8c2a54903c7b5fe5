-- Private nudges to the interviewers of a live interview are steps of their own kind ('nudge'), posted in the
-- session's order like phases and time checks.
ALTER TABLE steps DROP CONSTRAINT IF EXISTS steps_kind_check;
ALTER TABLE steps ADD CONSTRAINT steps_kind_check CHECK (kind IN ('root', 'phase', 'warning', 'summary', 'refresh', 'expire', 'nudge'));
