-- Facility uploads: mirror of sqlite/0100_facility_submissions.sql.
-- Every accepted row as the inspector sent it (nothing lost), and the photos stored. `raw` stays text,
-- not jsonb, so the row keeps the inspector's column order exactly as it came.
-- A re-upload of the same submission id in the same round replaces its row (primary key).
CREATE TABLE facility_submissions (
  round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT COLLATE "C" NOT NULL,
  checklist TEXT COLLATE "C" NOT NULL,
  submission_id TEXT COLLATE "C" NOT NULL,
  source TEXT NOT NULL,
  source_row BIGINT,
  coord_system_in TEXT NOT NULL,
  raw TEXT NOT NULL,
  ingested_at TEXT NOT NULL,
  PRIMARY KEY (round_id, subject_key)
);
CREATE INDEX facility_submissions_checklist ON facility_submissions (checklist, submission_id);

-- Photos are stored under a content-derived safe name; the uploaded name is kept for display only.
CREATE TABLE facility_photos (
  safe_name TEXT COLLATE "C" PRIMARY KEY,
  sha256 TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  original_name TEXT NOT NULL,
  subject_key TEXT COLLATE "C" NOT NULL,
  stored_at TEXT NOT NULL
);
CREATE INDEX facility_photos_subject ON facility_photos (subject_key);
