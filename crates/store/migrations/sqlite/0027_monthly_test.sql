-- m135 issue 14 ③ (sqlite): 应知应会 monthly tests — the question bank kept by the centre, each
-- month's paper drawn from it with its window and time limit, and one attempt per person.
-- Keep in step with postgres/0027_monthly_test.sql.
CREATE TABLE test_question (
    id          INTEGER PRIMARY KEY,
    category    TEXT NOT NULL,              -- domain::exam::Category
    kind        TEXT NOT NULL,              -- domain::exam::QuestionKind
    stem        TEXT NOT NULL,
    options     TEXT NOT NULL,              -- JSON array of strings
    answer      TEXT NOT NULL,              -- JSON array of option indices
    explanation TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    created_by  INTEGER REFERENCES staff(id),
    created_at  TEXT NOT NULL
);

CREATE TABLE monthly_test (
    id           INTEGER PRIMARY KEY,
    month        TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    opens_on     TEXT NOT NULL,
    closes_on    TEXT NOT NULL,             -- last day (inclusive)
    minutes      INTEGER NOT NULL,
    question_ids TEXT NOT NULL,             -- JSON array, the paper's order
    created_by   INTEGER REFERENCES staff(id),
    created_at   TEXT NOT NULL
);

CREATE TABLE test_attempt (
    id           INTEGER PRIMARY KEY,
    test_id      INTEGER NOT NULL REFERENCES monthly_test(id),
    staff_id     INTEGER NOT NULL REFERENCES staff(id),
    started_at   TEXT NOT NULL,
    submitted_at TEXT,
    answers      TEXT,                      -- JSON array (per question, the chosen indices)
    right_count  INTEGER,
    score        REAL,
    UNIQUE (test_id, staff_id)
);
CREATE INDEX test_attempt_staff ON test_attempt(staff_id);
