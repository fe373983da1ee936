-- m135 schema (SQLite). Keep in step with migrations/postgres/0001_init.sql: same names, same meaning.
-- Quantities are integer 条; money is integer fen (…_fen); dates are ISO text; booleans 0/1.

CREATE TABLE org_unit (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,            -- COMPANY | MARKETING_CENTER | COUNTY | AREA
    parent_id   INTEGER REFERENCES org_unit(id),
    market_type TEXT                      -- AREA: URBAN | RURAL
);

CREATE TABLE staff (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,        -- domain::org::Role codes
    org_unit_id     INTEGER REFERENCES org_unit(id),
    supervisor_id   INTEGER REFERENCES staff(id),
    employment_type TEXT NOT NULL DEFAULT 'PERMANENT',
    hired_on        TEXT,
    phone           TEXT,
    password_hash   TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL
);
CREATE INDEX staff_org ON staff(org_unit_id);
CREATE INDEX staff_supervisor ON staff(supervisor_id);

-- 区域单元: one rep's territory inside a market area.
CREATE TABLE territory (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    area_id     INTEGER NOT NULL REFERENCES org_unit(id),
    market_type TEXT NOT NULL,
    rep_id      INTEGER REFERENCES staff(id)
);
CREATE INDEX territory_rep ON territory(rep_id);

-- 营销线路: a visit route of a territory, walked on one weekday.
CREATE TABLE sales_route (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    territory_id INTEGER NOT NULL REFERENCES territory(id),
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7)
);

CREATE TABLE brand_assignment (
    brand            TEXT NOT NULL PRIMARY KEY,
    brand_manager_id INTEGER NOT NULL REFERENCES staff(id)
);

CREATE TABLE manufacturer (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL,
    province TEXT NOT NULL
);

-- 零售客户, every field of domain.md §3.1.
CREATE TABLE retailer (
    id                        INTEGER PRIMARY KEY,
    customer_code             TEXT NOT NULL UNIQUE,
    license_no                TEXT NOT NULL UNIQUE,
    name                      TEXT NOT NULL,
    owner_name                TEXT NOT NULL,
    address                   TEXT NOT NULL,
    phone                     TEXT,
    lat                       REAL,
    lng                       REAL,
    business_format           TEXT NOT NULL,
    market_type               TEXT NOT NULL,
    urban_rural_code          TEXT NOT NULL,
    business_scale            TEXT NOT NULL,
    business_district         TEXT NOT NULL,
    tier                      INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 30),
    tier_locked_until         TEXT,
    order_cycle               TEXT NOT NULL,
    order_weekday             INTEGER NOT NULL CHECK (order_weekday BETWEEN 1 AND 7),
    credit_grade              TEXT NOT NULL,
    compliance_grade          TEXT NOT NULL,
    terminal_level            TEXT NOT NULL,
    is_info_reporter          INTEGER NOT NULL DEFAULT 0,
    is_sample_point           INTEGER NOT NULL DEFAULT 0,
    is_integrity_group_member INTEGER NOT NULL DEFAULT 0,
    integrity_group_name      TEXT,
    is_online_orderer         INTEGER NOT NULL DEFAULT 0,
    has_pos                   INTEGER NOT NULL DEFAULT 0,
    business_status           TEXT NOT NULL DEFAULT 'OPERATING',
    store_area_m2             INTEGER,
    tobacco_area_m2           INTEGER,
    has_display_fixture       INTEGER NOT NULL DEFAULT 0,
    has_aggregated_payment    INTEGER NOT NULL DEFAULT 0,
    is_vulnerable_group       INTEGER NOT NULL DEFAULT 0,
    is_large_account          INTEGER NOT NULL DEFAULT 0,
    licensed_on               TEXT NOT NULL,
    county_id                 INTEGER NOT NULL REFERENCES org_unit(id),
    area_id                   INTEGER NOT NULL REFERENCES org_unit(id),
    territory_id              INTEGER NOT NULL REFERENCES territory(id),
    route_id                  INTEGER REFERENCES sales_route(id),
    account_manager_id        INTEGER REFERENCES staff(id),
    created_at                TEXT NOT NULL,
    updated_at                TEXT NOT NULL
);
CREATE INDEX retailer_rep ON retailer(account_manager_id);
CREATE INDEX retailer_area ON retailer(area_id);
CREATE INDEX retailer_county ON retailer(county_id);
CREATE INDEX retailer_territory ON retailer(territory_id);

CREATE TABLE retailer_tier_history (
    id            INTEGER PRIMARY KEY,
    retailer_id   INTEGER NOT NULL REFERENCES retailer(id),
    period        TEXT NOT NULL,          -- YYYY-MM the tier takes effect
    score         REAL,
    tier          INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 30),
    previous_tier INTEGER,
    reason        TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX tier_history_retailer ON retailer_tier_history(retailer_id, period);

