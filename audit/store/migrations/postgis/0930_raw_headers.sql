-- Raw rows take less room (issue 17), the mirror of sqlite/0930_raw_headers.sql: each file's column names once
-- in `raw_headers`, each row's values as a JSON array (`raw`, still text: the inspector's column order is
-- kept) beside its header's id (`raw_header`). Rows moved here get their header's id from the names as
-- PostgreSQL spells them, which may differ from the store's spelling, so a header may be held twice: never two
-- headers under one id. Headers are never deleted.
CREATE TABLE raw_headers (
  id BIGINT PRIMARY KEY,
  columns TEXT NOT NULL
);
ALTER TABLE facility_submissions ADD COLUMN raw_header BIGINT, ADD COLUMN raw_columns_moved TEXT;
UPDATE facility_submissions SET
  raw_columns_moved = (SELECT coalesce(json_agg(e.key ORDER BY e.n), '[]'::json)::text
                       FROM json_each(raw::json) WITH ORDINALITY AS e(key, value, n)),
  raw = (SELECT coalesce(json_agg(e.value ORDER BY e.n), '[]'::json)::text
         FROM json_each(raw::json) WITH ORDINALITY AS e(key, value, n));
UPDATE facility_submissions SET raw_header =
  ('x' || left(encode(sha256(convert_to(raw_columns_moved, 'UTF8')), 'hex'), 16))::bit(64)::bigint;
INSERT INTO raw_headers (id, columns)
  SELECT DISTINCT raw_header, raw_columns_moved FROM facility_submissions ON CONFLICT (id) DO NOTHING;
ALTER TABLE facility_submissions DROP COLUMN raw_columns_moved;
