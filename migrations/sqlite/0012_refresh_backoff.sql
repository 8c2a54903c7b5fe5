-- Token rotation backs off after failures: how many refreshes of this installation have failed in a row (the
-- retry waits longer with each), and the kind of the last failure (Slack's error code when it is permanent,
-- 'transient' otherwise), so that a failure is reported once rather than at every attempt. A successful
-- refresh, or a re-install, sets them back to 0 and NULL. While a back-off runs, refresh_until holds the time of
-- the next attempt and refresh_owner is NULL (nobody is refreshing).
ALTER TABLE installations ADD COLUMN refresh_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE installations ADD COLUMN refresh_error TEXT;
