-- Public reports (随手拍): mirrors the SQLite migration of the same number (see there for the columns).
CREATE TABLE public_reports (
  ref TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('received', 'under-review', 'accepted', 'rejected')),
  checklist TEXT NOT NULL,
  description TEXT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  lon DOUBLE PRECISION NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  location_source TEXT NOT NULL DEFAULT 'typed',
  area_code TEXT NOT NULL,
  photo TEXT,
  reason TEXT NOT NULL DEFAULT '',
  problem_id TEXT,
  subject_key TEXT,
  decided_by TEXT,
  decided_at TEXT
);
CREATE INDEX public_reports_area ON public_reports (area_code, state);
CREATE INDEX public_reports_state ON public_reports (state, created_at);
