-- m135 issue 13 ⑤ (sqlite): benchmark terminals (标杆终端, domain.md §10): designated by their
-- account manager among the modern terminals of the territory, scored on the policy's rubric,
-- and the monthly in-store service day (驻店式服务) kept as a kind of visit.
CREATE TABLE benchmark_terminal (
    id            INTEGER PRIMARY KEY,
    retailer_id   INTEGER NOT NULL UNIQUE REFERENCES retailer(id),
    rep_id        INTEGER NOT NULL REFERENCES staff(id),
    status        TEXT NOT NULL,        -- ACTIVE | REMOVED
    reason        TEXT NOT NULL,        -- why this shop (设立理由) or why removed
    designated_at TEXT NOT NULL,
    removed_at    TEXT
);
CREATE INDEX benchmark_terminal_rep ON benchmark_terminal(rep_id, status);

-- A score sheet: the rubric's items (JSON code → points) and their total.
CREATE TABLE benchmark_score (
    id           INTEGER PRIMARY KEY,
    benchmark_id INTEGER NOT NULL REFERENCES benchmark_terminal(id),
    scored_on    TEXT NOT NULL,         -- YYYY-MM-DD (China time)
    scored_by    INTEGER NOT NULL REFERENCES staff(id),
    visit_id     INTEGER REFERENCES visit(id),
    items        TEXT NOT NULL,
    total        INTEGER NOT NULL,
    note         TEXT NOT NULL
);
CREATE INDEX benchmark_score_terminal ON benchmark_score(benchmark_id, scored_on);

-- ROUTE: a visit on the route; IN_STORE_DAY: a benchmark terminal's in-store service day.
ALTER TABLE visit ADD COLUMN kind TEXT NOT NULL DEFAULT 'ROUTE';
