//! 客户经理一张纸 (domain.md §8): the weekly sheets and their green-channel items. Every sheet is
//! kept for query across reps and weeks.
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};

/// A sheet as stored, with its rep's username and name.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct SheetRow {
    pub id: i64,
    pub rep_id: i64,
    pub rep_username: String,
    pub rep_name: String,
    pub iso_week: String,
    pub month: String,
    pub status: String,
    pub top_priority: String,
    /// JSON of `domain::one_sheet::SheetContent`.
    pub content: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewer_id: Option<i64>,
    pub review_comment: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic version: one more on every write.
    pub version: i64,
}

const SELECT: &str = "SELECT s.id, s.rep_id, st.username AS rep_username, st.name AS rep_name, s.iso_week, s.month, s.status, \
     s.top_priority, s.content, s.submitted_at, s.reviewed_at, s.reviewer_id, s.review_comment, s.created_at, s.updated_at, s.version \
     FROM one_sheet s JOIN staff st ON st.id = s.rep_id";

pub async fn get(db: &Db, rep_id: i64, week: &str) -> Result<Option<SheetRow>> {
    let q = format!("{SELECT} WHERE s.rep_id = $1 AND s.iso_week = $2");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, SheetRow>(&q).bind(rep_id).bind(week).fetch_optional(p).await)?,
    )
}

/// Sheets of a rep (or of the reps of an area) between two weeks inclusive, by week then rep.
pub async fn list(
    db: &Db, rep_id: Option<i64>, area_id: Option<i64>, from_week: &str, to_week: &str,
) -> Result<Vec<SheetRow>> {
    let q = format!(
        "{SELECT} WHERE ($1 IS NULL OR s.rep_id = $1) AND ($2 IS NULL OR st.org_unit_id = $2) AND s.iso_week >= $3 AND s.iso_week <= $4 \
         ORDER BY s.iso_week, st.username"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, SheetRow>(&q).bind(rep_id).bind(area_id).bind(from_week).bind(to_week).fetch_all(p).await)?,
    )
}

/// Insert a sheet (status DRAFT or as given); returns its id, or `None` when the rep's sheet of
/// the week was inserted by another request meanwhile.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut Tx, rep_id: i64, week: &str, month: &str, status: &str, top_priority: &str,
    content: &str, at: DateTime<Utc>,
) -> Result<Option<i64>> {
    let q = "INSERT INTO one_sheet (rep_id, iso_week, month, status, top_priority, content, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (rep_id, iso_week) DO NOTHING RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q)
        .bind(rep_id).bind(week).bind(month).bind(status).bind(top_priority).bind(content).bind(at)
        .fetch_optional(c).await)?)
}

/// Write a sheet's content unless it was reviewed meanwhile or, when `expected` is given, its
/// version is no longer `expected`: 1 row written, or 0 (the caller says why).
pub async fn update_content(
    tx: &mut Tx, id: i64, top_priority: &str, content: &str, at: DateTime<Utc>,
    expected: Option<i64>,
) -> Result<u64> {
    let q = "UPDATE one_sheet SET top_priority = $1, content = $2, updated_at = $3, version = version + 1 \
             WHERE id = $4 AND status <> 'REVIEWED' AND (CAST($5 AS BIGINT) IS NULL OR version = $5)";
    Ok(
        on_tx!(tx, c => sqlx::query(q).bind(top_priority).bind(content).bind(at).bind(id).bind(expected)
        .execute(c).await.map(|r| r.rows_affected()))?,
    )
}

