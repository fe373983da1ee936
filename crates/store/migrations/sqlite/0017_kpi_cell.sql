-- m135 issue 13 ① (sqlite): the additive figures of the §6 KPIs per owner cell × month, so a KPI
-- page reads ~100 rows a month for any scope instead of summing the month's SKU cells. Rebuilt
-- with the other roll-ups by store::rollup::rebuild: one row per cell from retailer_month_total
-- (volume, amount, all demand, buying retailers) and one from sales_cell (key-brand and class
-- 1–2 volume); every column is a sum, so readers add the rows up.
CREATE TABLE kpi_cell (
    month              TEXT NOT NULL,
    county_id          INTEGER NOT NULL,
    area_id            INTEGER NOT NULL,
    account_manager_id INTEGER,
    qty                INTEGER NOT NULL,
    amount_fen         INTEGER NOT NULL,
    demanded_qty       INTEGER NOT NULL,
    key_qty            INTEGER NOT NULL,
    class12_qty        INTEGER NOT NULL,
    buyers             INTEGER NOT NULL
);
CREATE INDEX kpi_cell_month ON kpi_cell(month);
