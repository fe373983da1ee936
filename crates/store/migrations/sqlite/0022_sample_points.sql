-- m135 issue 12 ① (sqlite): social inventory (社会库存, domain.md §6 retail_inventory, §7 ⑥
-- 库存采集): the marketing centre's sample design (strata, sizes, seed), each month's sample points
-- (信息采集点) with the rep's confirmation or replacement, and the checks confirmed on what the points report.
-- Keep in step with postgres/0022_sample_points.sql.
CREATE TABLE sample_design (
    id                   INTEGER PRIMARY KEY,
    title                TEXT NOT NULL,
    strata_by            TEXT NOT NULL,     -- comma-separated StratumBy codes
    tier_bands           TEXT NOT NULL,     -- "1-10,11-20,21-30"
    allocation           TEXT NOT NULL,     -- NEYMAN | PROPORTIONAL
    target_rel_error_pct REAL NOT NULL,
    rotation_pct         REAL NOT NULL,
    seed                 INTEGER NOT NULL,
    population           INTEGER NOT NULL,
    sample_size          INTEGER NOT NULL,
    proxy_month          TEXT NOT NULL,     -- the month whose purchases gave S_h
    status               TEXT NOT NULL,     -- ACTIVE | RETIRED
    created_by           INTEGER NOT NULL REFERENCES staff(id),
    created_at           TEXT NOT NULL
);

-- N_h, n_h and the proxy's S_h of each stratum as designed.
CREATE TABLE sample_stratum (
    design_id   INTEGER NOT NULL REFERENCES sample_design(id),
    key         TEXT NOT NULL,
    label       TEXT NOT NULL,
    population  INTEGER NOT NULL,
    sample_size INTEGER NOT NULL,
    proxy_sd    REAL NOT NULL,
    PRIMARY KEY (design_id, key)
);

-- A month's points: drawn (PENDING), confirmed by the rep, or replaced (closed, unwilling) by
-- another retailer of the same stratum.
CREATE TABLE sample_point (
    id          INTEGER PRIMARY KEY,
    design_id   INTEGER NOT NULL REFERENCES sample_design(id),
    month       TEXT NOT NULL,
    retailer_id INTEGER NOT NULL REFERENCES retailer(id),
    stratum_key TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT,
    replaces_id INTEGER REFERENCES sample_point(id),
    decided_by  INTEGER REFERENCES staff(id),
    decided_at  TEXT,
    UNIQUE (design_id, month, retailer_id)
);
CREATE INDEX sample_point_month ON sample_point(month, retailer_id);

-- What the points report per SKU stays in sample_collection (0001); the checks its collector
-- confirmed (STOCK_HIGH: stock above the policy's multiple of the month's purchases, PRICE_OFF:
-- retail price off the suggested retail price) are kept with the row.
ALTER TABLE sample_collection ADD COLUMN flags TEXT NOT NULL DEFAULT '';
