-- No query looks raw rows up by (checklist, submission_id): they are read per round (the primary key), a
-- checklist filter within it, and deleted per round and subject. The index cost every write and ~38 bytes
-- per facility and round (issue 17: stored size).
DROP INDEX IF EXISTS facility_submissions_checklist;
