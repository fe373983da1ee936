-- 修正平衡 (domain.md §4.5): the tier-quota ladders (§4.3) a run applied to its tight SKUs, as JSON,
-- so the review shows the caps each tier and sub-market was held to.
ALTER TABLE balance_run ADD COLUMN ladders TEXT;
