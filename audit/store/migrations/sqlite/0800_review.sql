-- Human review (issue 14): a reviewer's verdict on a (subject, check) of one round, keyed by the fingerprint of
-- what was judged so the next round can carry it while that is unchanged; what the reviewer saw of each page (a
-- screenshot file name in the round's artefact folder, the DOM hash, element boxes); and signed conformance
-- statements. JSON values are text on both backends. A re-decision replaces the round's verdict; the history
-- of decisions is kept in review_history.
CREATE TABLE review_verdicts (
  round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT NOT NULL,
  check_id TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'n/a')),
  note TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  PRIMARY KEY (round_id, subject_key, check_id)
);
CREATE INDEX review_verdicts_subject ON review_verdicts (subject_key, check_id, round_id);

CREATE TABLE review_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT NOT NULL,
  check_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  fingerprint TEXT NOT NULL
);
CREATE INDEX review_history_item ON review_history (round_id, subject_key, check_id);

CREATE TABLE review_captures (
  round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT NOT NULL,
  screenshot TEXT,
  dom_hash TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  boxes TEXT NOT NULL DEFAULT '{}',
  captured_at TEXT NOT NULL,
  PRIMARY KEY (round_id, subject_key)
);

CREATE TABLE review_signatures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  site_key TEXT NOT NULL,
  signer TEXT NOT NULL,
  signed_at TEXT NOT NULL,
  statement TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX review_signatures_site ON review_signatures (site_key, round_id);
