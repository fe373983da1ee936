//! 社会库存 (domain.md §6 retail_inventory, §7 ⑥): the sample design with its strata, each month's
//! sample points (信息采集点) and what they report (`sample_collection`).
use super::ScopeIds;
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};

/// A retailer as the sample frame sees it: its stratum facts and the proxy of its stock (the
/// purchases of the design's proxy month).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FrameRow {
    pub id: i64,
    pub county_id: i64,
    pub area_id: i64,
    pub business_format: String,
    pub market_type: String,
    pub tier: i64,
    pub purchases: i64,
}

/// Every retailer that is not closed, with its purchases (条 supplied) of `month`.
pub async fn frame(db: &Db, month: &str) -> Result<Vec<FrameRow>> {
    let q = "SELECT r.id, r.county_id, r.area_id, r.business_format, r.market_type, r.tier, \
             COALESCE(t.supplied_qty, 0) AS purchases FROM retailer r \
             LEFT JOIN retailer_month_total t ON t.retailer_id = r.id AND t.month = $1 \
             WHERE r.business_status <> 'CLOSED' ORDER BY r.id";
    Ok(on_db!(db, p => sqlx::query_as::<_, FrameRow>(q).bind(month).fetch_all(p).await)?)
}

/// A design as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct DesignRow {
    pub id: i64,
    pub title: String,
    pub strata_by: String,
    pub tier_bands: String,
    pub allocation: String,
    pub target_rel_error_pct: f64,
    pub rotation_pct: f64,
    pub seed: i64,
    pub population: i64,
    pub sample_size: i64,
    pub proxy_month: String,
    pub status: String,
    pub created_by: i64,
    pub author_name: String,
    pub created_at: DateTime<Utc>,
}

const DESIGN: &str = "SELECT d.id, d.title, d.strata_by, d.tier_bands, d.allocation, d.target_rel_error_pct, \
     d.rotation_pct, d.seed, d.population, d.sample_size, d.proxy_month, d.status, d.created_by, \
     s.name AS author_name, d.created_at FROM sample_design d JOIN staff s ON s.id = d.created_by";

/// A design to store.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewDesign {
    pub title: String,
    pub strata_by: String,
    pub tier_bands: String,
    pub allocation: String,
    pub target_rel_error_pct: f64,
    pub rotation_pct: f64,
    pub seed: i64,
    pub population: i64,
    pub sample_size: i64,
    pub proxy_month: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

/// A stratum of a design.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct StratumRow {
    pub key: String,
    pub label: String,
    pub population: i64,
    pub sample_size: i64,
    pub proxy_sd: f64,
}

pub async fn active_design(db: &Db) -> Result<Option<DesignRow>> {
    let q = format!("{DESIGN} WHERE d.status = 'ACTIVE' ORDER BY d.id DESC LIMIT 1");
    Ok(on_db!(db, p => sqlx::query_as::<_, DesignRow>(&q).fetch_optional(p).await)?)
}

pub async fn designs(db: &Db) -> Result<Vec<DesignRow>> {
    let q = format!("{DESIGN} ORDER BY d.id DESC LIMIT 50");
    Ok(on_db!(db, p => sqlx::query_as::<_, DesignRow>(&q).fetch_all(p).await)?)
}

/// Retire the active design (inside the transaction that stores its successor).
pub async fn retire_active(tx: &mut Tx) -> Result<Option<i64>> {
    let q = "UPDATE sample_design SET status = 'RETIRED' WHERE status = 'ACTIVE' RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q).fetch_optional(c).await)?)
}

pub async fn insert_design(tx: &mut Tx, d: &NewDesign, strata: &[StratumRow]) -> Result<i64> {
    let q = "INSERT INTO sample_design (title, strata_by, tier_bands, allocation, target_rel_error_pct, \
             rotation_pct, seed, population, sample_size, proxy_month, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'ACTIVE', $11, $12) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(q)
        .bind(&d.title).bind(&d.strata_by).bind(&d.tier_bands).bind(&d.allocation)
        .bind(d.target_rel_error_pct).bind(d.rotation_pct).bind(d.seed).bind(d.population)
        .bind(d.sample_size).bind(&d.proxy_month).bind(d.created_by).bind(d.created_at)
        .fetch_one(c).await)?;
    let q = "INSERT INTO sample_stratum (design_id, key, label, population, sample_size, proxy_sd) \
             VALUES ($1, $2, $3, $4, $5, $6)";
    for s in strata {
        on_tx!(tx, c => sqlx::query(q).bind(id).bind(&s.key).bind(&s.label).bind(s.population)
            .bind(s.sample_size).bind(s.proxy_sd).execute(c).await.map(|_| ()))?;
    }
    Ok(id)
}

