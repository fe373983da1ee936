//! 新品上柜 (domain.md §6, §9.2): listing programmes, their frozen target retailers with the
//! purchases of the SKU (a roll-up of order_line this module keeps), and the effect reviews.
use super::ScopeIds;
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};

/// A programme with its SKU and author.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct ProgrammeRow {
    pub id: i64,
    pub product_id: i64,
    pub sku_code: String,
    pub brand: String,
    pub spec_name: String,
    pub price_class: String,
    pub product_status: String,
    pub title: String,
    pub min_tier: Option<i64>,
    pub max_tier: Option<i64>,
    pub business_formats: String,
    pub market_types: String,
    pub org_unit_ids: String,
    pub from_week: String,
    pub to_week: String,
    pub plan_qty: i64,
    pub targets: i64,
    pub status: String,
    pub decision: Option<String>,
    pub refreshed_through: Option<NaiveDate>,
    pub version: i64,
    pub created_by: i64,
    pub author_name: String,
    pub created_at: DateTime<Utc>,
    pub concluded_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT g.id, g.product_id, p.sku_code, p.brand, p.spec_name, p.price_class, \
     p.status AS product_status, g.title, g.min_tier, g.max_tier, g.business_formats, g.market_types, \
     g.org_unit_ids, g.from_week, g.to_week, g.plan_qty, g.targets, g.status, g.decision, \
     g.refreshed_through, g.version, g.created_by, s.name AS author_name, g.created_at, g.concluded_at \
     FROM listing_programme g JOIN product p ON p.id = g.product_id JOIN staff s ON s.id = g.created_by";

/// A new programme as written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewProgramme {
    pub product_id: i64,
    pub title: String,
    pub min_tier: Option<i64>,
    pub max_tier: Option<i64>,
    pub business_formats: String,
    pub market_types: String,
    pub org_unit_ids: String,
    pub from_week: String,
    pub to_week: String,
    pub plan_qty: i64,
    pub targets: i64,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

/// The facts a target rule reads, of every retailer that is not closed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub id: i64,
    pub tier: i64,
    pub business_format: String,
    pub market_type: String,
    pub county_id: i64,
    pub area_id: i64,
}

pub async fn candidates(db: &Db) -> Result<Vec<Candidate>> {
    let q = "SELECT id, tier, business_format, market_type, county_id, area_id FROM retailer \
             WHERE business_status <> 'CLOSED' ORDER BY id";
    Ok(on_db!(db, p => sqlx::query_as::<_, Candidate>(q).fetch_all(p).await)?)
}

/// Whether an active programme of this SKU exists (checked inside the creating transaction).
pub async fn active_of_product(tx: &mut Tx, product_id: i64) -> Result<Option<i64>> {
    let q = "SELECT id FROM listing_programme WHERE product_id = $1 AND status = 'ACTIVE'";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q).bind(product_id).fetch_optional(c).await)?)
}

/// Insert a programme and its targets.
pub async fn insert(tx: &mut Tx, g: &NewProgramme, targets: &[i64]) -> Result<i64> {
    let q = "INSERT INTO listing_programme (product_id, title, min_tier, max_tier, business_formats, market_types, \
             org_unit_ids, from_week, to_week, plan_qty, targets, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'ACTIVE', $12, $13) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(q)
        .bind(g.product_id).bind(&g.title).bind(g.min_tier).bind(g.max_tier).bind(&g.business_formats)
        .bind(&g.market_types).bind(&g.org_unit_ids).bind(&g.from_week).bind(&g.to_week)
        .bind(g.plan_qty).bind(g.targets).bind(g.created_by).bind(g.created_at)
        .fetch_one(c).await)?;
    // Ids are integers read from the database, written as literals: 500 rows a statement.
    for chunk in targets.chunks(500) {
        let values: Vec<String> = chunk.iter().map(|r| format!("({id}, {r})")).collect();
        let q = format!(
            "INSERT INTO listing_target (programme_id, retailer_id) VALUES {}",
            values.join(", ")
        );
        on_tx!(tx, c => sqlx::query(&q).execute(c).await.map(|_| ()))?;
    }
    Ok(id)
}

