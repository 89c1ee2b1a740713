-- Rounds, subjects, findings, scores and administrative areas.
CREATE TABLE rounds (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('web', 'facility')),
  label TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
  meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX rounds_kind_started ON rounds (kind, started_at);

CREATE TABLE subjects (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  name TEXT NOT NULL,
  area_code TEXT,
  url TEXT,
  geometry TEXT,
  lon REAL,
  lat REAL,
  attributes TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX subjects_area ON subjects (area_code);
CREATE INDEX subjects_category ON subjects (category);
CREATE INDEX subjects_lonlat ON subjects (lon, lat);

CREATE TABLE findings (
  round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT NOT NULL REFERENCES subjects (key),
  check_id TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'review', 'n/a')),
  passed INTEGER,
  failed INTEGER,
  severity TEXT CHECK (severity IS NULL OR severity IN ('critical', 'serious', 'moderate', 'minor')),
  measured TEXT,
  required TEXT,
  note TEXT NOT NULL DEFAULT '',
  evidence TEXT NOT NULL DEFAULT '[]',
  extra TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (round_id, subject_key, check_id)
);
CREATE INDEX findings_subject ON findings (subject_key);

-- A subject that could not be audited in a round (timeout, crash, HTTP error): never clean, never scored.
CREATE TABLE subject_errors (
  round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT NOT NULL,
  message TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (round_id, subject_key)
);

CREATE TABLE scores (
  round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT NOT NULL REFERENCES subjects (key),
  version TEXT NOT NULL,
  score REAL,
  grade TEXT,
  compliant INTEGER,
  coverage REAL NOT NULL,
  counts TEXT NOT NULL,
  failed_checks TEXT NOT NULL,
  blocking_checks TEXT NOT NULL,
  PRIMARY KEY (round_id, subject_key, version)
);

CREATE TABLE areas (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('province', 'city', 'county')),
  parent TEXT,
  geometry TEXT
);