pub async fn strata(db: &Db, design_id: i64) -> Result<Vec<StratumRow>> {
    let q = "SELECT key, label, population, sample_size, proxy_sd FROM sample_stratum \
             WHERE design_id = $1 ORDER BY key";
    Ok(on_db!(db, p => sqlx::query_as::<_, StratumRow>(q).bind(design_id).fetch_all(p).await)?)
}

/// The months a design has drawn, newest first, with their points that stand (not replaced) and
/// those that reported.
pub async fn months(db: &Db, design_id: i64) -> Result<Vec<(String, i64, i64)>> {
    let q = "SELECT sp.month, CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM sample_collection c \
             WHERE c.month = sp.month AND c.retailer_id = sp.retailer_id) THEN 1 ELSE 0 END) AS BIGINT) \
             FROM sample_point sp WHERE sp.design_id = $1 AND sp.status <> 'REPLACED' \
             GROUP BY sp.month ORDER BY sp.month DESC";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(design_id).fetch_all(p).await)?)
}

/// A month's point with its retailer and rep.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct PointRow {
    pub id: i64,
    pub design_id: i64,
    pub month: String,
    pub retailer_id: i64,
    pub customer_code: String,
    pub retailer_name: String,
    pub rep_id: Option<i64>,
    pub rep_name: Option<String>,
    pub county_id: i64,
    pub stratum_key: String,
    pub status: String,
    pub reason: Option<String>,
    pub replaces_id: Option<i64>,
    /// SKUs reported this month.
    pub reported: i64,
}

const POINT: &str = "SELECT sp.id, sp.design_id, sp.month, sp.retailer_id, r.customer_code, r.name AS retailer_name, \
     r.account_manager_id AS rep_id, s.name AS rep_name, r.county_id, sp.stratum_key, sp.status, sp.reason, sp.replaces_id, \
     CAST((SELECT COUNT(*) FROM sample_collection c WHERE c.month = sp.month AND c.retailer_id = sp.retailer_id) AS BIGINT) AS reported \
     FROM sample_point sp JOIN retailer r ON r.id = sp.retailer_id LEFT JOIN staff s ON s.id = r.account_manager_id";

/// A month's points in a scope (replaced ones included, so the replacement is traceable).
pub async fn points(
    db: &Db, design_id: i64, month: &str, scope: ScopeIds, limit: i64,
) -> Result<Vec<PointRow>> {
    let q = format!(
        "{POINT} WHERE {} AND sp.design_id = $4 AND sp.month = $5 ORDER BY s.name, r.customer_code, sp.id LIMIT $6",
        scope.sql()
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, PointRow>(&q).bind(scope.rep_id).bind(scope.area_id)
        .bind(scope.county_id).bind(design_id).bind(month).bind(limit).fetch_all(p).await)?,
    )
}

pub async fn point(db: &Db, id: i64) -> Result<Option<PointRow>> {
    let q = format!("{POINT} WHERE sp.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, PointRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// The standing point of a retailer in a month (not replaced), if any.
pub async fn point_of(db: &Db, retailer_id: i64, month: &str) -> Result<Option<PointRow>> {
    let q = format!(
        "{POINT} WHERE sp.retailer_id = $1 AND sp.month = $2 AND sp.status <> 'REPLACED' \
         AND sp.design_id = (SELECT MAX(id) FROM sample_design WHERE status = 'ACTIVE')"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, PointRow>(&q).bind(retailer_id).bind(month)
        .fetch_optional(p).await)?,
    )
}

/// The retailers of a month's sample (every status: a replaced retailer is not drawn again).
pub async fn month_members(tx: &mut Tx, design_id: i64, month: &str) -> Result<Vec<(i64, String)>> {
    let q = "SELECT retailer_id, stratum_key FROM sample_point WHERE design_id = $1 AND month = $2";
    Ok(on_tx!(tx, c => sqlx::query_as(q).bind(design_id).bind(month).fetch_all(c).await)?)
}

/// The standing points of the latest month drawn before `month`.
pub async fn previous(db: &Db, design_id: i64, month: &str) -> Result<Vec<(i64, String)>> {
    let q = "SELECT retailer_id, stratum_key FROM sample_point WHERE design_id = $1 AND status <> 'REPLACED' \
             AND month = (SELECT MAX(month) FROM sample_point WHERE design_id = $1 AND month < $2)";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(design_id).bind(month).fetch_all(p).await)?)
}

