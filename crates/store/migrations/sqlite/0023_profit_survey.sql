-- m135 issue 12 ② (sqlite): the retailer profit survey (零售户盈利调查, domain.md §6 零售户毛利率,
-- §7 ⑥): each month's surveyed retailers (a share of each rep's, rotating), and what they sold
-- per SKU at which actual retail price, with the wholesale price of the day kept beside it.
-- Keep in step with postgres/0023_profit_survey.sql.
CREATE TABLE profit_survey (
    id          INTEGER PRIMARY KEY,
    month       TEXT NOT NULL,
    retailer_id INTEGER NOT NULL REFERENCES retailer(id),
    rep_id      INTEGER REFERENCES staff(id),
    status      TEXT NOT NULL,                  -- PENDING | DONE
    revenue_fen INTEGER NOT NULL DEFAULT 0,      -- Σ retail × qty
    margin_fen  INTEGER NOT NULL DEFAULT 0,      -- Σ (retail − wholesale) × qty
    cartons     INTEGER NOT NULL DEFAULT 0,
    inversions  INTEGER NOT NULL DEFAULT 0,      -- lines sold below the wholesale price
    surveyed_by INTEGER REFERENCES staff(id),
    surveyed_at TEXT,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (month, retailer_id)
);
CREATE INDEX profit_survey_retailer ON profit_survey(retailer_id, month);

CREATE TABLE profit_line (
    survey_id           INTEGER NOT NULL REFERENCES profit_survey(id),
    product_id          INTEGER NOT NULL REFERENCES product(id),
    qty                 INTEGER NOT NULL CHECK (qty >= 0),
    retail_price_fen    INTEGER NOT NULL CHECK (retail_price_fen > 0),
    wholesale_price_fen INTEGER NOT NULL,
    PRIMARY KEY (survey_id, product_id)
);
