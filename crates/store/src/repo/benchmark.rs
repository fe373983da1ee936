//! 标杆终端 (domain.md §10): benchmark terminals, their score sheets and in-store service days.
use super::ScopeIds;
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};

/// A benchmark terminal with its shop, its latest score and its latest in-store day.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct BenchRow {
    pub id: i64,
    pub retailer_id: i64,
    pub customer_code: String,
    pub name: String,
    pub business_format: String,
    pub area_id: i64,
    pub rep_id: i64,
    pub rep_name: String,
    pub status: String,
    pub reason: String,
    pub designated_at: DateTime<Utc>,
    pub last_score: Option<i64>,
    pub last_scored_on: Option<String>,
    pub last_in_store: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT b.id, b.retailer_id, r.customer_code, r.name, r.business_format, r.area_id, b.rep_id, \
     s.name AS rep_name, b.status, b.reason, b.designated_at, \
     (SELECT x.total FROM benchmark_score x WHERE x.benchmark_id = b.id ORDER BY x.scored_on DESC, x.id DESC LIMIT 1) AS last_score, \
     (SELECT MAX(x.scored_on) FROM benchmark_score x WHERE x.benchmark_id = b.id) AS last_scored_on, \
     (SELECT MAX(v.started_at) FROM visit v WHERE v.retailer_id = b.retailer_id AND v.kind = 'IN_STORE_DAY') AS last_in_store \
     FROM benchmark_terminal b JOIN retailer r ON r.id = b.retailer_id JOIN staff s ON s.id = b.rep_id";

/// The active benchmark terminals of a scope (by rep, then code).
pub async fn active(db: &Db, scope: ScopeIds) -> Result<Vec<BenchRow>> {
    let q = format!(
        "{SELECT} WHERE b.status = 'ACTIVE' AND {} ORDER BY s.username, r.customer_code",
        scope.sql()
    );
    Ok(on_db!(db, p => sqlx::query_as::<_, BenchRow>(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).fetch_all(p).await)?)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<BenchRow>> {
    let q = format!("{SELECT} WHERE b.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, BenchRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// Active benchmark terminals per rep of a scope: (rep id, count).
pub async fn count_by_rep(db: &Db, scope: ScopeIds) -> Result<Vec<(i64, i64)>> {
    let q = format!(
        "SELECT b.rep_id, COUNT(*) FROM benchmark_terminal b JOIN retailer r ON r.id = b.retailer_id \
         WHERE b.status = 'ACTIVE' AND {} GROUP BY b.rep_id",
        scope.sql()
    );
    Ok(on_db!(db, p => sqlx::query_as(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).fetch_all(p).await)?)
}

/// Designate a retailer inside the caller's transaction, checking there (so two racing
/// designations cannot pass `most`): `Ok(None)` when the rep already has `most` active ones or
/// the retailer already is a benchmark terminal; else the id.
pub async fn designate(
    tx: &mut Tx, retailer_id: i64, rep_id: i64, reason: &str, most: i64, at: DateTime<Utc>,
) -> Result<Option<i64>> {
    let q = "SELECT COUNT(*) FROM benchmark_terminal WHERE rep_id = $1 AND status = 'ACTIVE'";
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(q).bind(rep_id).fetch_one(c).await)?;
    if n >= most {
        return Ok(None);
    }
    let q = "SELECT id, status FROM benchmark_terminal WHERE retailer_id = $1";
    let existing: Option<(i64, String)> =
        on_tx!(tx, c => sqlx::query_as(q).bind(retailer_id).fetch_optional(c).await)?;
    match existing {
        Some((_, status)) if status == "ACTIVE" => Ok(None),
        Some((id, _)) => {
            let q = "UPDATE benchmark_terminal SET status = 'ACTIVE', rep_id = $1, reason = $2, designated_at = $3, \
                     removed_at = NULL WHERE id = $4 AND status = 'REMOVED'";
            on_tx!(tx, c => sqlx::query(q).bind(rep_id).bind(reason).bind(at).bind(id)
                .execute(c).await.map(|_| ()))?;
            Ok(Some(id))
        }
        None => {
            let q = "INSERT INTO benchmark_terminal (retailer_id, rep_id, status, reason, designated_at) \
                     VALUES ($1, $2, 'ACTIVE', $3, $4) RETURNING id";
            Ok(Some(on_tx!(tx, c => sqlx::query_scalar(q)
                .bind(retailer_id).bind(rep_id).bind(reason).bind(at).fetch_one(c).await)?))
        }
    }
}

/// Remove an active one (0 rows when it is not active any more).
pub async fn remove(tx: &mut Tx, id: i64, reason: &str, at: DateTime<Utc>) -> Result<u64> {
    let q = "UPDATE benchmark_terminal SET status = 'REMOVED', reason = $1, removed_at = $2 WHERE id = $3 AND status = 'ACTIVE'";
    Ok(
        on_tx!(tx, c => sqlx::query(q).bind(reason).bind(at).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// Inside the writing transaction: whether the terminal is still active and the rep's, taking
/// its row's lock (a no-op update) so that a racing removal waits for this write, or this one
/// sees the removal.
pub async fn still_active(tx: &mut Tx, id: i64, rep_id: i64) -> Result<bool> {
    let q = "UPDATE benchmark_terminal SET status = status WHERE id = $1 AND rep_id = $2 AND status = 'ACTIVE'";
    let n: u64 = on_tx!(tx, c => sqlx::query(q).bind(id).bind(rep_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Inside the writing transaction: in-store days of a retailer starting in `[from, to)`.
pub async fn in_store_between(
    tx: &mut Tx, retailer_id: i64, from: DateTime<Utc>, to: DateTime<Utc>,
) -> Result<i64> {
    let q = "SELECT COUNT(*) FROM visit WHERE retailer_id = $1 AND kind = 'IN_STORE_DAY' AND started_at >= $2 AND started_at < $3";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(q).bind(retailer_id).bind(from).bind(to).fetch_one(c).await)?,
    )
}

/// A score sheet as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct ScoreRow {
    pub id: i64,
    pub benchmark_id: i64,
    pub scored_on: String,
    pub scorer: String,
    pub visit_id: Option<i64>,
    /// JSON: item code → points.
    pub items: String,
    pub total: i64,
    pub note: String,
}

/// A new score sheet.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewScore {
    pub benchmark_id: i64,
    pub scored_on: String,
    pub scored_by: i64,
    pub visit_id: Option<i64>,
    pub items: String,
    pub total: i64,
    pub note: String,
}

pub async fn insert_score(tx: &mut Tx, s: &NewScore) -> Result<i64> {
    let q = "INSERT INTO benchmark_score (benchmark_id, scored_on, scored_by, visit_id, items, total, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q)
        .bind(s.benchmark_id).bind(&s.scored_on).bind(s.scored_by).bind(s.visit_id).bind(&s.items)
        .bind(s.total).bind(&s.note).fetch_one(c).await)?)
}

/// The score sheets of several terminals, each's newest `per` first.
pub async fn scores_of(db: &Db, ids: &[i64], per: usize) -> Result<Vec<ScoreRow>> {
    let q = format!(
        "SELECT x.id, x.benchmark_id, x.scored_on, s.name AS scorer, x.visit_id, x.items, x.total, x.note \
         FROM benchmark_score x JOIN staff s ON s.id = x.scored_by WHERE x.benchmark_id IN {} \
         ORDER BY x.benchmark_id, x.scored_on DESC, x.id DESC",
        super::id_list(ids)
    );
    let rows: Vec<ScoreRow> =
        on_db!(db, p => sqlx::query_as::<_, ScoreRow>(&q).fetch_all(p).await)?;
    let mut n: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    Ok(rows
        .into_iter()
        .filter(|r| {
            let k = n.entry(r.benchmark_id).or_default();
            *k += 1;
            *k <= per
        })
        .collect())
}

/// The in-store days of several retailers, each's newest `per` first: (retailer id, start).
pub async fn in_store_days_of(
    db: &Db, retailer_ids: &[i64], per: usize,
) -> Result<Vec<(i64, DateTime<Utc>)>> {
    let q = format!(
        "SELECT retailer_id, started_at FROM visit WHERE retailer_id IN {} AND kind = 'IN_STORE_DAY' \
         ORDER BY retailer_id, started_at DESC",
        super::id_list(retailer_ids)
    );
    let rows: Vec<(i64, DateTime<Utc>)> = on_db!(db, p => sqlx::query_as(&q).fetch_all(p).await)?;
    let mut n: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    Ok(rows
        .into_iter()
        .filter(|(r, _)| {
            let k = n.entry(*r).or_default();
            *k += 1;
            *k <= per
        })
        .collect())
}

/// Record an in-store service day as a visit of kind `IN_STORE_DAY`; its id.
pub async fn insert_in_store_day(
    tx: &mut Tx, rep_id: i64, retailer_id: i64, started_at: DateTime<Utc>, ended_at: DateTime<Utc>,
    findings: &str, at: DateTime<Utc>,
) -> Result<i64> {
    let q = "INSERT INTO visit (rep_id, retailer_id, started_at, ended_at, purpose, findings, created_at, kind) \
             VALUES ($1, $2, $3, $4, '驻店式服务', $5, $6, 'IN_STORE_DAY') RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q)
        .bind(rep_id).bind(retailer_id).bind(started_at).bind(ended_at).bind(findings).bind(at)
        .fetch_one(c).await)?)
}

