-- m135 issue 6 (SQLite): brand managers' cultivation tasks (品牌培育, domain.md §9.2) that land on
-- the reps' one-sheet drafts. Keep in step with postgres/0004_cultivation.sql.
CREATE TABLE cultivation_task (
    id          INTEGER PRIMARY KEY,
    brand       TEXT NOT NULL,                 -- one of the author's brands (brand_assignment)
    product_id  INTEGER REFERENCES product(id),-- optional SKU of the brand
    title       TEXT NOT NULL,
    method      TEXT NOT NULL,                 -- 具体做法
    category    TEXT NOT NULL,                 -- §8.3 checklist category code
    scope       TEXT NOT NULL,                 -- COMPANY | COUNTY | AREA
    org_unit_id INTEGER REFERENCES org_unit(id), -- the county or area; NULL for COMPANY
    min_tier    INTEGER CHECK (min_tier BETWEEN 1 AND 30), -- target retailers: tier ≥ this
    business_format TEXT,                      -- target retailers: this format (NULL = any)
    from_week   TEXT NOT NULL,                 -- YYYY-Www, inclusive
    to_week     TEXT NOT NULL,
    status      TEXT NOT NULL,                 -- OPEN | CLOSED
    created_by  INTEGER NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL,
    closed_at   TEXT
);
CREATE INDEX cultivation_task_weeks ON cultivation_task(status, from_week, to_week);