/// Fold the SKU's purchases by the targets from `from` to `to` (order days with a supply) into
/// the targets' roll-up, and note the last order day folded. Only the targets with a purchase of
/// the SKU in the period's months (sales_month) visit their order lines.
pub async fn refresh(
    tx: &mut Tx, id: i64, product_id: i64, from: NaiveDate, to: NaiveDate,
) -> Result<()> {
    let q = "SELECT MAX(order_date) FROM order_line WHERE order_date <= $1";
    let last: Option<NaiveDate> =
        on_tx!(tx, c => sqlx::query_scalar(q).bind(to).fetch_one(c).await)?;
    let m1 = from.format("%Y-%m").to_string();
    let m2 = to.format("%Y-%m").to_string();
    let q = "SELECT ol.retailer_id, MIN(ol.order_date), COUNT(*), CAST(SUM(ol.supplied_qty) AS BIGINT) \
             FROM listing_target t JOIN order_line ol ON ol.retailer_id = t.retailer_id \
               AND ol.order_date >= $2 AND ol.order_date <= $3 AND ol.product_id = $4 AND ol.supplied_qty > 0 \
             WHERE t.programme_id = $1 AND t.retailer_id IN (SELECT sm.retailer_id FROM sales_month sm \
               WHERE sm.month >= $5 AND sm.month <= $6 AND sm.product_id = $4 AND sm.supplied_qty > 0) \
             GROUP BY ol.retailer_id";
    let rows: Vec<(i64, NaiveDate, i64, i64)> = on_tx!(tx, c => sqlx::query_as(q)
        .bind(id).bind(from).bind(to).bind(product_id).bind(&m1).bind(&m2).fetch_all(c).await)?;
    let q = "UPDATE listing_target SET first_on = NULL, order_days = 0, qty = 0 WHERE programme_id = $1";
    on_tx!(tx, c => sqlx::query(q).bind(id).execute(c).await.map(|_| ()))?;
    let q = "UPDATE listing_target SET first_on = $1, order_days = $2, qty = $3 WHERE programme_id = $4 AND retailer_id = $5";
    for (rid, first, days, qty) in rows {
        on_tx!(tx, c => sqlx::query(q).bind(first).bind(days).bind(qty).bind(id).bind(rid)
            .execute(c).await.map(|_| ()))?;
    }
    let q = "UPDATE listing_programme SET refreshed_through = $1 WHERE id = $2";
    on_tx!(tx, c => sqlx::query(q).bind(last).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// The last order day on record.
pub async fn last_order_day(db: &Db) -> Result<Option<NaiveDate>> {
    let q = "SELECT MAX(order_date) FROM order_line";
    Ok(on_db!(db, p => sqlx::query_scalar(q).fetch_one(p).await)?)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<ProgrammeRow>> {
    let q = format!("{SELECT} WHERE g.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, ProgrammeRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// Programmes, active first, newest first.
pub async fn list(db: &Db, limit: i64) -> Result<Vec<ProgrammeRow>> {
    let q = format!(
        "{SELECT} ORDER BY CASE WHEN g.status = 'ACTIVE' THEN 0 ELSE 1 END, g.from_week DESC, g.id DESC LIMIT $1"
    );
    Ok(on_db!(db, p => sqlx::query_as::<_, ProgrammeRow>(&q).bind(limit).fetch_all(p).await)?)
}

/// Active programmes whose weeks include `week`.
pub async fn applying(db: &Db, week: &str) -> Result<Vec<ProgrammeRow>> {
    let q = format!(
        "{SELECT} WHERE g.status = 'ACTIVE' AND g.from_week <= $1 AND g.to_week >= $1 ORDER BY g.id"
    );
    Ok(on_db!(db, p => sqlx::query_as::<_, ProgrammeRow>(&q).bind(week).fetch_all(p).await)?)
}

/// Active programmes.
pub async fn active(db: &Db) -> Result<Vec<ProgrammeRow>> {
    let q = format!("{SELECT} WHERE g.status = 'ACTIVE' ORDER BY g.id");
    Ok(on_db!(db, p => sqlx::query_as::<_, ProgrammeRow>(&q).fetch_all(p).await)?)
}

/// (programme id, targets, listed) of every programme, over the scope's targets.
pub async fn scope_counts(db: &Db, scope: ScopeIds) -> Result<Vec<(i64, i64, i64)>> {
    let q = format!(
        "SELECT t.programme_id, COUNT(*), COUNT(t.first_on) FROM listing_target t \
         JOIN retailer r ON r.id = t.retailer_id WHERE {} GROUP BY t.programme_id",
        scope.sql()
    );
    Ok(on_db!(db, p => sqlx::query_as(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).fetch_all(p).await)?)
}

/// A target retailer with its purchases of the SKU.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct TargetRow {
    pub retailer_id: i64,
    pub customer_code: String,
    pub name: String,
    pub tier: i64,
    pub business_format: String,
    pub county_id: i64,
    pub area_id: i64,
    pub area_name: String,
    pub rep_id: Option<i64>,
    pub rep_name: Option<String>,
    pub first_on: Option<NaiveDate>,
    pub order_days: i64,
    pub qty: i64,
}

/// The programme's targets within a scope, by area, rep and code.
pub async fn targets(db: &Db, id: i64, scope: ScopeIds) -> Result<Vec<TargetRow>> {
    let q = format!(
        "SELECT r.id AS retailer_id, r.customer_code, r.name, r.tier, r.business_format, r.county_id, \
         r.area_id, a.name AS area_name, r.account_manager_id AS rep_id, s.name AS rep_name, \
         t.first_on, t.order_days, t.qty \
         FROM listing_target t JOIN retailer r ON r.id = t.retailer_id JOIN org_unit a ON a.id = r.area_id \
         LEFT JOIN staff s ON s.id = r.account_manager_id \
         WHERE {} AND t.programme_id = $4 ORDER BY a.code, s.username, r.customer_code",
        scope.sql()
    );
    Ok(on_db!(db, p => sqlx::query_as::<_, TargetRow>(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(id).fetch_all(p).await)?)
}

/// A programme's (targets, listed, repeat buyers: listed on two order days or more).
pub async fn counts(db: &Db, id: i64) -> Result<(i64, i64, i64)> {
    let q = "SELECT COUNT(*), COUNT(first_on), \
             CAST(COALESCE(SUM(CASE WHEN order_days >= 2 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM listing_target WHERE programme_id = $1";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(id).fetch_one(p).await)?)
}

/// The names of a rep's targets that have not bought the SKU, of the given programmes:
/// (programme id, retailer name), by programme and code.
pub async fn rep_unlisted(db: &Db, rep_id: i64, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let q = format!(
        "SELECT t.programme_id, r.name FROM listing_target t JOIN retailer r ON r.id = t.retailer_id \
         WHERE r.account_manager_id = $1 AND t.first_on IS NULL AND t.programme_id IN ({}) \
         ORDER BY t.programme_id, r.customer_code",
        list.join(", ")
    );
    Ok(on_db!(db, p => sqlx::query_as(&q).bind(rep_id).fetch_all(p).await)?)
}

/// Purchases of a price class over the company in a month (条).
pub async fn class_month(db: &Db, price_class: &str, month: &str) -> Result<i64> {
    let q = "SELECT CAST(COALESCE(SUM(c.supplied_qty), 0) AS BIGINT) FROM sales_cell c JOIN product p ON p.id = c.product_id \
             WHERE c.month = $1 AND p.price_class = $2";
    let v: i64 = on_db!(db, p => sqlx::query_scalar::<_, i64>(q).bind(month).bind(price_class).fetch_one(p).await)?;
    Ok(v)
}

/// A stored effect review.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct ReviewRow {
    pub id: i64,
    pub programme_id: i64,
    pub measures: String,
    pub proposal: String,
    pub reasons: String,
    pub decision: String,
    pub note: String,
    pub new_to_week: Option<String>,
    pub reviewed_by: i64,
    pub reviewer_name: String,
    pub reviewed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct NewReview {
    pub programme_id: i64,
    pub measures: String,
    pub proposal: String,
    pub reasons: String,
    pub decision: String,
    pub note: String,
    pub new_to_week: Option<String>,
    pub reviewed_by: i64,
    pub reviewed_at: DateTime<Utc>,
}

pub async fn reviews(db: &Db, id: i64) -> Result<Vec<ReviewRow>> {
    let q = "SELECT v.id, v.programme_id, v.measures, v.proposal, v.reasons, v.decision, v.note, v.new_to_week, \
             v.reviewed_by, s.name AS reviewer_name, v.reviewed_at FROM listing_review v \
             JOIN staff s ON s.id = v.reviewed_by WHERE v.programme_id = $1 ORDER BY v.id DESC";
    Ok(on_db!(db, p => sqlx::query_as::<_, ReviewRow>(q).bind(id).fetch_all(p).await)?)
}

/// Record a review and move the programme on, if it is still at `version` and active: `false`
/// when someone else got there first. ADJUST keeps it active with the new last week; CONTINUE and
/// EXIT conclude it.
pub async fn review(tx: &mut Tx, r: &NewReview, version: i64) -> Result<bool> {
    let (status, concluded) = if r.decision == "ADJUST" {
        ("ACTIVE", None)
    } else {
        ("CONCLUDED", Some(r.reviewed_at))
    };
    let q = "UPDATE listing_programme SET status = $1, decision = $2, to_week = COALESCE($3, to_week), \
             concluded_at = $4, version = version + 1 WHERE id = $5 AND version = $6 AND status = 'ACTIVE'";
    let n = on_tx!(tx, c => sqlx::query(q).bind(status).bind(&r.decision).bind(&r.new_to_week)
        .bind(concluded).bind(r.programme_id).bind(version).execute(c).await.map(|x| x.rows_affected()))?;
    if n == 0 {
        return Ok(false);
    }
    let q = "INSERT INTO listing_review (programme_id, measures, proposal, reasons, decision, note, new_to_week, \
             reviewed_by, reviewed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    on_tx!(tx, c => sqlx::query(q).bind(r.programme_id).bind(&r.measures).bind(&r.proposal)
        .bind(&r.reasons).bind(&r.decision).bind(&r.note).bind(&r.new_to_week).bind(r.reviewed_by)
        .bind(r.reviewed_at).execute(c).await.map(|_| ()))?;
    Ok(true)
}

/// 品牌进退: a SKU that exits its cultivation becomes 拟退 (status EXITING, position EXIT).
pub async fn mark_exiting(tx: &mut Tx, product_id: i64) -> Result<Option<(String, String)>> {
    let q = "SELECT status, brand_position FROM product WHERE id = $1";
    let before: Option<(String, String)> =
        on_tx!(tx, c => sqlx::query_as(q).bind(product_id).fetch_optional(c).await)?;
    let q = "UPDATE product SET status = 'EXITING', brand_position = 'EXIT' WHERE id = $1 AND status = 'ACTIVE'";
    on_tx!(tx, c => sqlx::query(q).bind(product_id).execute(c).await.map(|_| ()))?;
    Ok(before)
}

/// The level a KPI figure of the listing is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingPlace {
    County,
    Area,
    Rep,
    Retailer,
}

impl ListingPlace {
    fn sql(self) -> &'static str {
        match self {
            ListingPlace::County => "r.county_id",
            ListingPlace::Area => "r.area_id",
            ListingPlace::Rep => "CAST(COALESCE(r.account_manager_id, 0) AS BIGINT)",
            ListingPlace::Retailer => "r.id",
        }
    }
}

