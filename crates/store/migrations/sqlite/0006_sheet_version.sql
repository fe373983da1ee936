-- Optimistic versions of the one-sheet (issue 16): each write adds one; a write that names an
-- older version is refused (409) instead of overwriting what another device saved.
ALTER TABLE one_sheet ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
