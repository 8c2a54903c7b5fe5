-- When a schedule's creator was told that one of its sessions was skipped because the channel was busy: they are
-- told once per schedule, however many of its occurrences are skipped.
ALTER TABLE schedules ADD COLUMN skip_noticed_at INTEGER;
