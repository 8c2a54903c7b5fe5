-- Installations of the app (multi-workspace OAuth): one row per workspace install ('T:<team_id>') or org-wide
-- install ('E:<enterprise_id>'). Every token is sealed (AES-256-GCM, SLACK_TOKEN_KEY) before it is written
-- here; `installation` is the rest of Bolt's Installation object as sealed JSON (it can hold a user token).
CREATE TABLE installations (
  install_key           TEXT PRIMARY KEY,
  enterprise_id         TEXT NOT NULL DEFAULT '',
  team_id               TEXT NOT NULL DEFAULT '',
  is_enterprise_install INTEGER NOT NULL DEFAULT 0 CHECK (is_enterprise_install IN (0, 1)),
  app_id                TEXT,
  bot_id                TEXT,
  bot_user_id           TEXT,
  bot_scopes            TEXT,               -- comma-separated
  bot_token             TEXT NOT NULL,      -- sealed
  bot_refresh_token     TEXT,               -- sealed; set when token rotation is on
  bot_token_expires_at  INTEGER,            -- epoch ms; NULL when the token does not expire
  installation          TEXT NOT NULL,      -- sealed JSON
  installer_user_id     TEXT,
  installed_at          INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  -- The refresh lock: one instance at a time rotates an installation's tokens, until refresh_until.
  refresh_owner         TEXT,
  refresh_until         INTEGER
) STRICT;

CREATE INDEX installations_by_enterprise ON installations (enterprise_id);
CREATE INDEX installations_by_team ON installations (team_id);
