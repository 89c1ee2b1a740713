-- The problem ledger (问题台账): one row per failed (subject, check), its id stable across rounds (a short hash
-- of the pair), moved open -> assigned -> rectified -> verified, or reopened, by people and by inspections.
-- JSON values (measured, required, detail) are text on both backends. The events table is the history:
-- who, when, from -> to, a note and an evidence photo; a reopened problem keeps its id and every event.
CREATE TABLE problems (
  id TEXT PRIMARY KEY,
  subject_key TEXT COLLATE "C" NOT NULL,
  check_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'rectified', 'verified', 'reopened')),
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  first_round BIGINT,
  last_round BIGINT,
  area_code TEXT,
  subject_name TEXT NOT NULL DEFAULT '',
  measured TEXT,
  required TEXT,
  photo TEXT,
  unit TEXT,
  deadline TEXT,
  rectified_note TEXT NOT NULL DEFAULT '',
  rectified_photo TEXT,
  closed_at TEXT,
  updated_at TEXT NOT NULL,
  UNIQUE (subject_key, check_id)
);
CREATE INDEX problems_status ON problems (status, area_code);
CREATE INDEX problems_area ON problems (area_code);
CREATE INDEX problems_unit ON problems (unit, status);

CREATE TABLE problem_events (
  id BIGSERIAL PRIMARY KEY,
  problem_id TEXT NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  by_whom TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  photo TEXT,
  round_id BIGINT,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX problem_events_problem ON problem_events (problem_id, id);
CREATE INDEX problem_events_at ON problem_events (at, to_status);
