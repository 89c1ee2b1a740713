-- Facility keys gain the county the facility lies in: facility:<checklist>:<id> becomes
-- facility:<checklist>:<county code or ->:<id>, so one county's 编号 never addresses another county's facility.
-- Each stored facility keeps its rows, findings, scores and photos under its new key; the county is the one
-- it was filed under (area_code). Keys already in the new form do not match the old pattern and stay.
-- The upload log (service_uploads.subjects) is a record of what was said then and is left as written.
-- Mirrors sqlite/0400_facility_county_keys.sql.
CREATE TEMP TABLE facility_key_moves ON COMMIT DROP AS
  SELECT key AS old_key,
         'facility:' || (attributes ->> 'checklist') || ':' || COALESCE(area_code, '-') || ':'
           || (attributes ->> 'submission_id') AS new_key
  FROM subjects
  WHERE key = 'facility:' || (attributes ->> 'checklist') || ':' || (attributes ->> 'submission_id');

INSERT INTO subjects (key, kind, category, name, area_code, url, geometry, lon, lat, attributes)
  SELECT m.new_key, s.kind, s.category, s.name, s.area_code, s.url, s.geometry, s.lon, s.lat, s.attributes
  FROM subjects s JOIN facility_key_moves m ON s.key = m.old_key;

UPDATE findings f SET subject_key = m.new_key FROM facility_key_moves m WHERE f.subject_key = m.old_key;
UPDATE scores s SET subject_key = m.new_key FROM facility_key_moves m WHERE s.subject_key = m.old_key;
UPDATE subject_errors e SET subject_key = m.new_key FROM facility_key_moves m WHERE e.subject_key = m.old_key;
UPDATE facility_submissions r SET subject_key = m.new_key FROM facility_key_moves m WHERE r.subject_key = m.old_key;
UPDATE facility_photos p SET subject_key = m.new_key FROM facility_key_moves m WHERE p.subject_key = m.old_key;

DELETE FROM subjects s USING facility_key_moves m WHERE s.key = m.old_key;
