-- Facility keys gain the county the facility lies in: facility:<checklist>:<id> becomes
-- facility:<checklist>:<county code or ->:<id>, so one county's 编号 never addresses another county's facility.
-- Each stored facility keeps its rows, findings, scores and photos under its new key; the county is the one
-- it was filed under (area_code). Keys already in the new form do not match the old pattern and stay.
-- The upload log (service_uploads.subjects) is a record of what was said then and is left as written.
CREATE TEMP TABLE facility_key_moves AS
  SELECT key AS old_key,
         'facility:' || json_extract(attributes, '$.checklist') || ':' || COALESCE(area_code, '-') || ':'
           || json_extract(attributes, '$.submission_id') AS new_key
  FROM subjects
  WHERE key = 'facility:' || json_extract(attributes, '$.checklist') || ':' || json_extract(attributes, '$.submission_id');

INSERT INTO subjects (key, kind, category, name, area_code, url, geometry, lon, lat, attributes)
  SELECT m.new_key, s.kind, s.category, s.name, s.area_code, s.url, s.geometry, s.lon, s.lat, s.attributes
  FROM subjects s JOIN facility_key_moves m ON s.key = m.old_key;

UPDATE findings SET subject_key = (SELECT new_key FROM facility_key_moves WHERE old_key = findings.subject_key)
  WHERE subject_key IN (SELECT old_key FROM facility_key_moves);
UPDATE scores SET subject_key = (SELECT new_key FROM facility_key_moves WHERE old_key = scores.subject_key)
  WHERE subject_key IN (SELECT old_key FROM facility_key_moves);
UPDATE subject_errors SET subject_key = (SELECT new_key FROM facility_key_moves WHERE old_key = subject_errors.subject_key)
  WHERE subject_key IN (SELECT old_key FROM facility_key_moves);
UPDATE facility_submissions
  SET subject_key = (SELECT new_key FROM facility_key_moves WHERE old_key = facility_submissions.subject_key)
  WHERE subject_key IN (SELECT old_key FROM facility_key_moves);
UPDATE facility_photos SET subject_key = (SELECT new_key FROM facility_key_moves WHERE old_key = facility_photos.subject_key)
  WHERE subject_key IN (SELECT old_key FROM facility_key_moves);

DELETE FROM subjects WHERE key IN (SELECT old_key FROM facility_key_moves);
DROP TABLE facility_key_moves;
