-- A finding's result stored once (issue 17), the mirror of sqlite/0920_finding_results.sql: `findings` keeps
-- (round, subject, check, outcome) and the id of its result in `finding_results`. New results are named by
-- 64 bits of the SHA-256 of their text as the store encodes it (audit.store.codec.result_id); the findings
-- moved here are named the same way from their jsonb text, which may spell a value differently, so a result
-- may be held twice (once as moved, once as written later): never two results under one id. Results are
-- never deleted; a result id is not a foreign key (no lookup per inserted finding).
CREATE TABLE finding_results (
  id BIGINT PRIMARY KEY,
  passed BIGINT,
  failed BIGINT,
  severity TEXT CHECK (severity IS NULL OR severity IN ('critical', 'serious', 'moderate', 'minor')),
  measured JSONB,
  required JSONB,
  note TEXT NOT NULL DEFAULT '',
  evidence JSONB NOT NULL DEFAULT '[]',
  extra JSONB NOT NULL DEFAULT '{}'
);
ALTER TABLE findings ADD COLUMN result_id BIGINT;
UPDATE findings SET result_id = ('x' || left(encode(sha256(convert_to(
  json_build_array(passed, failed, severity, measured, required, note, evidence, extra)::text, 'UTF8')), 'hex'), 16)
  )::bit(64)::bigint;
INSERT INTO finding_results (id, passed, failed, severity, measured, required, note, evidence, extra)
  SELECT DISTINCT ON (result_id) result_id, passed, failed, severity, measured, required, note, evidence, extra
  FROM findings ORDER BY result_id;
ALTER TABLE findings ALTER COLUMN result_id SET NOT NULL;
ALTER TABLE findings DROP COLUMN passed, DROP COLUMN failed, DROP COLUMN severity, DROP COLUMN measured,
  DROP COLUMN required, DROP COLUMN note, DROP COLUMN evidence, DROP COLUMN extra;
