-- A retailer's months with the figures summed over a window (the key customers' demand of the
-- calendar and the forecast pages, the category totals of the customer warning): probed per
-- retailer from the index alone.
CREATE INDEX retailer_month_total_cover ON retailer_month_total(retailer_id, month, demanded_qty, supplied_qty);
