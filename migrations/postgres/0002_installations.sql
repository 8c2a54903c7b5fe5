-- Installations of the app (multi-workspace OAuth): one row per workspace install ('T:<team_id>') or org-wide
-- install ('E:<enterprise_id>'). Every token is sealed (AES-256-GCM, SLACK_TOKEN_KEY) before it is written
-- here; `installation` is the rest of Bolt's Installation object as sealed JSON (it can hold a user token).
-- Same columns and meaning as the SQLite schema.
CREATE TABLE installations (
  install_key           TEXT PRIMARY KEY,
  enterprise_id         TEXT NOT NULL DEFAULT '',
  team_id               TEXT NOT NULL DEFAULT '',
  is_enterprise_install INTEGER NOT NULL DEFAULT 0 CHECK (is_enterprise_install IN (0, 1)),
  app_id                TEXT,
  bot_id                TEXT,
  bot_user_id           TEXT,
  bot_scopes            TEXT,
  bot_token             TEXT NOT NULL,
  bot_refresh_token     TEXT,
  bot_token_expires_at  BIGINT,
  installation          TEXT NOT NULL,
  installer_user_id     TEXT,
  installed_at          BIGINT NOT NULL,
  updated_at            BIGINT NOT NULL,
  refresh_owner         TEXT,
  refresh_until         BIGINT
);

CREATE INDEX installations_by_enterprise ON installations (enterprise_id);
CREATE INDEX installations_by_team ON installations (team_id);
