-- The time the host added to a phase while it ran (extend, +N, the +5 min button). planned_ms keeps counting it, as
-- the schedule needs; this keeps it apart so the summary can set the plan beside what happened.
-- NULL means not known: a phase stored before this column may have been extended, and nothing recorded by how much
-- (the summary then shows its whole length as planned, as before). New phases are written with 0.
ALTER TABLE session_phases ADD COLUMN added_ms INTEGER;
