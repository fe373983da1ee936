-- m135 issue 12 ④ (sqlite): the monthly market analysis report (市场分析报告, domain.md §7 ⑥)
-- of an area, a county or the company: its six sections (figures, findings, the author's
-- narrative and measures) as JSON, its state, and the trail of submissions and reviews.
-- Keep in step with postgres/0025_market_report.sql.
CREATE TABLE market_report (
    id             INTEGER PRIMARY KEY,
    month          TEXT NOT NULL,
    scope          TEXT NOT NULL,      -- company | county:ID | area:ID
    scope_label    TEXT NOT NULL,
    county_id      INTEGER,             -- the county the scope lies in (NULL for the company)
    area_id        INTEGER,
    author_id      INTEGER NOT NULL REFERENCES staff(id),
    status         TEXT NOT NULL,      -- DRAFT | SUBMITTED | RETURNED | ACCEPTED
    sections       TEXT NOT NULL,      -- JSON: the six sections
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (scope, month)
);
CREATE INDEX market_report_month ON market_report(month, county_id);

CREATE TABLE market_report_event (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES market_report(id),
    action     TEXT NOT NULL,          -- CREATE | EDIT | SUBMIT | RETURN | ACCEPT
    actor_id   INTEGER NOT NULL REFERENCES staff(id),
    comment    TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX market_report_event_report ON market_report_event(report_id, id);
