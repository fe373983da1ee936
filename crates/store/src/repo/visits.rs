//! 拜访 — visits with their traces (domain.md §7) and sample-point observations.
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, Datelike, Utc};

/// A visit as stored, with the retailer's code and name.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct VisitRow {
    pub id: i64,
    pub rep_id: i64,
    pub retailer_id: i64,
    pub customer_code: String,
    pub retailer_name: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub purpose: String,
    pub findings: String,
    /// JSON `[{category, item}]`.
    pub service_items: String,
    pub demand_notes: String,
    pub brand_notes: String,
    pub consumer_feedback: String,
    pub anomalies: String,
    pub advice: String,
    pub follow_up: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub end_lat: Option<f64>,
    pub end_lng: Option<f64>,
}

const SELECT: &str = "SELECT v.id, v.rep_id, v.retailer_id, r.customer_code, r.name AS retailer_name, v.started_at, v.ended_at, \
     v.purpose, v.findings, v.service_items, v.demand_notes, v.brand_notes, v.consumer_feedback, v.anomalies, v.advice, v.follow_up, \
     v.lat, v.lng, v.end_lat, v.end_lng FROM visit v JOIN retailer r ON r.id = v.retailer_id";

/// What a check-in (or a whole visit recorded afterwards) writes.
#[derive(Debug, Clone, Default)]
pub struct NewVisit {
    pub rep_id: i64,
    pub retailer_id: i64,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub purpose: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, v: &NewVisit) -> Result<i64> {
    let q = "INSERT INTO visit (rep_id, retailer_id, started_at, ended_at, purpose, lat, lng, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q)
        .bind(v.rep_id).bind(v.retailer_id).bind(v.started_at).bind(v.ended_at).bind(&v.purpose)
        .bind(v.lat).bind(v.lng).bind(v.created_at)
        .fetch_one(c).await)?)
}

/// The traces written at check-out.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Traces {
    pub ended_at: Option<DateTime<Utc>>,
    pub service_items: String,
    pub findings: String,
    pub demand_notes: String,
    pub brand_notes: String,
    pub consumer_feedback: String,
    pub anomalies: String,
    pub advice: String,
    pub follow_up: String,
    pub end_lat: Option<f64>,
    pub end_lng: Option<f64>,
}

pub async fn update_traces(tx: &mut Tx, id: i64, t: &Traces, at: DateTime<Utc>) -> Result<u64> {
    let q = "UPDATE visit SET ended_at = $1, service_items = $2, findings = $3, demand_notes = $4, brand_notes = $5, \
             consumer_feedback = $6, anomalies = $7, advice = $8, follow_up = $9, end_lat = $10, end_lng = $11, updated_at = $12 \
             WHERE id = $13";
    Ok(on_tx!(tx, c => sqlx::query(q)
        .bind(t.ended_at).bind(&t.service_items).bind(&t.findings).bind(&t.demand_notes).bind(&t.brand_notes)
        .bind(&t.consumer_feedback).bind(&t.anomalies).bind(&t.advice).bind(&t.follow_up).bind(t.end_lat).bind(t.end_lng)
        .bind(at).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?)
}

pub async fn observe(
    tx: &mut Tx, visit_id: i64, product_id: i64, stock: i64, price_fen: i64,
) -> Result<u64> {
    let q = "INSERT INTO visit_observation (visit_id, product_id, stock_qty, retail_price_fen) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (visit_id, product_id) DO UPDATE SET stock_qty = $3, retail_price_fen = $4";
    Ok(
        on_tx!(tx, c => sqlx::query(q).bind(visit_id).bind(product_id).bind(stock).bind(price_fen)
        .execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// One SKU's stock and retail price as observed on a visit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct VisitObservation {
    pub sku_code: String,
    pub brand: String,
    pub spec_name: String,
    pub stock_qty: i64,
    pub retail_price_fen: i64,
}

/// Observations of a visit, by SKU.
pub async fn observations(db: &Db, visit_id: i64) -> Result<Vec<VisitObservation>> {
    let q = "SELECT p.sku_code, p.brand, p.spec_name, o.stock_qty, o.retail_price_fen FROM visit_observation o \
             JOIN product p ON p.id = o.product_id WHERE o.visit_id = $1 ORDER BY p.sku_code";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(visit_id).fetch_all(p).await)?)
}

/// One stock figure of a retailer as last collected.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct StockRow {
    /// SAMPLE (样本点采集, `sample_collection`) or VISIT (拜访观察, `visit_observation`).
    pub source: String,
    pub sku_code: String,
    pub brand: String,
    pub spec_name: String,
    pub stock_qty: i64,
    pub collected_at: DateTime<Utc>,
    /// The collection's month (sample points only).
    pub month: Option<String>,
}