/// Store a month's points (PENDING); `(retailer, stratum, replaces)`.
pub async fn insert_points(
    tx: &mut Tx, design_id: i64, month: &str, points: &[(i64, String, Option<i64>)],
) -> Result<Vec<i64>> {
    let q = "INSERT INTO sample_point (design_id, month, retailer_id, stratum_key, status, replaces_id) \
             VALUES ($1, $2, $3, $4, 'PENDING', $5) RETURNING id";
    let mut ids = Vec::with_capacity(points.len());
    for (r, k, replaces) in points {
        let id: i64 = on_tx!(tx, c => sqlx::query_scalar(q).bind(design_id).bind(month).bind(r)
            .bind(k).bind(replaces).fetch_one(c).await)?;
        ids.push(id);
    }
    Ok(ids)
}

/// Decide a point when it is still PENDING (the state check is the update's condition).
pub async fn decide(
    tx: &mut Tx, id: i64, status: &str, reason: Option<&str>, by: i64, at: DateTime<Utc>,
) -> Result<bool> {
    let q = "UPDATE sample_point SET status = $1, reason = $2, decided_by = $3, decided_at = $4 \
             WHERE id = $5 AND status = 'PENDING'";
    let n = on_tx!(tx, c => sqlx::query(q).bind(status).bind(reason).bind(by).bind(at).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Mark the month's standing points as the retailers' 信息采集点 (and no one else).
pub async fn mark_sample_points(tx: &mut Tx, design_id: i64, month: &str) -> Result<()> {
    let q = "UPDATE retailer SET is_sample_point = $1 WHERE is_sample_point = $2 AND id NOT IN \
             (SELECT retailer_id FROM sample_point WHERE design_id = $3 AND month = $4 AND status <> 'REPLACED')";
    on_tx!(tx, c => sqlx::query(q).bind(false).bind(true).bind(design_id).bind(month)
        .execute(c).await.map(|_| ()))?;
    let q = "UPDATE retailer SET is_sample_point = $1 WHERE id IN \
             (SELECT retailer_id FROM sample_point WHERE design_id = $2 AND month = $3 AND status <> 'REPLACED')";
    on_tx!(tx, c => sqlx::query(q).bind(true).bind(design_id).bind(month)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// One SKU line of a point's report.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct CountRow {
    pub product_id: i64,
    pub stock_qty: i64,
    pub sales_qty: i64,
    pub retail_price_fen: i64,
    pub stockout_days: i64,
    pub flags: String,
}

/// A point's report of a month.
pub async fn counts(db: &Db, month: &str, retailer_id: i64) -> Result<Vec<CountRow>> {
    let q = "SELECT product_id, stock_qty, sales_qty, retail_price_fen, stockout_days, flags \
             FROM sample_collection WHERE month = $1 AND retailer_id = $2 ORDER BY product_id";
    Ok(
        on_db!(db, p => sqlx::query_as::<_, CountRow>(q).bind(month).bind(retailer_id).fetch_all(p).await)?,
    )
}

/// Replace a point's report of a month; returns what it replaced.
pub async fn replace_counts(
    tx: &mut Tx, month: &str, retailer_id: i64, rows: &[CountRow], by: i64, at: DateTime<Utc>,
) -> Result<Vec<CountRow>> {
    let q = "SELECT product_id, stock_qty, sales_qty, retail_price_fen, stockout_days, flags \
             FROM sample_collection WHERE month = $1 AND retailer_id = $2 ORDER BY product_id";
    let before: Vec<CountRow> =
        on_tx!(tx, c => sqlx::query_as(q).bind(month).bind(retailer_id).fetch_all(c).await)?;
    let q = "DELETE FROM sample_collection WHERE month = $1 AND retailer_id = $2";
    on_tx!(tx, c => sqlx::query(q).bind(month).bind(retailer_id).execute(c).await.map(|_| ()))?;
    let q = "INSERT INTO sample_collection (month, retailer_id, product_id, stock_qty, sales_qty, retail_price_fen, \
             stockout_days, flags, collected_by, collected_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    for r in rows {
        on_tx!(tx, c => sqlx::query(q).bind(month).bind(retailer_id).bind(r.product_id).bind(r.stock_qty)
            .bind(r.sales_qty).bind(r.retail_price_fen).bind(r.stockout_days).bind(&r.flags).bind(by).bind(at)
            .execute(c).await.map(|_| ()))?;
    }
    Ok(before)
}

/// The SKUs a retailer bought from `from` to `to` (months), with the purchases of `month`.
pub async fn bought(
    db: &Db, retailer_id: i64, from: &str, to: &str, month: &str,
) -> Result<Vec<(i64, i64)>> {
    let q = "SELECT product_id, CAST(SUM(CASE WHEN month = $4 THEN supplied_qty ELSE 0 END) AS BIGINT) \
             FROM sales_month WHERE retailer_id = $1 AND month >= $2 AND month <= $3 AND supplied_qty > 0 \
             GROUP BY product_id ORDER BY product_id";
    Ok(
        on_db!(db, p => sqlx::query_as(q).bind(retailer_id).bind(from).bind(to).bind(month).fetch_all(p).await)?,
    )
}

/// One reported line of a standing point, for the restoration.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportLine {
    pub month: String,
    pub retailer_id: i64,
    pub stratum_key: String,
    pub county_id: i64,
    pub product_id: i64,
    pub stock_qty: i64,
    pub sales_qty: i64,
    pub retail_price_fen: i64,
    pub stockout_days: i64,
    /// The point's purchases of the SKU in the month (条 supplied).
    pub purchases: i64,
}

/// Every line the standing points of a design reported in `from..=to`.
pub async fn report_lines(
    db: &Db, design_id: i64, from: &str, to: &str,
) -> Result<Vec<ReportLine>> {
    let q = "SELECT c.month, c.retailer_id, sp.stratum_key, r.county_id, c.product_id, c.stock_qty, c.sales_qty, \
         c.retail_price_fen, c.stockout_days, COALESCE(sm.supplied_qty, 0) AS purchases \
         FROM sample_point sp JOIN sample_collection c ON c.month = sp.month AND c.retailer_id = sp.retailer_id \
         JOIN retailer r ON r.id = sp.retailer_id \
         LEFT JOIN sales_month sm ON sm.retailer_id = c.retailer_id AND sm.month = c.month AND sm.product_id = c.product_id \
         WHERE sp.design_id = $1 AND sp.status <> 'REPLACED' AND sp.month >= $2 AND sp.month <= $3 \
         ORDER BY c.month, c.retailer_id, c.product_id";
    Ok(
        on_db!(db, p => sqlx::query_as::<_, ReportLine>(q).bind(design_id).bind(from).bind(to).fetch_all(p).await)?,
    )
}

/// Standing points of a month that ordered anything in the three months up to it (the base of
/// 客户断货率), per SKU: (product, points).
pub async fn ordering_points(
    db: &Db, design_id: i64, month: &str, from: &str,
) -> Result<Vec<(i64, i64)>> {
    let q = "SELECT sm.product_id, CAST(COUNT(DISTINCT sm.retailer_id) AS BIGINT) FROM sample_point sp \
             JOIN sales_month sm ON sm.retailer_id = sp.retailer_id AND sm.month >= $3 AND sm.month <= $2 \
               AND sm.ordered_qty > 0 \
             WHERE sp.design_id = $1 AND sp.month = $2 AND sp.status <> 'REPLACED' GROUP BY sm.product_id";
    Ok(
        on_db!(db, p => sqlx::query_as(q).bind(design_id).bind(month).bind(from).fetch_all(p).await)?,
    )
}

/// The point drawn to replace `id`.
pub async fn replacement(db: &Db, id: i64) -> Result<Option<PointRow>> {
    let q = format!("{POINT} WHERE sp.replaces_id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, PointRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// Whether a point still stands (not replaced), read inside the writing transaction.
pub async fn standing(tx: &mut Tx, id: i64) -> Result<bool> {
    let q = "SELECT status FROM sample_point WHERE id = $1";
    let s: Option<String> =
        on_tx!(tx, c => sqlx::query_scalar(q).bind(id).fetch_optional(c).await)?;
    Ok(s.is_some_and(|s| s != "REPLACED"))
}

/// Per month and standing point that reported anything in `from..=to`: its stratum and the
/// sums of stock and sales over the SKUs `products` (all when `None`; a point that reported
/// none of them sums to 0): (month, retailer, stratum, stock, sales). Summed in SQL, so a
/// 13-month trend reads a row per point and month, not per line.
pub async fn point_totals(
    db: &Db, design_id: i64, from: &str, to: &str, products: Option<&[i64]>,
) -> Result<Vec<(String, i64, String, i64, i64)>> {
    let cond = products
        .map(|ids| format!("c.product_id IN {}", super::id_list(ids)))
        .unwrap_or_else(|| "1 = 1".into());
    let q = format!(
        "SELECT c.month, c.retailer_id, sp.stratum_key, \
         CAST(SUM(CASE WHEN {cond} THEN c.stock_qty ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN {cond} THEN c.sales_qty ELSE 0 END) AS BIGINT) \
         FROM sample_point sp JOIN sample_collection c ON c.month = sp.month AND c.retailer_id = sp.retailer_id \
         WHERE sp.design_id = $1 AND sp.status <> 'REPLACED' AND sp.month >= $2 AND sp.month <= $3 \
         GROUP BY c.month, c.retailer_id, sp.stratum_key ORDER BY c.month, c.retailer_id"
    );
    Ok(on_db!(db, p => sqlx::query_as(&q).bind(design_id).bind(from).bind(to).fetch_all(p).await)?)
}

/// Confirm a month's pending points in the name of their reps (the demo city's history).
pub async fn confirm_pending(
    tx: &mut Tx, design_id: i64, month: &str, at: DateTime<Utc>,
) -> Result<u64> {
    let q = "UPDATE sample_point SET status = 'CONFIRMED', decided_at = $3, \
             decided_by = (SELECT r.account_manager_id FROM retailer r WHERE r.id = sample_point.retailer_id) \
             WHERE design_id = $1 AND month = $2 AND status = 'PENDING'";
    Ok(
        on_tx!(tx, c => sqlx::query(q).bind(design_id).bind(month).bind(at).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// The purchases of a month's standing points: (retailer, rep, product, 条 supplied).
pub async fn point_purchases(
    db: &Db, design_id: i64, month: &str,
) -> Result<Vec<(i64, Option<i64>, i64, i64)>> {
    let q = "SELECT sm.retailer_id, r.account_manager_id, sm.product_id, sm.supplied_qty FROM sample_point sp \
             JOIN retailer r ON r.id = sp.retailer_id \
             JOIN sales_month sm ON sm.retailer_id = sp.retailer_id AND sm.month = sp.month AND sm.supplied_qty > 0 \
             WHERE sp.design_id = $1 AND sp.month = $2 AND sp.status <> 'REPLACED' \
             ORDER BY sm.retailer_id, sm.supplied_qty DESC, sm.product_id";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(design_id).bind(month).fetch_all(p).await)?)
}

/// Write many points' reports of a month at once (what they reported before is replaced):
/// (retailer, collector, line).
pub async fn insert_counts(
    tx: &mut Tx, month: &str, rows: &[(i64, Option<i64>, CountRow)], at: DateTime<Utc>,
) -> Result<()> {
    let mut retailers: Vec<i64> = rows.iter().map(|r| r.0).collect();
    retailers.sort_unstable();
    retailers.dedup();
    for chunk in retailers.chunks(500) {
        let q = format!(
            "DELETE FROM sample_collection WHERE month = $1 AND retailer_id IN {}",
            super::id_list(chunk)
        );
        on_tx!(tx, c => sqlx::query(&q).bind(month).execute(c).await.map(|_| ()))?;
    }
    for chunk in rows.chunks(100) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 8 + 3;
                let p: Vec<String> = (b..b + 8).map(|n| format!("${n}")).collect();
                format!("($1, {}, $2)", p.join(", "))
            })
            .collect();
        let q = format!(
            "INSERT INTO sample_collection (month, retailer_id, product_id, stock_qty, sales_qty, retail_price_fen, \
             stockout_days, flags, collected_by, collected_at) VALUES {}",
            values.join(", ")
        );
        on_tx!(tx, c => {
            let mut s = sqlx::query(&q).bind(month).bind(at);
            for (r, by, l) in chunk {
                s = s.bind(r).bind(l.product_id).bind(l.stock_qty).bind(l.sales_qty).bind(l.retail_price_fen)
                    .bind(l.stockout_days).bind(&l.flags).bind(by);
            }
            s.execute(c).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Per rep of a county: the month's standing points of the active design and those that
/// reported (gate ⑥ of the calendar).
pub async fn rep_progress(
    db: &Db, county_id: i64, month: &str,
) -> Result<Vec<(Option<i64>, i64, i64)>> {
    let q = "SELECT r.account_manager_id, CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM sample_collection c \
             WHERE c.month = sp.month AND c.retailer_id = sp.retailer_id) THEN 1 ELSE 0 END) AS BIGINT) \
             FROM sample_point sp JOIN retailer r ON r.id = sp.retailer_id \
             WHERE r.county_id = $1 AND sp.month = $2 AND sp.status <> 'REPLACED' \
             AND sp.design_id = (SELECT MAX(id) FROM sample_design WHERE status = 'ACTIVE') \
             GROUP BY r.account_manager_id";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(county_id).bind(month).fetch_all(p).await)?)
}
