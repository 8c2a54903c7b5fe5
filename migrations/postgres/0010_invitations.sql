-- When the bot was last invited to a session's channel (member_joined_channel, or a resume), until a post that
-- was refused with not_in_channel while the invitation arrived takes it: that post goes again at once instead of
-- after its backoff, as the invitation found nothing waiting to wake. Same column as the SQLite schema.
ALTER TABLE sessions ADD COLUMN invited_at BIGINT;
