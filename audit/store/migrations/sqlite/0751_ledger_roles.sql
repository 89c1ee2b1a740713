-- Two roles for the problem ledger: `official` (assigns problems in their areas to a unit) and `unit` (a
-- responsible unit: reports its problems fixed). SQLite cannot alter a CHECK constraint, and rebuilding
-- service_users would need foreign keys off, which a migration's transaction cannot do; so the stored
-- definition is edited as SQLite documents for constraint-only changes (no stored row changes: the new
-- CHECK allows more). RESET reloads this connection's schema; the index below bumps the schema cookie,
-- so every other open connection reloads it too.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
  SET sql = replace(sql, 'role IN (''admin'', ''inspector'', ''viewer'')',
                         'role IN (''admin'', ''inspector'', ''viewer'', ''official'', ''unit'')')
  WHERE type = 'table' AND name = 'service_users';
PRAGMA writable_schema = RESET;
CREATE INDEX service_users_role ON service_users (role);
