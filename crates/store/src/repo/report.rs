//! 市场分析报告 (domain.md §7 ⑥): reports with their sections (JSON) and their trail.
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};

/// A report as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub month: String,
    pub scope: String,
    pub scope_label: String,
    pub county_id: Option<i64>,
    pub area_id: Option<i64>,
    pub author_id: i64,
    pub author_name: String,
    pub status: String,
    pub sections: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const REPORT: &str = "SELECT m.id, m.month, m.scope, m.scope_label, m.county_id, m.area_id, m.author_id, \
     s.name AS author_name, m.status, m.sections, m.version, m.created_at, m.updated_at \
     FROM market_report m JOIN staff s ON s.id = m.author_id";

pub async fn by_id(db: &Db, id: i64) -> Result<Option<ReportRow>> {
    let q = format!("{REPORT} WHERE m.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, ReportRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// The reports within a part of the company: all (`None, None`), a county's and its areas', or
/// an area's; newest month first.
pub async fn list(
    db: &Db, county: Option<i64>, area: Option<i64>, limit: i64,
) -> Result<Vec<ReportRow>> {
    let c = match county {
        Some(_) => "m.county_id = $1",
        None => "CAST($1 AS BIGINT) IS NULL",
    };
    let a = match area {
        Some(_) => "m.area_id = $2",
        None => "CAST($2 AS BIGINT) IS NULL",
    };
    let q = format!("{REPORT} WHERE {c} AND {a} ORDER BY m.month DESC, m.scope LIMIT $3");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, ReportRow>(&q).bind(county).bind(area).bind(limit).fetch_all(p).await)?,
    )
}

/// A new report (409-worthy when the scope already has one for the month: `None`).
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut Tx, month: &str, scope: &str, label: &str, county: Option<i64>, area: Option<i64>,
    author: i64, sections: &str, at: DateTime<Utc>,
) -> Result<Option<i64>> {
    let q = "SELECT id FROM market_report WHERE scope = $1 AND month = $2";
    let exists: Option<i64> =
        on_tx!(tx, c => sqlx::query_scalar(q).bind(scope).bind(month).fetch_optional(c).await)?;
    if exists.is_some() {
        return Ok(None);
    }
    let q = "INSERT INTO market_report (month, scope, scope_label, county_id, area_id, author_id, status, sections, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'DRAFT', $7, $8, $8) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(q).bind(month).bind(scope).bind(label).bind(county)
        .bind(area).bind(author).bind(sections).bind(at).fetch_one(c).await)?;
    Ok(Some(id))
}

/// The report's id for a scope and month, if any.
pub async fn of_scope(db: &Db, scope: &str, month: &str) -> Result<Option<i64>> {
    let q = "SELECT id FROM market_report WHERE scope = $1 AND month = $2";
    Ok(on_db!(db, p => sqlx::query_scalar(q).bind(scope).bind(month).fetch_optional(p).await)?)
}

/// Move a report from one of `from` states at `version` to `status` (and new sections when
/// given); false when someone moved it first.
pub async fn update(
    tx: &mut Tx, id: i64, version: i64, from: &[&str], status: &str, sections: Option<&str>,
    at: DateTime<Utc>,
) -> Result<bool> {
    let states: Vec<String> = from.iter().map(|s| format!("'{s}'")).collect();
    let q = format!(
        "UPDATE market_report SET status = $1, sections = COALESCE($2, sections), version = version + 1, \
         updated_at = $3 WHERE id = $4 AND version = $5 AND status IN ({})",
        states.join(", ")
    );
    let n = on_tx!(tx, c => sqlx::query(&q).bind(status).bind(sections).bind(at).bind(id).bind(version)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// One step of a report's trail.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct EventRow {
    pub action: String,
    pub actor_name: String,
    pub comment: String,
    pub at: DateTime<Utc>,
}

pub async fn event(
    tx: &mut Tx, id: i64, action: &str, actor: i64, comment: &str, at: DateTime<Utc>,
) -> Result<()> {
    let q = "INSERT INTO market_report_event (report_id, action, actor_id, comment, at) VALUES ($1, $2, $3, $4, $5)";
    on_tx!(tx, c => sqlx::query(q).bind(id).bind(action).bind(actor).bind(comment).bind(at)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn events(db: &Db, id: i64) -> Result<Vec<EventRow>> {
    let q = "SELECT e.action, s.name AS actor_name, e.comment, e.at FROM market_report_event e \
             JOIN staff s ON s.id = e.actor_id WHERE e.report_id = $1 ORDER BY e.id";
    Ok(on_db!(db, p => sqlx::query_as::<_, EventRow>(q).bind(id).fetch_all(p).await)?)
}
