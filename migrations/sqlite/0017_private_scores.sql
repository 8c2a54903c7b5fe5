-- A live interview whose scorecard is kept to its candidate and panel: the public summary (and the export, which
-- lands in the thread) says the cards were shared privately, and each of them gets the scorecard by itself.
ALTER TABLE sessions ADD COLUMN private_scores INTEGER NOT NULL DEFAULT 0;
