-- The month's calendar (`/cycle`, read by every rep of a county) and the week's roll-ups count
-- the county's records and the reps' retailers; these indexes let both planners answer from the
-- index alone instead of visiting every record's row:
-- * a retailer's records of a month with the figures the calendar counts (model pairs,
--   self-reports not yet reviewed), replacing (retailer_id, month);
-- * the retailers holding an interactive figure (a small part of a month's records);
-- * a rep's retailers with the columns the key-customer count and the routes read, replacing
--   (account_manager_id).
DROP INDEX forecast_retailer;
CREATE INDEX forecast_retailer ON forecast(retailer_id, month, model_qty, self_report_qty, self_report_reviewed_qty);
CREATE INDEX forecast_interactive ON forecast(retailer_id, month) WHERE interactive_qty IS NOT NULL;
DROP INDEX retailer_rep;
CREATE INDEX retailer_rep ON retailer(account_manager_id, business_status, is_sample_point, is_info_reporter, id);