pub async fn set_submitted(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<u64> {
    let q = "UPDATE one_sheet SET status = 'SUBMITTED', submitted_at = $1, updated_at = $1, version = version + 1 \
             WHERE id = $2 AND status = 'DRAFT'";
    Ok(
        on_tx!(tx, c => sqlx::query(q).bind(at).bind(id).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

pub async fn set_reviewed(
    tx: &mut Tx, id: i64, reviewer_id: i64, comment: &str, at: DateTime<Utc>,
) -> Result<u64> {
    let q = "UPDATE one_sheet SET status = 'REVIEWED', reviewer_id = $1, review_comment = $2, reviewed_at = $3, updated_at = $3, \
             version = version + 1 WHERE id = $4 AND status = 'SUBMITTED'";
    Ok(
        on_tx!(tx, c => sqlx::query(q).bind(reviewer_id).bind(comment).bind(at).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// A green-channel item with the names the pages show.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct GreenRow {
    pub id: i64,
    pub rep_id: i64,
    pub rep_username: String,
    pub rep_name: String,
    pub iso_week: String,
    pub counterpart: String,
    pub recipient_id: Option<i64>,
    pub recipient_name: Option<String>,
    pub retailer_code: Option<String>,
    pub retailer_name: Option<String>,
    pub kind: String,
    pub content: String,
    pub channel: String,
    pub status: String,
    pub answer: String,
    pub sent_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

const GREEN: &str = "SELECT g.id, g.rep_id, st.username AS rep_username, st.name AS rep_name, g.iso_week, g.counterpart, g.recipient_id, \
     rc.name AS recipient_name, r.customer_code AS retailer_code, r.name AS retailer_name, g.kind, g.content, g.channel, g.status, g.answer, \
     g.sent_at, g.received_at, g.answered_at, g.closed_at \
     FROM green_item g JOIN staff st ON st.id = g.rep_id LEFT JOIN staff rc ON rc.id = g.recipient_id LEFT JOIN retailer r ON r.id = g.retailer_id";

/// A new green-channel item.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewGreen {
    pub rep_id: i64,
    pub iso_week: String,
    pub counterpart: String,
    pub recipient_id: Option<i64>,
    pub retailer_id: Option<i64>,
    pub kind: String,
    pub content: String,
    pub channel: String,
    pub sent_at: DateTime<Utc>,
}

pub async fn insert_green(tx: &mut Tx, g: &NewGreen) -> Result<i64> {
    let q = "INSERT INTO green_item (rep_id, iso_week, counterpart, recipient_id, retailer_id, kind, content, channel, status, sent_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'SENT', $9) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q)
        .bind(g.rep_id).bind(&g.iso_week).bind(&g.counterpart).bind(g.recipient_id).bind(g.retailer_id)
        .bind(&g.kind).bind(&g.content).bind(&g.channel).bind(g.sent_at)
        .fetch_one(c).await)?)
}

pub async fn green_by_id(db: &Db, id: i64) -> Result<Option<GreenRow>> {
    let q = format!("{GREEN} WHERE g.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, GreenRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// Items of a rep's week, oldest first.
pub async fn green_of_sheet(db: &Db, rep_id: i64, week: &str) -> Result<Vec<GreenRow>> {
    let q = format!("{GREEN} WHERE g.rep_id = $1 AND g.iso_week = $2 ORDER BY g.id");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, GreenRow>(&q).bind(rep_id).bind(week).fetch_all(p).await)?,
    )
}

/// A recipient's inbox: open items first, then the newest.
pub async fn inbox(db: &Db, recipient_id: i64, limit: i64) -> Result<Vec<GreenRow>> {
    let q = format!(
        "{GREEN} WHERE g.recipient_id = $1 ORDER BY CASE WHEN g.status = 'CLOSED' THEN 1 ELSE 0 END, g.id DESC LIMIT $2"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, GreenRow>(&q).bind(recipient_id).bind(limit).fetch_all(p).await)?,
    )
}

/// Set the handling status with its time (and the answer when answering).
pub async fn set_green_status(
    tx: &mut Tx, id: i64, status: &str, answer: Option<&str>, at: DateTime<Utc>,
) -> Result<u64> {
    let col = match status {
        "RECEIVED" => "received_at",
        "ANSWERED" => "answered_at",
        _ => "closed_at",
    };
    // Answering or closing implies receipt: fill received_at when still empty (one assignment
    // per column, which PostgreSQL requires).
    let received = if col == "received_at" {
        ""
    } else {
        ", received_at = COALESCE(received_at, $2)"
    };
    let q = format!(
        "UPDATE green_item SET status = $1, {col} = $2, answer = COALESCE($3, answer){received} WHERE id = $4"
    );
    Ok(
        on_tx!(tx, c => sqlx::query(&q).bind(status).bind(at).bind(answer).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// A rep's purchases over a span of days (see [`rep_sales_between`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct RepSales {
    /// Supplied 条.
    pub supplied: i64,
    /// Supplied 条 of key brands.
    pub key_brand: i64,
    pub amount_fen: i64,
}

/// A rep's purchases over days `[from, to]` from the daily roll-up (`sales_day`).
pub async fn rep_sales_between(
    db: &Db, rep_id: i64, from: chrono::NaiveDate, to: chrono::NaiveDate,
) -> Result<RepSales> {
    let q = "SELECT CAST(COALESCE(SUM(supplied_qty), 0) AS BIGINT) AS supplied, \
             CAST(COALESCE(SUM(key_brand_qty), 0) AS BIGINT) AS key_brand, \
             CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS amount_fen \
             FROM sales_day WHERE account_manager_id = $1 AND order_date >= $2 AND order_date <= $3";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(rep_id).bind(from).bind(to).fetch_one(p).await)?)
}

/// A rep's monthly purchases from the roll-up: (supplied 条, amount fen).
pub async fn rep_month_sales(db: &Db, rep_id: i64, month: &str) -> Result<(i64, i64)> {
    let q = "SELECT CAST(COALESCE(SUM(supplied_qty), 0) AS BIGINT), CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) \
             FROM sales_cell WHERE account_manager_id = $1 AND month = $2";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(rep_id).bind(month).fetch_one(p).await)?)
}

/// One rep's purchases over a span of days (see [`sales_between_by_rep`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct RepSalesOf {
    pub rep_id: i64,
    #[sqlx(flatten)]
    pub sales: RepSales,
}

