-- m135 issue 14 (sqlite): people — the account managers' HR records, grades with their history,
-- grading rounds (竞聘定级: candidates, review assignments and scores, appeals) and the monthly
-- payroll (domain.md §11.2–§11.4). Keep in step with postgres/0026_people.sql.
CREATE TABLE staff_hr (
    staff_id         INTEGER PRIMARY KEY REFERENCES staff(id),
    education        TEXT NOT NULL,            -- domain::people::Education
    matched          INTEGER NOT NULL DEFAULT 0, -- 对口 (economics major)
    econ_cert        TEXT,                     -- 经济类职称/证书: JUNIOR | INTERMEDIATE | SENIOR
    marketer_cert    TEXT,                     -- 营销员证书 level
    marketer_cert_on TEXT,
    rep_since        TEXT,                     -- entry into the rep post
    prior_months     INTEGER NOT NULL DEFAULT 0, -- earlier rep / 访销 / outlet sales experience
    level            TEXT,                     -- domain::people::Level
    step             TEXT,                     -- assessed step
    rural            INTEGER NOT NULL DEFAULT 0, -- serves rural retailers (paid one step up)
    version          INTEGER NOT NULL DEFAULT 1,
    updated_by       INTEGER REFERENCES staff(id),
    updated_at       TEXT
);

CREATE TABLE staff_grade (
    id         INTEGER PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    level      TEXT NOT NULL,
    step       TEXT NOT NULL,
    since      TEXT NOT NULL,
    round_id   INTEGER,
    reason     TEXT NOT NULL,
    decided_by INTEGER REFERENCES staff(id),
    created_at TEXT NOT NULL
);
CREATE INDEX staff_grade_staff ON staff_grade(staff_id, since);

CREATE TABLE grading_round (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    as_of            TEXT NOT NULL,            -- the date years are counted to
    first_round      INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL,            -- REVIEW | PUBLICITY | DECIDED | APPROVED
    publicity_from   TEXT,
    publicity_until  TEXT,                     -- last day of the window (inclusive)
    created_by       INTEGER REFERENCES staff(id),
    created_at       TEXT NOT NULL,
    decided_by       INTEGER REFERENCES staff(id),
    approved_by      INTEGER REFERENCES staff(id),
    approved_at      TEXT,
    version          INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE grading_candidate (
    id              INTEGER PRIMARY KEY,
    round_id        INTEGER NOT NULL REFERENCES grading_round(id),
    staff_id        INTEGER NOT NULL REFERENCES staff(id),
    eligible        INTEGER NOT NULL,
    eligibility     TEXT NOT NULL,             -- why (not) eligible, in words
    education_pts   REAL NOT NULL,
    years_pts       REAL NOT NULL,
    exam_score      REAL,
    score_json      TEXT,                      -- domain::people::GradingScore once publicised
    total           REAL,
    proposed_level  TEXT,
    proposed_step   TEXT,
    level           TEXT,
    step            TEXT,
    override_reason TEXT,
    cert_note       TEXT,
    UNIQUE (round_id, staff_id)
);

CREATE TABLE grading_assignment (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES grading_round(id),
    candidate_id  INTEGER NOT NULL REFERENCES grading_candidate(id),
    reviewer_id   INTEGER NOT NULL REFERENCES staff(id),
    grp           TEXT NOT NULL,               -- domain::people::ReviewGroup
    retailer_id   INTEGER REFERENCES retailer(id), -- the visited retailer of a customer review
    items_json    TEXT,                        -- the rubric's item scores
    score         REAL,
    scored_at     TEXT
);
CREATE UNIQUE INDEX grading_assignment_one ON grading_assignment(candidate_id, reviewer_id, grp, COALESCE(retailer_id, 0));
CREATE INDEX grading_assignment_reviewer ON grading_assignment(reviewer_id, round_id);

CREATE TABLE grading_appeal (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES grading_candidate(id),
    reason       TEXT NOT NULL,
    filed_at     TEXT NOT NULL,
    status       TEXT NOT NULL,                -- PENDING | UPHELD | REJECTED
    answer       TEXT,
    decided_by   INTEGER REFERENCES staff(id),
    decided_at   TEXT
);
CREATE INDEX grading_appeal_candidate ON grading_appeal(candidate_id);

CREATE TABLE payroll_line (
    month           TEXT NOT NULL,
    staff_id        INTEGER NOT NULL REFERENCES staff(id),
    employment_type TEXT NOT NULL,
    level           TEXT NOT NULL,
    assessed_step   TEXT NOT NULL,
    paid_step       TEXT NOT NULL,
    years           INTEGER NOT NULL,
    base_fen        INTEGER NOT NULL,
    allowance_fen   INTEGER NOT NULL,
    seniority_fen   INTEGER NOT NULL,
    perf_base_fen   INTEGER NOT NULL,
    coefficient     REAL NOT NULL,
    factor          REAL NOT NULL,
    performance_fen INTEGER NOT NULL,
    total_fen       INTEGER NOT NULL,
    lines_json      TEXT NOT NULL,             -- each part in words
    computed_by     INTEGER REFERENCES staff(id),
    computed_at     TEXT NOT NULL,
    PRIMARY KEY (month, staff_id)
);
CREATE INDEX payroll_staff ON payroll_line(staff_id, month);
