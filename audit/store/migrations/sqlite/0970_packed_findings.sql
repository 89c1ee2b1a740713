-- A subject's findings in one row (issue 17: 100,000 facilities stored in under 30 s, in half the room). Rows of
-- (round, subject, check, outcome, result) were 15 rows a facility, each repeating its subject's key: writing
-- 1.5 million of them was a third of a 100,000-row upload. Now `finding_results` holds the check and outcome
-- with the rest of a result (its id: 64 bits of the SHA-256 of all ten, audit.store.codec.packed_result_id,
-- registered as a11y_packed_result_id for this migration), and `subject_findings` one row per round and
-- subject: the JSON array of its result ids, in check order. The view `findings` reads as the table did.
CREATE TEMP TABLE moved_findings AS
  SELECT f.round_id, f.subject_key, f.check_id, f.outcome, r.passed, r.failed, r.severity, r.measured, r.required,
         r.note, r.evidence, r.extra,
         a11y_packed_result_id(f.check_id, f.outcome, r.passed, r.failed, r.severity, r.measured, r.required,
                               r.note, r.evidence, r.extra) AS rid
  FROM findings f JOIN finding_results r ON r.id = f.result_id;
CREATE TABLE packed_results (
  id INTEGER PRIMARY KEY,
  check_id TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'review', 'n/a')),
  passed INTEGER,
  failed INTEGER,
  severity TEXT CHECK (severity IS NULL OR severity IN ('critical', 'serious', 'moderate', 'minor')),
  measured TEXT,
  required TEXT,
  note TEXT NOT NULL DEFAULT '',
  evidence TEXT NOT NULL DEFAULT '[]',
  extra TEXT NOT NULL DEFAULT '{}'
);
INSERT OR IGNORE INTO packed_results
  SELECT rid, check_id, outcome, passed, failed, severity, measured, required, note, evidence, extra
  FROM moved_findings;
CREATE TABLE subject_findings (
  round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT NOT NULL REFERENCES subjects (key),
  results TEXT NOT NULL,
  PRIMARY KEY (round_id, subject_key)
) WITHOUT ROWID;
INSERT INTO subject_findings (round_id, subject_key, results)
  SELECT round_id, subject_key, json_group_array(rid)
  FROM (SELECT round_id, subject_key, rid FROM moved_findings ORDER BY round_id, subject_key, check_id)
  GROUP BY round_id, subject_key;
DROP TABLE moved_findings;
DROP TABLE findings;
DROP TABLE finding_results;
ALTER TABLE packed_results RENAME TO finding_results;
CREATE VIEW findings AS
  SELECT sf.round_id, sf.subject_key, r.check_id, r.outcome, r.id AS result_id
  FROM subject_findings sf JOIN json_each(sf.results) j JOIN finding_results r ON r.id = j.value;
-- A subject key moved through the view (as migration 0400 moves facility keys) moves the subject's row.
CREATE TRIGGER findings_move_subject INSTEAD OF UPDATE OF subject_key ON findings
BEGIN
  UPDATE subject_findings SET subject_key = NEW.subject_key
    WHERE round_id = OLD.round_id AND subject_key = OLD.subject_key;
END;
