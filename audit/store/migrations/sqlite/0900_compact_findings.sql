-- Findings take less room (issue 17: ~15 findings a facility, 1.5 million a round of 100,000). The table is
-- rebuilt WITHOUT ROWID: its rows then live in the primary key's B-tree itself, where before they sat in a
-- rowid table beside a second B-tree repeating (round_id, subject_key, check_id) for the key. findings_subject
-- goes: every read, delete and count of findings names the round, which the primary key leads with, and
-- subjects are never deleted (the one migration that moved keys, 0400, ran with it). Same columns, same rows.
CREATE TABLE findings_compact (
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
) WITHOUT ROWID;
INSERT INTO findings_compact (round_id, subject_key, check_id, outcome, passed, failed, severity, measured, required,
                              note, evidence, extra)
  SELECT round_id, subject_key, check_id, outcome, passed, failed, severity, measured, required, note, evidence, extra
  FROM findings;
DROP TABLE findings;
ALTER TABLE findings_compact RENAME TO findings;
