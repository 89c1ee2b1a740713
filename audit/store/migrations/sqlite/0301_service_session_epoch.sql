-- A random per-user session epoch: every session cookie carries it, and rotating it (logout, password
-- change, disabling, "sign out everywhere") ends all sessions issued before. Empty for accounts made
-- before this migration; an empty epoch never matches, and one is made at the next login.
ALTER TABLE service_users ADD COLUMN session_epoch TEXT NOT NULL DEFAULT '';
