//! 零售户盈利调查 (domain.md §6, §7 ⑥): the month's surveyed retailers with their sums, and the
//! lines they reported.
use super::ScopeIds;
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};

/// A rep's retailers that are not closed, with the last month each was surveyed.
pub async fn frame(db: &Db) -> Result<Vec<(i64, i64, Option<String>)>> {
    let q = "SELECT r.account_manager_id, r.id, (SELECT MAX(ps.month) FROM profit_survey ps WHERE ps.retailer_id = r.id) \
             FROM retailer r WHERE r.business_status <> 'CLOSED' AND r.account_manager_id IS NOT NULL \
             ORDER BY r.account_manager_id, r.id";
    Ok(on_db!(db, p => sqlx::query_as(q).fetch_all(p).await)?)
}

pub async fn drawn(tx: &mut Tx, month: &str) -> Result<bool> {
    let q = "SELECT COUNT(*) FROM profit_survey WHERE month = $1";
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(q).bind(month).fetch_one(c).await)?;
    Ok(n > 0)
}

/// Store a month's surveys (PENDING): (retailer, rep).
pub async fn insert(tx: &mut Tx, month: &str, rows: &[(i64, i64)]) -> Result<()> {
    for chunk in rows.chunks(500) {
        // integers read from the database, written as literals
        let values: Vec<String> = chunk
            .iter()
            .map(|(r, rep)| format!("($1, {r}, {rep}, 'PENDING')"))
            .collect();
        let q = format!(
            "INSERT INTO profit_survey (month, retailer_id, rep_id, status) VALUES {}",
            values.join(", ")
        );
        on_tx!(tx, c => sqlx::query(&q).bind(month).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// A survey with its retailer.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct SurveyRow {
    pub id: i64,
    pub month: String,
    pub retailer_id: i64,
    pub customer_code: String,
    pub retailer_name: String,
    pub rep_id: Option<i64>,
    pub rep_name: Option<String>,
    pub status: String,
    pub revenue_fen: i64,
    pub margin_fen: i64,
    pub cartons: i64,
    pub inversions: i64,
    pub surveyed_at: Option<DateTime<Utc>>,
    pub version: i64,
}

const SURVEY: &str = "SELECT ps.id, ps.month, ps.retailer_id, r.customer_code, r.name AS retailer_name, \
     r.account_manager_id AS rep_id, s.name AS rep_name, ps.status, ps.revenue_fen, ps.margin_fen, ps.cartons, \
     ps.inversions, ps.surveyed_at, ps.version \
     FROM profit_survey ps JOIN retailer r ON r.id = ps.retailer_id LEFT JOIN staff s ON s.id = r.account_manager_id";

pub async fn by_id(db: &Db, id: i64) -> Result<Option<SurveyRow>> {
    let q = format!("{SURVEY} WHERE ps.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, SurveyRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// A month's surveys in a scope.
pub async fn list(db: &Db, scope: ScopeIds, month: &str, limit: i64) -> Result<Vec<SurveyRow>> {
    let q = format!(
        "{SURVEY} WHERE {} AND ps.month = $4 ORDER BY s.name, ps.status DESC, r.customer_code LIMIT $5",
        scope.sql()
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, SurveyRow>(&q).bind(scope.rep_id).bind(scope.area_id)
        .bind(scope.county_id).bind(month).bind(limit).fetch_all(p).await)?,
    )
}

/// The months drawn, newest first.
pub async fn months(db: &Db) -> Result<Vec<String>> {
    let q = "SELECT DISTINCT month FROM profit_survey ORDER BY month DESC";
    Ok(on_db!(db, p => sqlx::query_scalar(q).fetch_all(p).await)?)
}

/// Sums of a scope's surveys (or one retailer's) by month and group (`group` a retailer column:
/// account_manager_id, area_id, county_id, or retailer_id; anything else the whole scope):
/// (month, group, surveys, done, revenue, margin, cartons, inversions).
pub async fn sums(
    db: &Db, scope: ScopeIds, retailer: Option<i64>, group: &str, from: &str, to: &str,
) -> Result<Vec<(String, i64, i64, i64, i64, i64, i64, i64)>> {
    let g = match group {
        "account_manager_id" | "area_id" | "county_id" => format!("COALESCE(r.{group}, 0)"),
        "retailer_id" => "ps.retailer_id".to_string(),
        _ => "0".to_string(),
    };
    // a literal in GROUP BY is a column position to SQLite: the whole scope groups by month only
    let by = match g.as_str() {
        "0" => String::new(),
        g => format!(", {g}"),
    };
    let one = match retailer {
        Some(_) => "ps.retailer_id = $6",
        None => "CAST($6 AS BIGINT) IS NULL",
    };
    let q = format!(
        "SELECT ps.month, CAST({g} AS BIGINT), CAST(COUNT(*) AS BIGINT), \
         CAST(SUM(CASE WHEN ps.status = 'DONE' THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(ps.revenue_fen) AS BIGINT), CAST(SUM(ps.margin_fen) AS BIGINT), \
         CAST(SUM(ps.cartons) AS BIGINT), CAST(SUM(ps.inversions) AS BIGINT) \
         FROM profit_survey ps JOIN retailer r ON r.id = ps.retailer_id \
         WHERE {} AND ps.month >= $4 AND ps.month <= $5 AND {one} GROUP BY ps.month{by} ORDER BY ps.month, 2",
        scope.sql()
    );
    Ok(
        on_db!(db, p => sqlx::query_as(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id)
        .bind(from).bind(to).bind(retailer).fetch_all(p).await)?,
    )
}

/// A reported line.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct LineRow {
    pub product_id: i64,
    pub qty: i64,
    pub retail_price_fen: i64,
    pub wholesale_price_fen: i64,
}

pub async fn lines(db: &Db, survey_id: i64) -> Result<Vec<LineRow>> {
    let q = "SELECT product_id, qty, retail_price_fen, wholesale_price_fen FROM profit_line \
             WHERE survey_id = $1 ORDER BY product_id";
    Ok(on_db!(db, p => sqlx::query_as::<_, LineRow>(q).bind(survey_id).fetch_all(p).await)?)
}

/// Per SKU over a scope's surveys of a month: (product, revenue, margin, cartons, inversions).
pub async fn by_sku(
    db: &Db, scope: ScopeIds, month: &str,
) -> Result<Vec<(i64, i64, i64, i64, i64)>> {
    let q = format!(
        "SELECT l.product_id, CAST(SUM(l.retail_price_fen * l.qty) AS BIGINT), \
         CAST(SUM((l.retail_price_fen - l.wholesale_price_fen) * l.qty) AS BIGINT), CAST(SUM(l.qty) AS BIGINT), \
         CAST(SUM(CASE WHEN l.retail_price_fen < l.wholesale_price_fen THEN 1 ELSE 0 END) AS BIGINT) \
         FROM profit_survey ps JOIN retailer r ON r.id = ps.retailer_id JOIN profit_line l ON l.survey_id = ps.id \
         WHERE {} AND ps.month = $4 AND ps.status = 'DONE' GROUP BY l.product_id",
        scope.sql()
    );
    Ok(
        on_db!(db, p => sqlx::query_as(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id)
        .bind(month).fetch_all(p).await)?,
    )
}

/// A price inversion of a scope's month: (survey, customer code, retailer, product, qty, retail, wholesale).
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct Inversion {
    pub survey_id: i64,
    pub customer_code: String,
    pub retailer_name: String,
    pub product_id: i64,
    pub qty: i64,
    pub retail_price_fen: i64,
    pub wholesale_price_fen: i64,
}

pub async fn inversions(
    db: &Db, scope: ScopeIds, month: &str, limit: i64,
) -> Result<Vec<Inversion>> {
    let q = format!(
        "SELECT ps.id AS survey_id, r.customer_code, r.name AS retailer_name, l.product_id, l.qty, \
         l.retail_price_fen, l.wholesale_price_fen \
         FROM profit_survey ps JOIN retailer r ON r.id = ps.retailer_id JOIN profit_line l ON l.survey_id = ps.id \
         WHERE {} AND ps.month = $4 AND l.retail_price_fen < l.wholesale_price_fen \
         ORDER BY (l.wholesale_price_fen - l.retail_price_fen) * l.qty DESC, ps.id LIMIT $5",
        scope.sql()
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, Inversion>(&q).bind(scope.rep_id).bind(scope.area_id)
        .bind(scope.county_id).bind(month).bind(limit).fetch_all(p).await)?,
    )
}

/// The survey's figures after an entry: conditional on the version read (false: someone else
/// wrote first, or the survey is gone).
#[allow(clippy::too_many_arguments)]
pub async fn save(
    tx: &mut Tx, id: i64, version: i64, lines: &[LineRow], sums: (i64, i64, i64, i64), by: i64,
    at: DateTime<Utc>,
) -> Result<bool> {
    let q = "UPDATE profit_survey SET status = 'DONE', revenue_fen = $1, margin_fen = $2, cartons = $3, \
             inversions = $4, surveyed_by = $5, surveyed_at = $6, version = version + 1 \
             WHERE id = $7 AND version = $8";
    let n = on_tx!(tx, c => sqlx::query(q).bind(sums.0).bind(sums.1).bind(sums.2).bind(sums.3).bind(by)
        .bind(at).bind(id).bind(version).execute(c).await.map(|r| r.rows_affected()))?;
    if n != 1 {
        return Ok(false);
    }
    let q = "DELETE FROM profit_line WHERE survey_id = $1";
    on_tx!(tx, c => sqlx::query(q).bind(id).execute(c).await.map(|_| ()))?;
    let q = "INSERT INTO profit_line (survey_id, product_id, qty, retail_price_fen, wholesale_price_fen) \
             VALUES ($1, $2, $3, $4, $5)";
    for l in lines {
        on_tx!(tx, c => sqlx::query(q).bind(id).bind(l.product_id).bind(l.qty).bind(l.retail_price_fen)
            .bind(l.wholesale_price_fen).execute(c).await.map(|_| ()))?;
    }
    Ok(true)
}

/// Many surveys' lines at once (the demo city's history): (survey, line).
pub async fn insert_lines(tx: &mut Tx, rows: &[(i64, LineRow)]) -> Result<()> {
    for chunk in rows.chunks(500) {
        // integers computed by the platform, written as literals
        let values: Vec<String> = chunk
            .iter()
            .map(|(s, l)| {
                format!(
                    "({s}, {}, {}, {}, {})",
                    l.product_id, l.qty, l.retail_price_fen, l.wholesale_price_fen
                )
            })
            .collect();
        let q = format!(
            "INSERT INTO profit_line (survey_id, product_id, qty, retail_price_fen, wholesale_price_fen) VALUES {}",
            values.join(", ")
        );
        on_tx!(tx, c => sqlx::query(&q).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// Set the sums of the surveys whose lines were inserted directly (the demo city's history).
pub async fn settle(tx: &mut Tx, month: &str, at: DateTime<Utc>) -> Result<()> {
    let q = "UPDATE profit_survey SET status = 'DONE', surveyed_by = rep_id, surveyed_at = $2, \
             revenue_fen = COALESCE((SELECT SUM(l.retail_price_fen * l.qty) FROM profit_line l WHERE l.survey_id = profit_survey.id), 0), \
             margin_fen = COALESCE((SELECT SUM((l.retail_price_fen - l.wholesale_price_fen) * l.qty) FROM profit_line l WHERE l.survey_id = profit_survey.id), 0), \
             cartons = COALESCE((SELECT SUM(l.qty) FROM profit_line l WHERE l.survey_id = profit_survey.id), 0), \
             inversions = (SELECT COUNT(*) FROM profit_line l WHERE l.survey_id = profit_survey.id AND l.retail_price_fen < l.wholesale_price_fen) \
             WHERE month = $1 AND EXISTS (SELECT 1 FROM profit_line l WHERE l.survey_id = profit_survey.id)";
    on_tx!(tx, c => sqlx::query(q).bind(month).bind(at).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// A month's surveys with the point's collection (if any) and purchases to make demo lines from:
/// (survey, retailer, product, 条 supplied, collected sales, collected price).
pub async fn demo_basis(
    db: &Db, month: &str,
) -> Result<Vec<(i64, i64, i64, i64, Option<i64>, Option<i64>)>> {
    let q = "SELECT ps.id, ps.retailer_id, sm.product_id, sm.supplied_qty, c.sales_qty, c.retail_price_fen \
             FROM profit_survey ps JOIN sales_month sm ON sm.retailer_id = ps.retailer_id AND sm.month = ps.month \
               AND sm.supplied_qty > 0 \
             LEFT JOIN sample_collection c ON c.month = ps.month AND c.retailer_id = ps.retailer_id AND c.product_id = sm.product_id \
             WHERE ps.month = $1 ORDER BY ps.id, sm.supplied_qty DESC, sm.product_id";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(month).fetch_all(p).await)?)
}

/// Per rep of a county: the month's surveys and those done (gate ⑥ of the calendar).
pub async fn rep_progress(
    db: &Db, county_id: i64, month: &str,
) -> Result<Vec<(Option<i64>, i64, i64)>> {
    let q = "SELECT r.account_manager_id, CAST(COUNT(*) AS BIGINT), \
             CAST(SUM(CASE WHEN ps.status = 'DONE' THEN 1 ELSE 0 END) AS BIGINT) \
             FROM profit_survey ps JOIN retailer r ON r.id = ps.retailer_id \
             WHERE r.county_id = $1 AND ps.month = $2 GROUP BY r.account_manager_id";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(county_id).bind(month).fetch_all(p).await)?)
}