/// A retailer's latest stock observations as of `now`: its latest sample-point collection (of
/// the month of `now` or the one before, collected by `now`) and its latest visit with
/// observations, each with its time.
pub async fn latest_stock(db: &Db, retailer_id: i64, now: DateTime<Utc>) -> Result<Vec<StockRow>> {
    let this = now.format("%Y-%m").to_string();
    let prev = (now.date_naive().with_day(1).expect("day 1") - chrono::Duration::days(1))
        .format("%Y-%m")
        .to_string();
    let sample = "SELECT 'SAMPLE' AS source, p.sku_code, p.brand, p.spec_name, c.stock_qty, c.collected_at, c.month \
         FROM sample_collection c JOIN product p ON p.id = c.product_id WHERE c.retailer_id = $1 AND c.month >= $2 AND c.month <= $3 \
         ORDER BY c.month DESC, p.sku_code";
    let visit = "SELECT 'VISIT' AS source, p.sku_code, p.brand, p.spec_name, o.stock_qty, v.started_at AS collected_at, NULL AS month \
         FROM visit_observation o JOIN visit v ON v.id = o.visit_id JOIN product p ON p.id = o.product_id WHERE o.visit_id = \
         (SELECT v2.id FROM visit v2 WHERE v2.retailer_id = $1 AND EXISTS (SELECT 1 FROM visit_observation o2 WHERE o2.visit_id = v2.id) \
          ORDER BY v2.started_at DESC, v2.id DESC LIMIT 1) ORDER BY p.sku_code";
    let mut rows: Vec<StockRow> = on_db!(db, p => sqlx::query_as::<_, StockRow>(sample).bind(retailer_id).bind(&prev).bind(&this).fetch_all(p).await)?
        .into_iter()
        .filter(|r| r.collected_at <= now)
        .collect();
    if let Some(m) = rows.first().and_then(|r| r.month.clone()) {
        rows.retain(|r| r.month.as_deref() == Some(m.as_str()));
    }
    rows.extend(
        on_db!(db, p => sqlx::query_as::<_, StockRow>(visit).bind(retailer_id).fetch_all(p).await)?,
    );
    Ok(rows)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<VisitRow>> {
    let q = format!("{SELECT} WHERE v.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, VisitRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// A person's visits started in `[from, to)`, plus any still open, by start time.
pub async fn of_person(
    db: &Db, rep_id: i64, from: DateTime<Utc>, to: DateTime<Utc>,
) -> Result<Vec<VisitRow>> {
    let q = format!(
        "{SELECT} WHERE v.rep_id = $1 AND ((v.started_at >= $2 AND v.started_at < $3) OR v.ended_at IS NULL) ORDER BY v.started_at, v.id"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, VisitRow>(&q).bind(rep_id).bind(from).bind(to).fetch_all(p).await)?,
    )
}

/// A visit's who, where and when: what the company-wide roll-ups count (see [`spans`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct VisitSpan {
    pub rep_id: i64,
    pub retailer_id: i64,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// Everyone's visits started in `[from, to)`, plus any still open, in one read (the batch twin
/// of [`of_person`] for roll-ups over many people).
pub async fn spans(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<VisitSpan>> {
    // Two indexed reads (by start time; the open ones) rather than one scan of every visit.
    let q = "SELECT rep_id, retailer_id, started_at, ended_at, id FROM visit WHERE started_at >= $1 AND started_at < $2 \
             UNION ALL SELECT rep_id, retailer_id, started_at, ended_at, id FROM visit \
             WHERE ended_at IS NULL AND (started_at < $1 OR started_at >= $2) ORDER BY 3, 5";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(from).bind(to).fetch_all(p).await)?)
}

/// The active retailers of the reps `rep_ids`: (rep_id, retailer_id), their routes in one read
/// (from the index `retailer_rep` alone).
pub async fn active_by_rep(db: &Db, rep_ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let q = format!(
        "SELECT account_manager_id, id FROM retailer \
         WHERE account_manager_id IN {} AND business_status <> 'CLOSED'",
        super::id_list(rep_ids)
    );
    Ok(on_db!(db, p => sqlx::query_as(&q).fetch_all(p).await)?)
}

/// The visit before `before` (a start time) of a retailer: its advice is followed up next time.
pub async fn previous_of_retailer(
    db: &Db, retailer_id: i64, before: DateTime<Utc>,
) -> Result<Option<VisitRow>> {
    let q = format!(
        "{SELECT} WHERE v.retailer_id = $1 AND v.started_at < $2 ORDER BY v.started_at DESC LIMIT 1"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, VisitRow>(&q).bind(retailer_id).bind(before).fetch_optional(p).await)?,
    )
}

/// Start times of a person's visits since `from`, by retailer: (retailer_id, started_at).
pub async fn starts_since(
    db: &Db, rep_id: i64, from: DateTime<Utc>,
) -> Result<Vec<(i64, DateTime<Utc>)>> {
    let q = "SELECT retailer_id, started_at FROM visit WHERE rep_id = $1 AND started_at >= $2 ORDER BY started_at";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(rep_id).bind(from).fetch_all(p).await)?)
}

/// A rep's active retailers in route order: (id, customer_code, name, route weekday, is_sample_point).
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct RouteRetailer {
    pub id: i64,
    pub customer_code: String,
    pub name: String,
    pub address: String,
    pub weekday: Option<i64>,
    pub is_sample_point: bool,
    pub account_manager_id: Option<i64>,
}

pub async fn route_retailers(db: &Db, rep_id: i64) -> Result<Vec<RouteRetailer>> {
    let q = "SELECT r.id, r.customer_code, r.name, r.address, sr.weekday, r.is_sample_point, r.account_manager_id \
             FROM retailer r LEFT JOIN sales_route sr ON sr.id = r.route_id \
             WHERE r.account_manager_id = $1 AND r.business_status <> 'CLOSED' ORDER BY sr.weekday, r.customer_code";
    Ok(on_db!(db, p => sqlx::query_as::<_, RouteRetailer>(q).bind(rep_id).fetch_all(p).await)?)
}

/// Retailers by customer code (any owner): the caller checks ownership.
pub async fn retailers_by_codes(db: &Db, codes: &[String]) -> Result<Vec<RouteRetailer>> {
    let mut out = Vec::new();
    let q = "SELECT r.id, r.customer_code, r.name, r.address, sr.weekday, r.is_sample_point, r.account_manager_id \
             FROM retailer r LEFT JOIN sales_route sr ON sr.id = r.route_id WHERE r.customer_code = $1";
    for c in codes {
        if let Some(r) =
            on_db!(db, p => sqlx::query_as::<_, RouteRetailer>(q).bind(c).fetch_optional(p).await)?
        {
            out.push(r);
        }
    }
    Ok(out)
}
