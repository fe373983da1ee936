-- An issued password (an administrator's `user add`) must be changed at the first sign-in.
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
