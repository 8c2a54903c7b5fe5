-- History: a channel's recent sessions, live and ended, newest first (`/mockdesign history`), and a person's own
-- notes across sessions, newest first (the Home tab). Both reads stop at their limit when walked through these.
-- Same indexes as the SQLite schema.
CREATE INDEX sessions_by_channel ON sessions (channel_id, created_at);
CREATE INDEX notes_by_author ON notes (author_id, created_at);
