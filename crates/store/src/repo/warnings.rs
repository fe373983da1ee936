//! 预警 (domain.md §6): the four warnings of a complete month as detected, and their handling
//! (acknowledged, given a measure, closed) with each step's event. Detection replaces a month's
//! figures in one transaction and keeps what people wrote; a warning nobody has touched that is
//! no longer found goes.
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// A warning as found by detection (the figures, not the handling).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Detected {
    pub kind: String,
    pub subject: String,
    pub retailer_id: Option<i64>,
    pub brand: Option<String>,
    pub area_id: Option<i64>,
    pub county_id: Option<i64>,
    pub rep_id: Option<i64>,
    pub qty: i64,
    pub prev_qty: i64,
    pub unit_index: Option<f64>,
    pub group_index: Option<f64>,
    pub ratio: Option<f64>,
    pub reference: Option<f64>,
    pub detail: String,
}

/// A stored warning with the names the pages show.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct WarningRow {
    pub id: i64,
    pub kind: String,
    pub month: String,
    pub subject: String,
    pub retailer_id: Option<i64>,
    pub customer_code: Option<String>,
    pub retailer_name: Option<String>,
    pub brand: Option<String>,
    pub area_id: Option<i64>,
    pub area_name: Option<String>,
    pub county_id: Option<i64>,
    pub county_name: Option<String>,
    pub rep_id: Option<i64>,
    pub rep_name: Option<String>,
    pub qty: i64,
    pub prev_qty: i64,
    pub unit_index: Option<f64>,
    pub group_index: Option<f64>,
    pub ratio: Option<f64>,
    pub reference: Option<f64>,
    pub detail: String,
    pub status: String,
    pub measure: Option<String>,
    pub result: Option<String>,
    pub version: i64,
    pub detected_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by_name: Option<String>,
}

const SELECT: &str = "SELECT w.id, w.kind, w.month, w.subject, w.retailer_id, r.customer_code, r.name AS retailer_name, \
     w.brand, w.area_id, a.name AS area_name, w.county_id, c.name AS county_name, w.rep_id, s.name AS rep_name, \
     w.qty, w.prev_qty, w.unit_index, w.group_index, w.ratio, w.reference, w.detail, w.status, w.measure, w.result, \
     w.version, w.detected_at, w.updated_at, u.name AS updated_by_name \
     FROM warning w LEFT JOIN retailer r ON r.id = w.retailer_id LEFT JOIN org_unit a ON a.id = w.area_id \
     LEFT JOIN org_unit c ON c.id = w.county_id LEFT JOIN staff s ON s.id = w.rep_id \
     LEFT JOIN staff u ON u.id = w.updated_by";

/// Which warnings a list reads: the person's part (rep, area, county, a brand manager's brands,
/// or everything) and the page's filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub month: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    /// Only warnings not yet closed.
    pub open_only: bool,
    pub rep_id: Option<i64>,
    pub area_id: Option<i64>,
    pub county_id: Option<i64>,
    /// Only these kinds (a rep sees the customer warnings of their retailers).
    pub kinds: Option<Vec<&'static str>>,
    /// Only brand warnings of this brand manager's brands.
    pub brand_manager_id: Option<i64>,
}

impl Filter {
    /// The condition on `w`, binding `$1..$7` (month, kind, status, rep, area, county, brand
    /// manager); an unused filter is `CAST($n …) IS NULL` so every query binds the same values and
    /// the used ones stay plain comparisons an index serves.
    fn sql(&self) -> String {
        let part = |used: bool, n: u8, cond: String, ty: &str| {
            if used {
                cond
            } else {
                format!("CAST(${n} AS {ty}) IS NULL")
            }
        };
        let mut s = vec![
            part(
                self.month.is_some(),
                1,
                "w.month = $1".into(),
                "TEXT",
            ),
            part(self.kind.is_some(), 2, "w.kind = $2".into(), "TEXT"),
            part(self.status.is_some(), 3, "w.status = $3".into(), "TEXT"),
            part(
                self.rep_id.is_some(),
                4,
                "w.rep_id = $4".into(),
                "BIGINT",
            ),
            part(
                self.area_id.is_some(),
                5,
                "w.area_id = $5".into(),
                "BIGINT",
            ),
            part(
                self.county_id.is_some(),
                6,
                "w.county_id = $6".into(),
                "BIGINT",
            ),
            part(
                self.brand_manager_id.is_some(),
                7,
                "w.kind = 'BRAND' AND w.brand IN (SELECT brand FROM brand_assignment WHERE brand_manager_id = $7)"
                    .into(),
                "BIGINT",
            ),
        ];
        if self.open_only {
            s.push("w.status <> 'CLOSED'".into());
        }
        if let Some(kinds) = &self.kinds {
            // Our own codes, never user text.
            let list: Vec<String> = kinds.iter().map(|k| format!("'{k}'")).collect();
            s.push(format!("w.kind IN ({})", list.join(", ")));
        }
        s.join(" AND ")
    }
}

