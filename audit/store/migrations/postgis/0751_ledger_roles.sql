-- Two roles for the problem ledger: `official` (assigns problems in their areas to a unit) and `unit` (a
-- responsible unit: reports its problems fixed). Mirrors the SQLite migration of the same number.
ALTER TABLE service_users DROP CONSTRAINT IF EXISTS service_users_role_check;
ALTER TABLE service_users ADD CONSTRAINT service_users_role_check
  CHECK (role IN ('admin', 'inspector', 'viewer', 'official', 'unit'));
CREATE INDEX service_users_role ON service_users (role);
