-- Statistics for the indexes 0012–0014 created on tables already analysed: `Db::optimize`
-- analyses only the tables that have none, so on a database upgraded in place the planner
-- would choose among these indexes without their figures. Full statistics (analysis_limit is
-- 0 unless a connection set it); on an empty table nothing to read.
ANALYZE forecast;
ANALYZE sales_cell;
ANALYZE sales_group_month;
ANALYZE accuracy_cell;
ANALYZE accuracy_pair;
