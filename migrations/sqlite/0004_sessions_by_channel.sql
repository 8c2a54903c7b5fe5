-- A channel shared between organisations (Slack Connect), or between workspaces of one organisation, has one id
-- on every side: its live session is looked up by channel alone when the asking workspace has none of its own.
CREATE INDEX sessions_live_by_channel ON sessions (channel_id) WHERE status <> 'ended';
