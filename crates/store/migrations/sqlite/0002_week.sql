-- m135 issue 6 (SQLite): visits with traces, the rep's one-sheet, the green channel.
-- Keep in step with migrations/postgres/0002_week.sql: same names, same meaning.

-- 拜访痕迹: what a visit did and found (domain.md §7 phases ③/⑤, §8.3 categories).
ALTER TABLE visit ADD COLUMN service_items TEXT NOT NULL DEFAULT '[]';   -- JSON [{category, item}]
ALTER TABLE visit ADD COLUMN demand_notes TEXT NOT NULL DEFAULT '';       -- 需求
ALTER TABLE visit ADD COLUMN brand_notes TEXT NOT NULL DEFAULT '';        -- 品牌
ALTER TABLE visit ADD COLUMN consumer_feedback TEXT NOT NULL DEFAULT '';  -- 消费者反馈
ALTER TABLE visit ADD COLUMN anomalies TEXT NOT NULL DEFAULT '';          -- 异常情况
ALTER TABLE visit ADD COLUMN advice TEXT NOT NULL DEFAULT '';             -- advice given this time
ALTER TABLE visit ADD COLUMN follow_up TEXT NOT NULL DEFAULT '';          -- follow-up of the previous advice
ALTER TABLE visit ADD COLUMN end_lat REAL;
ALTER TABLE visit ADD COLUMN end_lng REAL;
ALTER TABLE visit ADD COLUMN updated_at TEXT;

-- Stock and price seen at a sample point during a visit (信息采集).
CREATE TABLE visit_observation (
    visit_id         INTEGER NOT NULL REFERENCES visit(id),
    product_id       INTEGER NOT NULL REFERENCES product(id),
    stock_qty        INTEGER NOT NULL CHECK (stock_qty >= 0),
    retail_price_fen INTEGER NOT NULL CHECK (retail_price_fen >= 0),
    PRIMARY KEY (visit_id, product_id)
);

-- 客户经理一张纸: one per rep per ISO week (domain.md §8). The rep's blocks are one JSON document
-- (domain::one_sheet::SheetContent); status, times and the top priority are columns for queries.
CREATE TABLE one_sheet (
    id             INTEGER PRIMARY KEY,
    rep_id         INTEGER NOT NULL REFERENCES staff(id),
    iso_week       TEXT NOT NULL,          -- YYYY-Www
    month          TEXT NOT NULL,          -- YYYY-MM of the week's Thursday
    status         TEXT NOT NULL,          -- DRAFT | SUBMITTED | REVIEWED
    top_priority   TEXT NOT NULL DEFAULT '',
    content        TEXT NOT NULL,
    submitted_at   TEXT,
    reviewed_at    TEXT,
    reviewer_id    INTEGER REFERENCES staff(id),
    review_comment TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (rep_id, iso_week)
);
CREATE INDEX one_sheet_week ON one_sheet(iso_week);

-- 沟通绿色通道: an item of a sheet to the marketing director, the monopoly officer or a retailer,
-- delivered to the recipient's inbox; handling tracked with times.
CREATE TABLE green_item (
    id           INTEGER PRIMARY KEY,
    rep_id       INTEGER NOT NULL REFERENCES staff(id),
    iso_week     TEXT NOT NULL,
    counterpart  TEXT NOT NULL,            -- MARKETING_DIRECTOR | MONOPOLY_OFFICER | RETAILER
    recipient_id INTEGER REFERENCES staff(id),
    retailer_id  INTEGER REFERENCES retailer(id),
    kind         TEXT NOT NULL,            -- MARKET_STATUS | SUGGESTION | ANOMALY | NOTICE
    content      TEXT NOT NULL,
    channel      TEXT NOT NULL,            -- PLATFORM | PHONE | WECHAT | IN_PERSON
    status       TEXT NOT NULL,            -- SENT | RECEIVED | ANSWERED | CLOSED
    answer       TEXT NOT NULL DEFAULT '',
    sent_at      TEXT NOT NULL,
    received_at  TEXT,
    answered_at  TEXT,
    closed_at    TEXT
);
CREATE INDEX green_item_rep ON green_item(rep_id, iso_week);
CREATE INDEX green_item_recipient ON green_item(recipient_id, status);
