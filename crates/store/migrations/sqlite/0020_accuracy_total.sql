-- m135 issue 13 ⑥ (sqlite): a closed month's forecast accuracy per owner cell (Σ actual, Σ|A − F|
-- over every SKU and method), so the KPI page's weighted accuracy of any scope and month reads a
-- few rows instead of the month's ~30 000 accuracy_cell rows. Written with accuracy_cell by
-- store::repo::accuracy::replace_month; filled here from what accuracy_cell holds.
CREATE TABLE accuracy_total (
    month              TEXT NOT NULL,
    county_id          INTEGER NOT NULL,
    area_id            INTEGER NOT NULL,
    account_manager_id INTEGER,
    actual             INTEGER NOT NULL,
    abs_err            INTEGER NOT NULL
);
CREATE INDEX accuracy_total_month ON accuracy_total(month);
INSERT INTO accuracy_total (month, county_id, area_id, account_manager_id, actual, abs_err)
SELECT month, county_id, area_id, account_manager_id, SUM(actual), SUM(abs_err)
FROM accuracy_cell GROUP BY month, county_id, area_id, account_manager_id;
