-- m135 issue 12 ③ (sqlite): customer satisfaction (客户满意度, domain.md §6): survey waves with
-- the questionnaire as it was, the retailers each samples (answered once), and the answers —
-- kept with the rep, area and county but not the retailer, so they stay anonymous.
-- Keep in step with postgres/0024_satisfaction.sql.
CREATE TABLE satisfaction_wave (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    month         TEXT NOT NULL,
    questionnaire TEXT NOT NULL,   -- JSON: items (weights, sub-items) and the answer scale
    sample_pct    REAL NOT NULL,
    closes_on     TEXT NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES staff(id),
    created_at    TEXT NOT NULL
);

CREATE TABLE satisfaction_invite (
    wave_id     INTEGER NOT NULL REFERENCES satisfaction_wave(id),
    retailer_id INTEGER NOT NULL REFERENCES retailer(id),
    rep_id      INTEGER REFERENCES staff(id),
    answered    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (wave_id, retailer_id)
);
CREATE INDEX satisfaction_invite_retailer ON satisfaction_invite(retailer_id, answered);

CREATE TABLE satisfaction_answer (
    id          INTEGER PRIMARY KEY,
    wave_id     INTEGER NOT NULL REFERENCES satisfaction_wave(id),
    rep_id      INTEGER,
    area_id     INTEGER,
    county_id   INTEGER,
    channel     TEXT NOT NULL,             -- POS | PAPER
    total       REAL NOT NULL, -- 0–100
    item_scores TEXT NOT NULL,             -- JSON array in questionnaire order
    answers     TEXT NOT NULL,             -- JSON: the scale index per sub-item
    entered_by  INTEGER REFERENCES staff(id),   -- the panel member of a paper answer
    answered_at TEXT NOT NULL
);
CREATE INDEX satisfaction_answer_wave ON satisfaction_answer(wave_id);
