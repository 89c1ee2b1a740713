-- Findings take less room (issue 17). findings_subject goes: every read, delete and count of findings names the
-- round, which the primary key leads with, and subjects are never deleted. (SQLite also rebuilds its findings
-- table WITHOUT ROWID, so its rows live in the primary key; a PostgreSQL table is a heap beside its key already.)
DROP INDEX IF EXISTS findings_subject;