/// The month's sums of the retailers of a cluster (an area's retailers of one business format):
/// (retailers that bought, Σ supplied, Σ amount fen, Σ key-brand supplied).
pub async fn cluster_month(
    db: &Db, area_id: i64, business_format: &str, month: &str,
) -> Result<(i64, i64, i64, i64)> {
    let q = "SELECT COUNT(DISTINCT CASE WHEN s.supplied_qty > 0 THEN s.retailer_id END), \
             CAST(COALESCE(SUM(s.supplied_qty), 0) AS BIGINT), CAST(COALESCE(SUM(s.amount_fen), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN p.is_key_brand = TRUE THEN s.supplied_qty ELSE 0 END), 0) AS BIGINT) \
             FROM retailer r JOIN sales_month s ON s.retailer_id = r.id JOIN product p ON p.id = s.product_id \
             WHERE r.area_id = $1 AND r.business_format = $2 AND s.month = $3";
    Ok(
        on_db!(db, p => sqlx::query_as(q).bind(area_id).bind(business_format).bind(month).fetch_one(p).await)?,
    )
}

/// A rep's modern terminals that are not active benchmark terminals: (id, code, name).
pub async fn candidates(db: &Db, rep_id: i64) -> Result<Vec<(i64, String, String)>> {
    let q = "SELECT r.id, r.customer_code, r.name FROM retailer r WHERE r.account_manager_id = $1 \
             AND r.terminal_level = 'MODERN' AND r.business_status <> 'CLOSED' \
             AND NOT EXISTS (SELECT 1 FROM benchmark_terminal b WHERE b.retailer_id = r.id AND b.status = 'ACTIVE') \
             ORDER BY r.customer_code";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(rep_id).fetch_all(p).await)?)
}
