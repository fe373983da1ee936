-- m135 issue 5 (SQLite): the month as the platform runs it — forecasts from three methods,
-- submission, supply, balancing, feedback, 135 plans. Keep in step with postgres/0003_month.sql.

-- §5.1: the rep's review of a retailer's self-report (客户提报), kept beside the retailer's figure.
ALTER TABLE forecast ADD COLUMN self_report_reviewed_qty INTEGER;
ALTER TABLE forecast ADD COLUMN self_report_reviewed_by INTEGER REFERENCES staff(id);
ALTER TABLE forecast ADD COLUMN self_report_at TEXT;
CREATE INDEX forecast_retailer ON forecast(retailer_id, month);

-- A rep's submission of a target month's forecast (day 8); RETURNED by a supervisor reopens it.
CREATE TABLE forecast_submission (
    month        TEXT NOT NULL,           -- target month YYYY-MM
    rep_id       INTEGER NOT NULL REFERENCES staff(id),
    status       TEXT NOT NULL,           -- SUBMITTED | RETURNED
    pairs        INTEGER NOT NULL,
    quantity     INTEGER NOT NULL,
    submitted_at TEXT NOT NULL,
    returned_by  INTEGER REFERENCES staff(id),
    returned_at  TEXT,
    PRIMARY KEY (month, rep_id)
);

-- Supervisors' comments on a rep's forecast (§2.1: comment and return, never edit).
CREATE TABLE forecast_comment (
    id         INTEGER PRIMARY KEY,
    month      TEXT NOT NULL,
    rep_id     INTEGER NOT NULL REFERENCES staff(id),
    author_id  INTEGER NOT NULL REFERENCES staff(id),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX forecast_comment_rep ON forecast_comment(month, rep_id);

-- The POS credential of a retailer (渠道通): only an argon2 hash of the token is kept.
CREATE TABLE retailer_credential (
    retailer_id INTEGER PRIMARY KEY REFERENCES retailer(id),
    token_hash  TEXT NOT NULL,
    issued_by   INTEGER REFERENCES staff(id),
    issued_at   TEXT NOT NULL
);

-- Next month's supply per SKU entered by the marketing center (§4.5 S).
CREATE TABLE supply_plan (
    month      TEXT NOT NULL,
    product_id INTEGER NOT NULL REFERENCES product(id),
    quantity   INTEGER NOT NULL CHECK (quantity >= 0),
    updated_by INTEGER REFERENCES staff(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (month, product_id)
);

-- A balancing run of a target month: DRAFT (reviewable) until PUBLISHED.
CREATE TABLE balance_run (
    month        TEXT PRIMARY KEY,
    state        TEXT NOT NULL,           -- DRAFT | PUBLISHED
    run_by       INTEGER REFERENCES staff(id),
    run_at       TEXT NOT NULL,
    published_by INTEGER REFERENCES staff(id),
    published_at TEXT
);

-- The balanced figure per retailer × SKU of the latest run.
CREATE TABLE balance_line (
    month       TEXT NOT NULL,
    retailer_id INTEGER NOT NULL REFERENCES retailer(id),
    product_id  INTEGER NOT NULL REFERENCES product(id),
    tier        INTEGER NOT NULL,
    forecast_qty INTEGER NOT NULL,
    final_qty   INTEGER NOT NULL,
    capped      INTEGER NOT NULL DEFAULT 0,
    flagged     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, retailer_id, product_id)
);

-- ⑤ feedback: the rep fed the balanced figure back to a retailer (动销台帐 value recorded).
CREATE TABLE forecast_feedback (
    month        TEXT NOT NULL,
    retailer_id  INTEGER NOT NULL REFERENCES retailer(id),
    rep_id       INTEGER NOT NULL REFERENCES staff(id),
    ledger_qty   INTEGER NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    ticked_at    TEXT NOT NULL,
    PRIMARY KEY (month, retailer_id)
);

-- A batch job of the month (the MODEL forecast): what it covered and when.
CREATE TABLE month_job (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,            -- MODEL_FORECAST
    month       TEXT NOT NULL,
    scope       TEXT NOT NULL,
    total       INTEGER NOT NULL,
    written     INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    actor       TEXT NOT NULL
);

-- The 135 cycle (§9): a person's plan and improvement measures for a working month.
CREATE TABLE plan135 (
    month       TEXT NOT NULL,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    plan        TEXT NOT NULL DEFAULT '',
    improvement TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (month, staff_id)
);
