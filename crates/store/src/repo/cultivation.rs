//! 品牌培育 (domain.md §9.2): brand managers' cultivation tasks that land on the reps' one-sheets.
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};

/// A task as stored, with the names the pages show.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub brand: String,
    pub product_id: Option<i64>,
    pub sku_code: Option<String>,
    pub title: String,
    pub method: String,
    pub category: String,
    pub scope: String,
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    pub min_tier: Option<i64>,
    pub business_format: Option<String>,
    pub from_week: String,
    pub to_week: String,
    pub status: String,
    pub created_by: i64,
    pub author_name: String,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT t.id, t.brand, t.product_id, p.sku_code, t.title, t.method, t.category, t.scope, t.org_unit_id, \
     o.name AS org_unit_name, t.min_tier, t.business_format, t.from_week, t.to_week, t.status, t.created_by, \
     s.name AS author_name, t.created_at, t.closed_at \
     FROM cultivation_task t JOIN staff s ON s.id = t.created_by LEFT JOIN product p ON p.id = t.product_id \
     LEFT JOIN org_unit o ON o.id = t.org_unit_id";

/// A new task.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewTask {
    pub brand: String,
    pub product_id: Option<i64>,
    pub title: String,
    pub method: String,
    pub category: String,
    pub scope: String,
    pub org_unit_id: Option<i64>,
    pub min_tier: Option<i64>,
    pub business_format: Option<String>,
    pub from_week: String,
    pub to_week: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, t: &NewTask) -> Result<i64> {
    let q = "INSERT INTO cultivation_task (brand, product_id, title, method, category, scope, org_unit_id, min_tier, \
             business_format, from_week, to_week, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'OPEN', $12, $13) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q)
        .bind(&t.brand).bind(t.product_id).bind(&t.title).bind(&t.method).bind(&t.category).bind(&t.scope)
        .bind(t.org_unit_id).bind(t.min_tier).bind(&t.business_format).bind(&t.from_week).bind(&t.to_week)
        .bind(t.created_by).bind(t.created_at)
        .fetch_one(c).await)?)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<TaskRow>> {
    let q = format!("{SELECT} WHERE t.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, TaskRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// Tasks, optionally of one author, newest first.
pub async fn list(db: &Db, created_by: Option<i64>, limit: i64) -> Result<Vec<TaskRow>> {
    let q = format!(
        "{SELECT} WHERE ($1 IS NULL OR t.created_by = $1) ORDER BY CASE WHEN t.status = 'OPEN' THEN 0 ELSE 1 END, t.id DESC LIMIT $2"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, TaskRow>(&q).bind(created_by).bind(limit).fetch_all(p).await)?,
    )
}

/// Open tasks applying in a week to a rep in `area_id` of `county_id` (company-wide tasks too).
pub async fn applying(
    db: &Db, week: &str, area_id: Option<i64>, county_id: Option<i64>,
) -> Result<Vec<TaskRow>> {
    let q = format!(
        "{SELECT} WHERE t.status = 'OPEN' AND t.from_week <= $1 AND t.to_week >= $1 \
         AND (t.scope = 'COMPANY' OR (t.scope = 'AREA' AND t.org_unit_id = $2) OR (t.scope = 'COUNTY' AND t.org_unit_id = $3)) \
         ORDER BY t.id"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, TaskRow>(&q).bind(week).bind(area_id).bind(county_id).fetch_all(p).await)?,
    )
}

pub async fn close(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<u64> {
    let q = "UPDATE cultivation_task SET status = 'CLOSED', closed_at = $1 WHERE id = $2 AND status = 'OPEN'";
    Ok(
        on_tx!(tx, c => sqlx::query(q).bind(at).bind(id).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// How many of a rep's retailers meet a task's criteria (tier ≥ `min_tier`, format).
pub async fn target_count(
    db: &Db, rep_id: i64, min_tier: Option<i64>, business_format: Option<&str>,
) -> Result<i64> {
    let q = "SELECT COUNT(*) FROM retailer r WHERE r.account_manager_id = $1 AND ($2 IS NULL OR r.tier >= $2) \
             AND ($3 IS NULL OR r.business_format = $3)";
    Ok(
        on_db!(db, p => sqlx::query_scalar::<_, i64>(q).bind(rep_id).bind(min_tier).bind(business_format).fetch_one(p).await)?,
    )
}

/// True when any product carries the brand.
pub async fn brand_exists(db: &Db, brand: &str) -> Result<bool> {
    let q = "SELECT COUNT(*) FROM product WHERE brand = $1";
    Ok(on_db!(db, p => sqlx::query_scalar::<_, i64>(q).bind(brand).fetch_one(p).await)? > 0)
}

/// Every brand of the product list, by name.
pub async fn all_brands(db: &Db) -> Result<Vec<String>> {
    let q = "SELECT DISTINCT brand FROM product ORDER BY brand";
    Ok(on_db!(db, p => sqlx::query_scalar(q).fetch_all(p).await)?)
}
