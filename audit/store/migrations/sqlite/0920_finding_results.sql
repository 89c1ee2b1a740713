-- A finding's result stored once (issue 17: stored size per facility and round halved). Of a facility round's
-- 1.5 million findings most repeat a few thousand results (each check's threshold, each notation of a
-- measurement, "yes"), so `findings` keeps (round, subject, check, outcome) and the id of its result in
-- `finding_results`: 64 bits of the SHA-256 of the result's stored text (audit.store.codec.result_id, which the
-- store registers as a11y_result_id), so a writer names a result without looking it up. Results are never
-- deleted (a re-upload's replaced fail evidence stays, a few rows); a result id is not a foreign key, which
-- would cost a lookup per inserted finding. Same findings read back, through a join.
CREATE TABLE finding_results (
  id INTEGER PRIMARY KEY,
  passed INTEGER,
  failed INTEGER,
  severity TEXT CHECK (severity IS NULL OR severity IN ('critical', 'serious', 'moderate', 'minor')),
  measured TEXT,
  required TEXT,
  note TEXT NOT NULL DEFAULT '',
  evidence TEXT NOT NULL DEFAULT '[]',
  extra TEXT NOT NULL DEFAULT '{}'
);
INSERT OR IGNORE INTO finding_results (id, passed, failed, severity, measured, required, note, evidence, extra)
  SELECT a11y_result_id(passed, failed, severity, measured, required, note, evidence, extra),
         passed, failed, severity, measured, required, note, evidence, extra
  FROM findings;
CREATE TABLE findings_slim (
  round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT NOT NULL REFERENCES subjects (key),
  check_id TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'review', 'n/a')),
  result_id INTEGER NOT NULL,
  PRIMARY KEY (round_id, subject_key, check_id)
) WITHOUT ROWID;
INSERT INTO findings_slim (round_id, subject_key, check_id, outcome, result_id)
  SELECT round_id, subject_key, check_id, outcome,
         a11y_result_id(passed, failed, severity, measured, required, note, evidence, extra)
  FROM findings;
DROP TABLE findings;
ALTER TABLE findings_slim RENAME TO findings;
