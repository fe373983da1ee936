-- SQLite's twin analyses the tables that 0012–0014 indexed. PostgreSQL plans plain-column
-- indexes from the columns' statistics, which a new index leaves as they are (autovacuum
-- keeps them); only the new roll-up table is analysed here.
ANALYZE sales_group_month;