-- Quarterly classification changes (业态/规模/市场类型), domain.md §3.1 rules, §12.
CREATE TABLE retailer_class_history (
    id           INTEGER PRIMARY KEY,
    retailer_id  INTEGER NOT NULL REFERENCES retailer(id),
    field        TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    reason       TEXT NOT NULL,
    approved_by  INTEGER REFERENCES staff(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX class_history_retailer ON retailer_class_history(retailer_id);

-- 卷烟规格, every field of domain.md §3.3.
CREATE TABLE product (
    id                          INTEGER PRIMARY KEY,
    sku_code                    TEXT NOT NULL UNIQUE,
    barcode_pack                TEXT,
    barcode_carton              TEXT,
    brand                       TEXT NOT NULL,
    spec_name                   TEXT NOT NULL,
    manufacturer_id             INTEGER NOT NULL REFERENCES manufacturer(id),
    price_class                 TEXT NOT NULL,
    transfer_price_ex_tax_fen   INTEGER NOT NULL,
    transfer_price_incl_tax_fen INTEGER NOT NULL,
    wholesale_price_fen         INTEGER NOT NULL,
    suggested_retail_price_fen  INTEGER NOT NULL,
    tar_mg_x10                  INTEGER NOT NULL,     -- tar in 0.1 mg
    stick_type                  TEXT NOT NULL,
    is_in_province              INTEGER NOT NULL DEFAULT 0,
    is_key_brand                INTEGER NOT NULL DEFAULT 0,
    key_brand_list              TEXT,
    is_new                      INTEGER NOT NULL DEFAULT 0,
    launch_date                 TEXT,
    cultivation_end_date        TEXT,
    brand_position              TEXT NOT NULL,
    supply_status               TEXT NOT NULL,
    allocation_mode             TEXT NOT NULL,
    status                      TEXT NOT NULL,
    delisted_on                 TEXT
);
CREATE INDEX product_brand ON product(brand);

CREATE TABLE product_price_history (
    id                          INTEGER PRIMARY KEY,
    product_id                  INTEGER NOT NULL REFERENCES product(id),
    effective_from              TEXT NOT NULL,
    transfer_price_ex_tax_fen   INTEGER NOT NULL,
    transfer_price_incl_tax_fen INTEGER NOT NULL,
    wholesale_price_fen         INTEGER NOT NULL,
    suggested_retail_price_fen  INTEGER NOT NULL
);
CREATE INDEX price_history_product ON product_price_history(product_id, effective_from);

-- One order line per retailer × SKU × order day. Demand, quota, ordered and supplied are kept
-- apart (domain.md §0.2 rule 4). quota_qty is NULL when the SKU had no quota that week.
CREATE TABLE order_line (
    retailer_id  INTEGER NOT NULL,
    order_date   TEXT NOT NULL,
    product_id   INTEGER NOT NULL,
    demanded_qty INTEGER NOT NULL,
    quota_qty    INTEGER,
    ordered_qty  INTEGER NOT NULL,
    supplied_qty INTEGER NOT NULL,
    amount_fen   INTEGER NOT NULL,
    PRIMARY KEY (retailer_id, order_date, product_id)
) WITHOUT ROWID;
CREATE INDEX order_line_date ON order_line(order_date);

-- Monthly roll-up of order_line (retailer × SKU × month), written in the same transaction as the
-- lines it sums; the source of dashboards and of the forecast engine's history.
CREATE TABLE sales_month (
    retailer_id  INTEGER NOT NULL,
    month        TEXT NOT NULL,
    product_id   INTEGER NOT NULL,
    demanded_qty INTEGER NOT NULL,
    ordered_qty  INTEGER NOT NULL,
    supplied_qty INTEGER NOT NULL,
    amount_fen   INTEGER NOT NULL,
    PRIMARY KEY (retailer_id, month, product_id)
) WITHOUT ROWID;
CREATE INDEX sales_month_month ON sales_month(month, product_id);

-- 需求预测: one record per retailer × SKU × month (domain.md §5.1).
CREATE TABLE forecast (
    month        TEXT NOT NULL,
    retailer_id  INTEGER NOT NULL REFERENCES retailer(id),
    product_id   INTEGER NOT NULL REFERENCES product(id),
    method       TEXT NOT NULL,           -- INTERACTIVE_VISIT | CUSTOMER_SELF_REPORT | MODEL
    quantity     INTEGER NOT NULL CHECK (quantity >= 0),
    state        TEXT NOT NULL,           -- DRAFT | SUBMITTED | BALANCED | PUBLISHED
    model_qty    INTEGER,
    interactive_qty INTEGER,
    self_report_qty INTEGER,
    balanced_qty INTEGER,
    submitted_at TEXT,
    updated_by   INTEGER REFERENCES staff(id),
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (month, retailer_id, product_id)
);

-- 拜访: a rep's visit to a retailer.
CREATE TABLE visit (
    id          INTEGER PRIMARY KEY,
    rep_id      INTEGER NOT NULL REFERENCES staff(id),
    retailer_id INTEGER NOT NULL REFERENCES retailer(id),
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    purpose     TEXT NOT NULL DEFAULT '',
    findings    TEXT NOT NULL DEFAULT '',
    lat         REAL,
    lng         REAL,
    created_at  TEXT NOT NULL
);
CREATE INDEX visit_rep ON visit(rep_id, started_at);
CREATE INDEX visit_retailer ON visit(retailer_id, started_at);

-- 信息采集: sample-point collections (stock, sales, retail price, stock-out days).
CREATE TABLE sample_collection (
    month            TEXT NOT NULL,
    retailer_id      INTEGER NOT NULL REFERENCES retailer(id),
    product_id       INTEGER NOT NULL REFERENCES product(id),
    stock_qty        INTEGER NOT NULL,
    sales_qty        INTEGER NOT NULL,
    retail_price_fen INTEGER NOT NULL,
    stockout_days    INTEGER NOT NULL DEFAULT 0,
    collected_by     INTEGER REFERENCES staff(id),
    collected_at     TEXT NOT NULL,
    PRIMARY KEY (month, retailer_id, product_id)
);

-- Regional policy (domain::config): one JSON value per section, defaults from domain.md.
CREATE TABLE config (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_by INTEGER REFERENCES staff(id),
    updated_at TEXT NOT NULL
);

-- 痕迹: append-only audit trail of every write a person makes.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_key  TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_entity ON audit_log(entity, entity_key);
CREATE INDEX audit_actor ON audit_log(actor_id, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
