-- m135 issue 13 ③ (SQLite): the 135 system's four warnings (domain.md §6) kept per month, each
-- handled by the people responsible (acknowledged, given a measure, closed) with its history.
-- Keep in step with postgres/0016_warnings.sql.
CREATE TABLE warning (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,          -- CUSTOMER | LARGE_ACCOUNT | BRAND | MARKET
    month       TEXT NOT NULL,          -- YYYY-MM, the complete month judged
    subject     TEXT NOT NULL,          -- the unit's key within kind × month (retailer id, area:brand, area)
    retailer_id INTEGER REFERENCES retailer(id), -- CUSTOMER, LARGE_ACCOUNT
    brand       TEXT,                   -- BRAND
    area_id     INTEGER REFERENCES org_unit(id),  -- the unit's market area (市场部)
    county_id   INTEGER REFERENCES org_unit(id),  -- its county (the sub-centre, 分中心)
    rep_id      INTEGER REFERENCES staff(id),     -- the retailer's account manager
    qty         INTEGER NOT NULL,       -- the unit's volume this month (条)
    prev_qty    INTEGER NOT NULL,       -- … last month
    unit_index  REAL,                   -- growth index current / previous
    group_index REAL,                   -- the reference group's index
    ratio       REAL,                   -- unit_index / group_index (the 0.8 rule)
    reference   REAL,                   -- LARGE_ACCOUNT: the area's average per buying retailer
    detail      TEXT NOT NULL,          -- the finding in words (zh-CN)
    status      TEXT NOT NULL,          -- OPEN | ACKNOWLEDGED | MEASURED | CLOSED
    measure     TEXT,                   -- 整改措施
    result      TEXT,                   -- 关闭说明
    version     INTEGER NOT NULL DEFAULT 1,
    detected_at TEXT NOT NULL,
    updated_at  TEXT,
    updated_by  INTEGER REFERENCES staff(id),
    UNIQUE (kind, month, subject)
);
CREATE INDEX warning_month_rep ON warning(month, rep_id);
CREATE INDEX warning_month_area ON warning(month, area_id);
CREATE INDEX warning_open ON warning(status, month);

-- Each handling step of a warning, in order (who, when, what, the note).
CREATE TABLE warning_event (
    id         INTEGER PRIMARY KEY,
    warning_id INTEGER NOT NULL REFERENCES warning(id),
    at         TEXT NOT NULL,
    staff_id   INTEGER REFERENCES staff(id),
    action     TEXT NOT NULL,           -- DETECT | ACKNOWLEDGE | MEASURE | CLOSE
    status     TEXT NOT NULL,           -- the status after the step
    note       TEXT
);
CREATE INDEX warning_event_warning ON warning_event(warning_id, id);

-- The months whose warnings were detected (a start detects the complete months missing here).
CREATE TABLE warning_run (
    month       TEXT PRIMARY KEY,
    detected_at TEXT NOT NULL,
    found       INTEGER NOT NULL
);
