-- The upload service: accounts, their areas, API tokens, settings, and the record of every upload.
-- Mirror of sqlite/0300_service.sql (JSON kept as text so the service reads both backends alike).
CREATE TABLE service_users (
  id BIGSERIAL PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'inspector', 'viewer')),
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

-- An inspector uploads only for these areas (a city code covers its counties).
CREATE TABLE service_user_areas (
  user_id BIGINT NOT NULL REFERENCES service_users (id) ON DELETE CASCADE,
  area_code TEXT NOT NULL,
  PRIMARY KEY (user_id, area_code)
);

-- Only a hash of each token is kept; the token itself is shown once, when it is made.
CREATE TABLE service_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES service_users (id) ON DELETE CASCADE,
  label TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE service_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Every upload: who, when, what (files with size and hash), and the result. A row left 'received'
-- means the server stopped before it finished; its data was rolled back with it.
CREATE TABLE service_uploads (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT REFERENCES service_users (id),
  username TEXT NOT NULL,
  received_at TEXT NOT NULL,
  finished_at TEXT,
  channel TEXT NOT NULL CHECK (channel IN ('form', 'api')),
  checklist TEXT NOT NULL DEFAULT '',
  files TEXT NOT NULL DEFAULT '[]',
  result TEXT NOT NULL DEFAULT 'received' CHECK (result IN ('received', 'accepted', 'rejected', 'refused', 'failed')),
  round_id BIGINT,
  subjects TEXT NOT NULL DEFAULT '[]',
  problems TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX service_uploads_user ON service_uploads (user_id, received_at);
