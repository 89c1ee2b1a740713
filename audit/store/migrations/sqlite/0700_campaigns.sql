-- Facility campaigns: a facility round is a campaign for an area (NULL: every area) and a period (dates,
-- inclusive), open to uploads until closed. Web rounds leave these NULL. Rounds made before campaigns:
-- a quarter-labelled facility round becomes the open campaign of that quarter for every area, any other
-- facility round (one per upload) a closed campaign with no period.
ALTER TABLE rounds ADD COLUMN area_code TEXT;
ALTER TABLE rounds ADD COLUMN period_start TEXT;
ALTER TABLE rounds ADD COLUMN period_end TEXT;
ALTER TABLE rounds ADD COLUMN state TEXT CHECK (state IS NULL OR state IN ('open', 'closed'));
UPDATE rounds SET state = 'closed' WHERE kind = 'facility';
UPDATE rounds SET state = 'open', period_start = substr(started_at, 1, 10) WHERE kind = 'facility'
  AND lower(label) LIKE '____q_' AND substr(label, 6, 1) IN ('1', '2', '3', '4');
UPDATE rounds SET period_end = CASE substr(label, 6, 1)
    WHEN '1' THEN substr(label, 1, 4) || '-03-31' WHEN '2' THEN substr(label, 1, 4) || '-06-30'
    WHEN '3' THEN substr(label, 1, 4) || '-09-30' ELSE substr(label, 1, 4) || '-12-31' END
  WHERE kind = 'facility' AND period_start IS NOT NULL;
CREATE INDEX rounds_campaign ON rounds (kind, period_start, state);
-- At most one open campaign per area and period, even when two uploads begin one at the same moment.
CREATE UNIQUE INDEX rounds_one_open_campaign ON rounds (COALESCE(area_code, ''), period_start) WHERE state = 'open';

-- What each round saw of each facility, as inspected then (name, place, county, inspector, date, photos in
-- attributes): maps and reports show a round as it was, whatever later uploads say. `upload_id` is the
-- service upload that last wrote it (NULL for the CLI), so withdrawing an upload removes only its rows.
CREATE TABLE round_snapshots (
  round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT NOT NULL,
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  name TEXT NOT NULL,
  area_code TEXT,
  url TEXT,
  geometry TEXT,
  lon REAL,
  lat REAL,
  attributes TEXT NOT NULL DEFAULT '{}',
  inspector TEXT NOT NULL DEFAULT '',
  inspected_on TEXT,
  upload_id INTEGER,
  PRIMARY KEY (round_id, subject_key)
);
CREATE INDEX round_snapshots_upload ON round_snapshots (upload_id);

-- A withdrawn upload stays in the log (who withdrew it, when), its rows out of the campaign's scores.
ALTER TABLE service_uploads ADD COLUMN withdrawn_at TEXT;
ALTER TABLE service_uploads ADD COLUMN withdrawn_by TEXT;
