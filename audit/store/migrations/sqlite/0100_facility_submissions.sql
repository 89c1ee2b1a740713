-- Facility uploads: every accepted row as the inspector sent it (nothing lost), and the photos stored.
-- A re-upload of the same submission id in the same round replaces its row (primary key).
CREATE TABLE facility_submissions (
  round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT NOT NULL,
  checklist TEXT NOT NULL,
  submission_id TEXT NOT NULL,
  source TEXT NOT NULL,
  source_row INTEGER,
  coord_system_in TEXT NOT NULL,
  raw TEXT NOT NULL,
  ingested_at TEXT NOT NULL,
  PRIMARY KEY (round_id, subject_key)
);
CREATE INDEX facility_submissions_checklist ON facility_submissions (checklist, submission_id);

-- Photos are stored under a content-derived safe name; the uploaded name is kept for display only.
CREATE TABLE facility_photos (
  safe_name TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  original_name TEXT NOT NULL,
  subject_key TEXT NOT NULL,
  stored_at TEXT NOT NULL
);
