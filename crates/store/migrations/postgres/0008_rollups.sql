-- Roll-ups the company-wide pages read instead of scanning sales_month and order_line
-- (issue 13 ⑥). Each is keyed by the retailer's (county, area, account manager) so a scope's
-- filter applies to it as to the retailer table, and rebuilt by store::rollup::rebuild whenever
-- the lines it sums or the retailers' owners change (the city load does it; a start rebuilds
-- them when they are empty and sales_month is not).

-- Purchases per owner cell × SKU × month, over sales_month rows with a purchase (supplied > 0);
-- retailers = the retailers of the cell that bought the SKU.
CREATE TABLE sales_cell (
    month              TEXT NOT NULL,
    county_id          BIGINT NOT NULL,
    area_id            BIGINT NOT NULL,
    account_manager_id BIGINT,
    product_id         BIGINT NOT NULL,
    demanded_qty       BIGINT NOT NULL,
    ordered_qty        BIGINT NOT NULL,
    supplied_qty       BIGINT NOT NULL,
    amount_fen         BIGINT NOT NULL,
    retailers          BIGINT NOT NULL
);
CREATE INDEX sales_cell_month ON sales_cell(month, account_manager_id);

-- Distinct buying retailers per owner cell × month × product dimension (BRAND, PRICE_CLASS,
-- MANUFACTURER, TOTAL), of any SKU (retailers) and of key-brand SKUs (key_retailers): additive
-- over cells, since each retailer has one owner cell.
CREATE TABLE sales_reach (
    month              TEXT NOT NULL,
    county_id          BIGINT NOT NULL,
    area_id            BIGINT NOT NULL,
    account_manager_id BIGINT,
    dim                TEXT NOT NULL,
    key                TEXT NOT NULL,
    retailers          BIGINT NOT NULL,
    key_retailers      BIGINT NOT NULL
);
CREATE INDEX sales_reach_month ON sales_reach(month, dim);

-- 上柜: distinct retailers per owner cell × brand that bought it in the three months ending with
-- `month` (the brand manager's listing rate), for the last 13 months with purchases.
CREATE TABLE sales_listing (
    month              TEXT NOT NULL,
    county_id          BIGINT NOT NULL,
    area_id            BIGINT NOT NULL,
    account_manager_id BIGINT,
    brand              TEXT NOT NULL,
    retailers          BIGINT NOT NULL
);
CREATE INDEX sales_listing_month ON sales_listing(month);

-- Each retailer's month (all SKUs): the §6 warnings and the key customers (§5.1) read 10 k rows
-- a month, not 115 k.
CREATE TABLE retailer_month_total (
    month        TEXT NOT NULL,
    retailer_id  BIGINT NOT NULL,
    demanded_qty BIGINT NOT NULL,
    supplied_qty BIGINT NOT NULL,
    amount_fen   BIGINT NOT NULL,
    PRIMARY KEY (retailer_id, month)
);
CREATE INDEX retailer_month_total_month ON retailer_month_total(month);

-- Purchases per owner cell × order day: a week's or a month's figures per rep (§8.3, §8.4).
CREATE TABLE sales_day (
    order_date         DATE NOT NULL,
    county_id          BIGINT NOT NULL,
    area_id            BIGINT NOT NULL,
    account_manager_id BIGINT,
    supplied_qty       BIGINT NOT NULL,
    key_brand_qty      BIGINT NOT NULL,
    amount_fen         BIGINT NOT NULL
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
    county_id          BIGINT NOT NULL,
    area_id            BIGINT NOT NULL,
    account_manager_id BIGINT,
    product_id         BIGINT NOT NULL,
    method             TEXT NOT NULL,
    cells              BIGINT NOT NULL,
    actual             BIGINT NOT NULL,
    forecast           BIGINT NOT NULL,
    supplied           BIGINT NOT NULL,
    abs_err            BIGINT NOT NULL,
    cell_acc_sum       DOUBLE PRECISION NOT NULL
);
CREATE INDEX accuracy_cell_month ON accuracy_cell(month);

-- Interactive vs model per retailer with both figures on some SKU: ΣA and Σ|A − F| of each.
CREATE TABLE accuracy_pair (
    month              TEXT NOT NULL,
    county_id          BIGINT NOT NULL,
    area_id            BIGINT NOT NULL,
    account_manager_id BIGINT,
    retailer_id        BIGINT NOT NULL,
    actual             BIGINT NOT NULL,
    err_interactive    BIGINT NOT NULL,
    err_model          BIGINT NOT NULL
);
CREATE INDEX accuracy_pair_month ON accuracy_pair(month);

-- The months whose accuracy roll-up is written (a scope may have no rows in one).
CREATE TABLE accuracy_month (
    month       TEXT NOT NULL PRIMARY KEY,
    computed_at TIMESTAMPTZ NOT NULL
);
