-- m135 issue 13 ① (sqlite): the customer counts of 动销率 and 需求旺盛度 (domain.md §6, YC/T 455.3)
-- in the KPI roll-up: retailers with a demand record in the month, and retailers that bought in
-- the three months before it. Emptied so that the next start rebuilds the roll-ups with them.
ALTER TABLE kpi_cell ADD COLUMN demand_retailers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_cell ADD COLUMN prev3_buyers INTEGER NOT NULL DEFAULT 0;
DELETE FROM kpi_cell;
