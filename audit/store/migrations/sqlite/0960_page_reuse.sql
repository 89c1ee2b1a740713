-- What a re-audit needs to tell an unchanged page (issue 17, incremental re-audits): per round and page, the HTTP
-- validators its server gave, the hash of its rendered DOM, the digest of what the audit depended on (axe-core,
-- the web checklists, the options), and, for a page whose findings were copied from an earlier round, why
-- ('304' or 'dom'). Additive: a round without rows here is simply audited in full next time.
CREATE TABLE page_reuse (
  round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  dom_hash TEXT,
  digest TEXT NOT NULL,
  reused TEXT CHECK (reused IN ('304', 'dom')),
  PRIMARY KEY (round_id, subject_key)
);
