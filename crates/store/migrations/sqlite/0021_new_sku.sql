-- m135 issue 13 ④ (SQLite): new-SKU listing programmes (新品上柜, domain.md §6 新品上柜率, §9.2):
-- a brand manager's new SKU, its target retailers by rule (frozen when the programme is created),
-- the cultivation period in ISO weeks, the planned volume, and the effect reviews that end in
-- continue, adjust or exit. Keep in step with postgres/0021_new_sku.sql.
CREATE TABLE listing_programme (
    id                INTEGER PRIMARY KEY,
    product_id        INTEGER NOT NULL REFERENCES product(id),
    title             TEXT NOT NULL,
    min_tier          INTEGER CHECK (min_tier BETWEEN 1 AND 30),
    max_tier          INTEGER CHECK (max_tier BETWEEN 1 AND 30),
    business_formats  TEXT NOT NULL,   -- comma-separated codes; '' = any
    market_types      TEXT NOT NULL,   -- comma-separated codes; '' = any
    org_unit_ids      TEXT NOT NULL,   -- comma-separated county / area ids; '' = the company
    from_week         TEXT NOT NULL,   -- YYYY-Www, inclusive
    to_week           TEXT NOT NULL,
    plan_qty          INTEGER NOT NULL CHECK (plan_qty >= 0),   -- 条 over the period
    targets           INTEGER NOT NULL,
    status            TEXT NOT NULL,   -- ACTIVE | CONCLUDED
    decision          TEXT,            -- the last review's: CONTINUE | ADJUST | EXIT
    refreshed_through TEXT,            -- the last order day folded into listing_target
    version           INTEGER NOT NULL DEFAULT 1,
    created_by        INTEGER NOT NULL REFERENCES staff(id),
    created_at        TEXT NOT NULL,
    concluded_at      TEXT
);
CREATE INDEX listing_programme_status ON listing_programme(status, from_week, to_week);

-- The target retailers with their purchases of the SKU in the period, a roll-up of order_line
-- kept by the platform (at creation, at every start once new order days exist, at a review):
-- first_on = the first order day with a supply, order_days = order days with a supply.
CREATE TABLE listing_target (
    programme_id INTEGER NOT NULL REFERENCES listing_programme(id),
    retailer_id  INTEGER NOT NULL REFERENCES retailer(id),
    first_on     TEXT,
    order_days   INTEGER NOT NULL DEFAULT 0,
    qty          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (programme_id, retailer_id)
) WITHOUT ROWID;
CREATE INDEX listing_target_retailer ON listing_target(retailer_id);

-- An effect review: the measures as they stood (JSON), the computed proposal and its reasons,
-- the decision taken and why, and for ADJUST the new last week.
CREATE TABLE listing_review (
    id           INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES listing_programme(id),
    measures     TEXT NOT NULL,
    proposal     TEXT NOT NULL,
    reasons      TEXT NOT NULL,
    decision     TEXT NOT NULL,
    note         TEXT NOT NULL,
    new_to_week  TEXT,
    reviewed_by  INTEGER NOT NULL REFERENCES staff(id),
    reviewed_at  TEXT NOT NULL
);
CREATE INDEX listing_review_programme ON listing_review(programme_id, id);