/// Every rep's purchases over days `[from, to]` in one grouped read (reps without any are absent).
pub async fn sales_between_by_rep(
    db: &Db, from: chrono::NaiveDate, to: chrono::NaiveDate,
) -> Result<Vec<RepSalesOf>> {
    let q = "SELECT account_manager_id AS rep_id, CAST(COALESCE(SUM(supplied_qty), 0) AS BIGINT) AS supplied, \
             CAST(COALESCE(SUM(key_brand_qty), 0) AS BIGINT) AS key_brand, CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS amount_fen \
             FROM sales_day WHERE order_date >= $1 AND order_date <= $2 AND account_manager_id IS NOT NULL \
             GROUP BY account_manager_id";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(from).bind(to).fetch_all(p).await)?)
}

/// One rep's purchases in one month from the roll-up (see [`month_sales_by_rep`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct RepMonthSales {
    pub rep_id: i64,
    pub supplied: i64,
    pub amount_fen: i64,
}

/// The purchases of the reps `rep_ids` in a month (`YYYY-MM`) in one grouped read of the
/// roll-up (by its index on (month, account_manager_id): a market manager's few reps, not the
/// whole company's cells).
pub async fn month_sales_by_rep(
    db: &Db, month: &str, rep_ids: &[i64],
) -> Result<Vec<RepMonthSales>> {
    let q = format!(
        "SELECT account_manager_id AS rep_id, CAST(COALESCE(SUM(supplied_qty), 0) AS BIGINT) AS supplied, \
         CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS amount_fen \
         FROM sales_cell WHERE month = $1 AND account_manager_id IN {} GROUP BY account_manager_id",
        super::id_list(rep_ids)
    );
    Ok(on_db!(db, p => sqlx::query_as(&q).bind(month).fetch_all(p).await)?)
}

/// Open (not closed) green-channel items per rep for one week: (rep_id, count).
pub async fn open_green_by_rep(db: &Db, week: &str) -> Result<Vec<(i64, i64)>> {
    let q = "SELECT rep_id, COUNT(*) FROM green_item WHERE iso_week = $1 AND status <> 'CLOSED' GROUP BY rep_id";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(week).fetch_all(p).await)?)
}
