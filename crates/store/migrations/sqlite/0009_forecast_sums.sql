-- Covering indexes for a month's forecast summed company-wide (the forecast page of the
-- marketing center and the brand managers): per SKU from (month, product_id, quantity), per
-- retailer — then per rep — from (month, retailer_id, quantity), each read without visiting
-- the table's rows.
CREATE INDEX forecast_month_product ON forecast(month, product_id, quantity);
CREATE INDEX forecast_month_retailer ON forecast(month, retailer_id, quantity);
