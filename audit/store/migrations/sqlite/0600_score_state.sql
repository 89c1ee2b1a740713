-- A score's state: 'graded', or 'insufficient' (待补充: not graded, listed for re-inspection), and why:
-- {"reasons": [...], "unanswered_vetoes": [...], "unanswered_checks": [...]}. Older rows are graded.
ALTER TABLE scores ADD COLUMN state TEXT NOT NULL DEFAULT 'graded' CHECK (state IN ('graded', 'insufficient'));
ALTER TABLE scores ADD COLUMN state_detail TEXT NOT NULL DEFAULT '{}';
