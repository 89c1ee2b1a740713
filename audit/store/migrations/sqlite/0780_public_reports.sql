-- Public reports (随手拍): a resident's report of a facility problem, sent without an account, and what an
-- official decided. `ref` is the reporter's unguessable reference (R-XXXXXXXX, random base32); no name,
-- contact or client address is kept. A point is required (WGS-84 lon/lat) and `area_code` is the county it lies
-- in. `state`: received -> under-review -> accepted (into the ledger: `problem_id`, `subject_key`) or rejected
-- (`reason` required, shown on the public status page).
CREATE TABLE public_reports (
  ref TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('received', 'under-review', 'accepted', 'rejected')),
  checklist TEXT NOT NULL,
  description TEXT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  lon REAL NOT NULL,
  lat REAL NOT NULL,
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