macro_rules! bind_filter {
    ($q:expr, $f:expr) => {
        $q.bind($f.month.as_deref())
            .bind($f.kind.as_deref())
            .bind($f.status.as_deref())
            .bind($f.rep_id)
            .bind($f.area_id)
            .bind($f.county_id)
            .bind($f.brand_manager_id)
    };
}

/// Warnings of a filter: open before closed, then by kind and the strongest signal first;
/// `limit` rows from `offset`.
pub async fn list(db: &Db, f: &Filter, limit: i64, offset: i64) -> Result<Vec<WarningRow>> {
    let q = format!(
        "{SELECT} WHERE {} ORDER BY w.month DESC, CASE w.status WHEN 'CLOSED' THEN 1 ELSE 0 END, w.kind, \
         COALESCE(w.ratio, 0), w.qty DESC, w.id LIMIT $8 OFFSET $9",
        f.sql()
    );
    Ok(
        on_db!(db, p => bind_filter!(sqlx::query_as::<_, WarningRow>(&q), f)
        .bind(limit).bind(offset).fetch_all(p).await)?,
    )
}

/// Counts of a filter's warnings by (kind, status).
pub async fn counts(db: &Db, f: &Filter) -> Result<Vec<(String, String, i64)>> {
    let q = format!(
        "SELECT w.kind, w.status, COUNT(*) FROM warning w WHERE {} GROUP BY w.kind, w.status",
        f.sql()
    );
    Ok(
        on_db!(db, p => bind_filter!(sqlx::query_as::<_, (String, String, i64)>(&q), f)
        .fetch_all(p).await)?,
    )
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<WarningRow>> {
    let q = format!("{SELECT} WHERE w.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, WarningRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// One handling step.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct EventRow {
    pub at: DateTime<Utc>,
    pub staff_name: Option<String>,
    pub action: String,
    pub status: String,
    pub note: Option<String>,
}

pub async fn events(db: &Db, warning_id: i64) -> Result<Vec<EventRow>> {
    let q = "SELECT e.at, s.name AS staff_name, e.action, e.status, e.note FROM warning_event e \
             LEFT JOIN staff s ON s.id = e.staff_id WHERE e.warning_id = $1 ORDER BY e.id";
    Ok(on_db!(db, p => sqlx::query_as::<_, EventRow>(q).bind(warning_id).fetch_all(p).await)?)
}

/// A handling step to write: the status it moves from (and the version read, when the writer
/// sent one), the status it moves to, the texts it sets.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Step {
    pub id: i64,
    pub from_status: String,
    pub version: Option<i64>,
    pub action: String,
    pub to_status: String,
    pub measure: Option<String>,
    pub result: Option<String>,
    pub note: Option<String>,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// Apply a step inside the caller's transaction: the update only applies while the warning is
/// still in `from_status` (and at `version`, when given), so of two racing writers one wins and
/// the other gets 0 rows; then the event. Returns whether it applied.
pub async fn apply(tx: &mut Tx, s: &Step) -> Result<bool> {
    let q = "UPDATE warning SET status = $1, measure = COALESCE($2, measure), result = COALESCE($3, result), \
             version = version + 1, updated_at = $4, updated_by = $5 \
             WHERE id = $6 AND status = $7 AND (CAST($8 AS BIGINT) IS NULL OR version = $8)";
    let n: u64 = on_tx!(tx, c => sqlx::query(q)
        .bind(&s.to_status).bind(&s.measure).bind(&s.result).bind(s.at).bind(s.by)
        .bind(s.id).bind(&s.from_status).bind(s.version)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Ok(false);
    }
    let q = "INSERT INTO warning_event (warning_id, at, staff_id, action, status, note) VALUES ($1, $2, $3, $4, $5, $6)";
    on_tx!(tx, c => sqlx::query(q)
        .bind(s.id).bind(s.at).bind(s.by).bind(&s.action).bind(&s.to_status).bind(&s.note)
        .execute(c).await.map(|_| ()))?;
    Ok(true)
}

/// What [`replace_month`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Replaced {
    pub new: usize,
    pub updated: usize,
    pub removed: usize,
}

/// Write a month's detection in one transaction: new warnings inserted OPEN, the figures of those
/// found again refreshed (their handling kept), untouched (OPEN) ones no longer found deleted,
/// and the month marked detected.
pub async fn replace_month(
    db: &Db, month: &str, found: &[Detected], at: DateTime<Utc>,
) -> Result<Replaced> {
    let mut tx = db.begin().await?;
    let q = "SELECT id, kind, subject, status FROM warning WHERE month = $1";
    let existing: Vec<(i64, String, String, String)> =
        on_tx!(&mut tx, c => sqlx::query_as(q).bind(month).fetch_all(c).await)?;
    let by_key: HashMap<(&str, &str), (i64, &str)> = existing
        .iter()
        .map(|(id, k, s, st)| ((k.as_str(), s.as_str()), (*id, st.as_str())))
        .collect();
    let mut out = Replaced::default();
    let mut seen = HashSet::new();
    let ins = "INSERT INTO warning (kind, month, subject, retailer_id, brand, area_id, county_id, rep_id, qty, prev_qty, \
               unit_index, group_index, ratio, reference, detail, status, version, detected_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'OPEN', 1, $16)";
    let upd = "UPDATE warning SET retailer_id = $1, brand = $2, area_id = $3, county_id = $4, rep_id = $5, qty = $6, \
               prev_qty = $7, unit_index = $8, group_index = $9, ratio = $10, reference = $11, detail = $12 WHERE id = $13";
    for d in found {
        match by_key.get(&(d.kind.as_str(), d.subject.as_str())) {
            Some((id, _)) => {
                seen.insert(*id);
                on_tx!(&mut tx, c => sqlx::query(upd)
                    .bind(d.retailer_id).bind(&d.brand).bind(d.area_id).bind(d.county_id).bind(d.rep_id)
                    .bind(d.qty).bind(d.prev_qty).bind(d.unit_index).bind(d.group_index).bind(d.ratio)
                    .bind(d.reference).bind(&d.detail).bind(*id)
                    .execute(c).await.map(|_| ()))?;
                out.updated += 1;
            }
            None => {
                on_tx!(&mut tx, c => sqlx::query(ins)
                    .bind(&d.kind).bind(month).bind(&d.subject).bind(d.retailer_id).bind(&d.brand)
                    .bind(d.area_id).bind(d.county_id).bind(d.rep_id).bind(d.qty).bind(d.prev_qty)
                    .bind(d.unit_index).bind(d.group_index).bind(d.ratio).bind(d.reference).bind(&d.detail).bind(at)
                    .execute(c).await.map(|_| ()))?;
                out.new += 1;
            }
        }
    }
    let del = "DELETE FROM warning WHERE id = $1 AND status = 'OPEN' AND version = 1";
    for (id, _, _, status) in &existing {
        if status == "OPEN" && !seen.contains(id) {
            let n: u64 = on_tx!(&mut tx, c => sqlx::query(del).bind(*id).execute(c).await.map(|r| r.rows_affected()))?;
            out.removed += n as usize;
        }
    }
    let run = "INSERT INTO warning_run (month, detected_at, found) VALUES ($1, $2, $3) \
               ON CONFLICT (month) DO UPDATE SET detected_at = $2, found = $3";
    on_tx!(&mut tx, c => sqlx::query(run).bind(month).bind(at).bind(found.len() as i64)
        .execute(c).await.map(|_| ()))?;
    tx.commit().await?;
    Ok(out)
}

/// The months whose warnings were detected, newest first.
pub async fn detected_months(db: &Db) -> Result<Vec<String>> {
    let q = "SELECT month FROM warning_run ORDER BY month DESC";
    Ok(on_db!(db, p => sqlx::query_scalar(q).fetch_all(p).await)?)
}

/// Per (area, county): the area's retailers' total volume in a month and how many bought — the
/// large-account rule's area average.
pub async fn area_buyers(db: &Db, month: &str) -> Result<Vec<(i64, i64, i64, i64)>> {
    let q = "SELECT r.area_id, r.county_id, CAST(COALESCE(SUM(t.supplied_qty), 0) AS BIGINT), COUNT(*) \
             FROM retailer_month_total t JOIN retailer r ON r.id = t.retailer_id \
             WHERE t.month = $1 AND t.supplied_qty > 0 GROUP BY r.area_id, r.county_id";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(month).fetch_all(p).await)?)
}

/// A retailer above `min_qty` 条 in a month (the large-account candidates).
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct BigBuyer {
    pub retailer_id: i64,
    pub customer_code: String,
    pub name: String,
    pub area_id: i64,
    pub county_id: i64,
    pub account_manager_id: Option<i64>,
    pub qty: i64,
    pub prev_qty: i64,
}

pub async fn big_buyers(db: &Db, month: &str, prev: &str, min_qty: i64) -> Result<Vec<BigBuyer>> {
    let q = "SELECT r.id AS retailer_id, r.customer_code, r.name, r.area_id, r.county_id, r.account_manager_id, \
             t.supplied_qty AS qty, CAST(COALESCE((SELECT p.supplied_qty FROM retailer_month_total p \
             WHERE p.retailer_id = t.retailer_id AND p.month = $2), 0) AS BIGINT) AS prev_qty \
             FROM retailer_month_total t JOIN retailer r ON r.id = t.retailer_id \
             WHERE t.month = $1 AND t.supplied_qty > $3 ORDER BY t.supplied_qty DESC";
    Ok(
        on_db!(db, p => sqlx::query_as::<_, BigBuyer>(q).bind(month).bind(prev).bind(min_qty).fetch_all(p).await)?,
    )
}
