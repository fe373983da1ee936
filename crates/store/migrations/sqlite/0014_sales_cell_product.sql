-- A month's purchases per SKU over the whole company (the forecast page of the center, the
-- brand managers and the admin reads last month's and last year's): the month's 13 000 cells
-- summed from this index alone, in SKU order, instead of visiting each cell's row and sorting
-- (SQLite 20 → 7.5 ms a month).
CREATE INDEX sales_cell_product ON sales_cell(month, product_id, demanded_qty, supplied_qty, amount_fen, retailers);
