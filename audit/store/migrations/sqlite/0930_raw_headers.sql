-- Raw rows take less room (issue 17): each file's column names are stored once, in `raw_headers`, and each
-- row keeps its values as a JSON array (`raw`) beside its header's id (`raw_header`: 64 bits of the SHA-256
-- of the names, audit.store.codec.raw_header_id, registered as a11y_raw_part for this migration). The same
-- rows read back, in the inspector's column order. Headers are never deleted (one per file layout).
CREATE TABLE raw_headers (
  id INTEGER PRIMARY KEY,
  columns TEXT NOT NULL
);
ALTER TABLE facility_submissions ADD COLUMN raw_header INTEGER;
INSERT OR IGNORE INTO raw_headers (id, columns)
  SELECT a11y_raw_part(raw, 'id'), a11y_raw_part(raw, 'columns') FROM facility_submissions;
UPDATE facility_submissions SET raw_header = a11y_raw_part(raw, 'id'), raw = a11y_raw_part(raw, 'values');
