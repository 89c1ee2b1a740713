-- The upload service: accounts, their areas, API tokens, settings, and the record of every upload.
CREATE TABLE service_users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'inspector', 'viewer')),
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

-- An inspector uploads only for these areas (a city code covers its counties).
CREATE TABLE service_user_areas (
  user_id INTEGER NOT NULL REFERENCES service_users (id) ON DELETE CASCADE,
  area_code TEXT NOT NULL,
  PRIMARY KEY (user_id, area_code)
);

-- Only a hash of each token is kept; the token itself is shown once, when it is made.
CREATE TABLE service_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES service_users (id) ON DELETE CASCADE,
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
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER REFERENCES service_users (id),
  username TEXT NOT NULL,
  received_at TEXT NOT NULL,
  finished_at TEXT,
  channel TEXT NOT NULL CHECK (channel IN ('form', 'api')),
  checklist TEXT NOT NULL DEFAULT '',
  files TEXT NOT NULL DEFAULT '[]',
  result TEXT NOT NULL DEFAULT 'received' CHECK (result IN ('received', 'accepted', 'rejected', 'refused', 'failed')),
  round_id INTEGER,
  subjects TEXT NOT NULL DEFAULT '[]',
  problems TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX service_uploads_user ON service_uploads (user_id, received_at);
