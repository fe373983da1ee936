-- Roll-ups the company-wide pages read instead of scanning sales_month and order_line
-- (issue 13 ⑥). Each is keyed by the retailer's (county, area, account manager) so a scope's
-- filter applies to it as to the retailer table, and rebuilt by store::rollup::rebuild whenever
-- the lines it sums or the retailers' owners change (the city load does it; a start rebuilds
-- them when they are empty and sales_month is not).

-- Purchases per owner cell × SKU × month, over sales_month rows with a purchase (supplied > 0);
-- retailers = the retailers of the cell that bought the SKU.
CREATE TABLE sales_cell (
    month              TEXT NOT NULL,
    county_id          INTEGER NOT NULL,
    area_id            INTEGER NOT NULL,
    account_manager_id INTEGER,
    product_id         INTEGER NOT NULL,
    demanded_qty       INTEGER NOT NULL,
    ordered_qty        INTEGER NOT NULL,
    supplied_qty       INTEGER NOT NULL,
    amount_fen         INTEGER NOT NULL,
    retailers          INTEGER NOT NULL
);
CREATE INDEX sales_cell_month ON sales_cell(month, account_manager_id);

-- Distinct buying retailers per owner cell × month × product dimension (BRAND, PRICE_CLASS,
-- MANUFACTURER, TOTAL), of any SKU (retailers) and of key-brand SKUs (key_retailers): additive
-- over cells, since each retailer has one owner cell.
CREATE TABLE sales_reach (
    month              TEXT NOT NULL,
    county_id          INTEGER NOT NULL,
    area_id            INTEGER NOT NULL,
    account_manager_id INTEGER,
    dim                TEXT NOT NULL,
    key                TEXT NOT NULL,
    retailers          INTEGER NOT NULL,
    key_retailers      INTEGER NOT NULL
);
CREATE INDEX sales_reach_month ON sales_reach(month, dim);

-- 上柜: distinct retailers per owner cell × brand that bought it in the three months ending with
-- `month` (the brand manager's listing rate), for the last 13 months with purchases.
CREATE TABLE sales_listing (
    month              TEXT NOT NULL,
    county_id          INTEGER NOT NULL,
    area_id            INTEGER NOT NULL,
    account_manager_id INTEGER,
    brand              TEXT NOT NULL,
    retailers          INTEGER NOT NULL
);
CREATE INDEX sales_listing_month ON sales_listing(month);

-- Each retailer's month (all SKUs): the §6 warnings and the key customers (§5.1) read 10 k rows
-- a month, not 115 k.
CREATE TABLE retailer_month_total (
    month        TEXT NOT NULL,
    retailer_id  INTEGER NOT NULL,
    demanded_qty INTEGER NOT NULL,
    supplied_qty INTEGER NOT NULL,
    amount_fen   INTEGER NOT NULL,
    PRIMARY KEY (retailer_id, month)
);
CREATE INDEX retailer_month_total_month ON retailer_month_total(month);

-- Purchases per owner cell × order day: a week's or a month's figures per rep (§8.3, §8.4).
CREATE TABLE sales_day (
    order_date         TEXT NOT NULL,
    county_id          INTEGER NOT NULL,
    area_id            INTEGER NOT NULL,
    account_manager_id INTEGER,
    supplied_qty       INTEGER NOT NULL,
    key_brand_qty      INTEGER NOT NULL,
    amount_fen         INTEGER NOT NULL
);
CREATE INDEX sales_day_date ON sales_day(order_date);

-- Company-wide roll-ups read everyone's visits of a span and the visits still open.
CREATE INDEX visit_started ON visit(started_at);
CREATE INDEX visit_open ON visit(rep_id) WHERE ended_at IS NULL;

-- Forecast accuracy of a closed month (§5.2) per owner cell × SKU × method: the additive parts
-- of the figures (Σ|A − F|, ΣA, ΣF, Σ supplied, Σ cell accuracy, cells), written by
-- app::accuracy::refresh from the month's cells once its orders are in.
CREATE TABLE accuracy_cell (
    month              TEXT NOT NULL,
    county_id          INTEGER NOT NULL,
    area_id            INTEGER NOT NULL,
    account_manager_id INTEGER,
    product_id         INTEGER NOT NULL,
    method             TEXT NOT NULL,
    cells              INTEGER NOT NULL,
    actual             INTEGER NOT NULL,
    forecast           INTEGER NOT NULL,
    supplied           INTEGER NOT NULL,
    abs_err            INTEGER NOT NULL,
    cell_acc_sum       REAL NOT NULL
);
CREATE INDEX accuracy_cell_month ON accuracy_cell(month);

-- Interactive vs model per retailer with both figures on some SKU: ΣA and Σ|A − F| of each.
CREATE TABLE accuracy_pair (
    month              TEXT NOT NULL,
    county_id          INTEGER NOT NULL,
    area_id            INTEGER NOT NULL,
    account_manager_id INTEGER,
    retailer_id        INTEGER NOT NULL,
    actual             INTEGER NOT NULL,
    err_interactive    INTEGER NOT NULL,
    err_model          INTEGER NOT NULL
);
CREATE INDEX accuracy_pair_month ON accuracy_pair(month);

-- The months whose accuracy roll-up is written (a scope may have no rows in one).
CREATE TABLE accuracy_month (
    month       TEXT NOT NULL PRIMARY KEY,
    computed_at TEXT NOT NULL
);