/// The scope's (or one retailer's) targets per programme and first purchase day:
/// (programme id, first purchase day, targets) — the company's straight from the roll-up.
pub async fn kpi_days(
    db: &Db, scope: ScopeIds, retailer: Option<i64>,
) -> Result<Vec<(i64, Option<NaiveDate>, i64)>> {
    let whole = scope == ScopeIds::default() && retailer.is_none();
    let q = if whole {
        "SELECT t.programme_id, t.first_on, COUNT(*) FROM listing_target t \
         WHERE CAST($1 AS BIGINT) IS NULL AND CAST($2 AS BIGINT) IS NULL AND CAST($3 AS BIGINT) IS NULL \
         AND CAST($4 AS BIGINT) IS NULL GROUP BY t.programme_id, t.first_on"
            .to_string()
    } else {
        format!(
            "SELECT t.programme_id, t.first_on, COUNT(*) FROM listing_target t JOIN retailer r ON r.id = t.retailer_id \
             WHERE {} AND {} GROUP BY t.programme_id, t.first_on",
            scope.sql(),
            if retailer.is_some() {
                "r.id = $4"
            } else {
                "CAST($4 AS BIGINT) IS NULL"
            }
        )
    };
    Ok(on_db!(db, p => sqlx::query_as(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(retailer).fetch_all(p).await)?)
}

/// Per place one level down: (place id, targets, listed on or before `end`) over the programmes
/// `ids` (programme ids from the database, written as literals).
pub async fn kpi_places(
    db: &Db, scope: ScopeIds, by: ListingPlace, ids: &[i64], end: NaiveDate,
) -> Result<Vec<(i64, i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let q = format!(
        "SELECT {col}, COUNT(*), CAST(COALESCE(SUM(CASE WHEN t.first_on <= $4 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM listing_target t JOIN retailer r ON r.id = t.retailer_id \
         WHERE {} AND t.programme_id IN ({}) GROUP BY {col}",
        scope.sql(),
        list.join(", "),
        col = by.sql()
    );
    Ok(on_db!(db, p => sqlx::query_as(&q)
        .bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(end).fetch_all(p).await)?)
}

/// Every programme's weeks: (id, first week, last week, the SKU's brand, the SKU).
pub async fn weeks(db: &Db) -> Result<Vec<(i64, String, String, String, i64)>> {
    let q = "SELECT g.id, g.from_week, g.to_week, p.brand, g.product_id FROM listing_programme g \
             JOIN product p ON p.id = g.product_id ORDER BY g.id";
    Ok(on_db!(db, p => sqlx::query_as(q).fetch_all(p).await)?)
}
