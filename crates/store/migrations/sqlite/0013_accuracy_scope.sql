-- The accuracy roll-ups of a closed month read for one rep, area or county (the 135 analysis
-- step of everyone below the center, each rep's and manager's KPI figures): a month holds
-- 30 000 cells of the whole city, a rep's are 450 of them, found without filtering the month
-- (SQLite: a rep's 135 analysis read 19 ms of it).
CREATE INDEX accuracy_cell_rep ON accuracy_cell(month, account_manager_id);
CREATE INDEX accuracy_cell_area ON accuracy_cell(month, area_id);
CREATE INDEX accuracy_cell_county ON accuracy_cell(month, county_id);
CREATE INDEX accuracy_pair_rep ON accuracy_pair(month, account_manager_id);
CREATE INDEX accuracy_pair_area ON accuracy_pair(month, area_id);
CREATE INDEX accuracy_pair_county ON accuracy_pair(month, county_id);
