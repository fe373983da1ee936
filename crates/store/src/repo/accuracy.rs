//! The accuracy roll-up of closed months (migration 0008: `accuracy_cell`, `accuracy_pair`,
//! `accuracy_month`), written whole per month by `app::accuracy::refresh`.
use super::ScopeIds;
use crate::{Db, Result, on_db, on_tx};
use chrono::{DateTime, Utc};

/// The additive parts of a month's accuracy in one owner cell × SKU × method.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct AccCell {
    pub county_id: i64,
    pub area_id: i64,
    pub account_manager_id: Option<i64>,
    pub product_id: i64,
    pub method: String,
    pub cells: i64,
    pub actual: i64,
    pub forecast: i64,
    pub supplied: i64,
    pub abs_err: i64,
    pub cell_acc_sum: f64,
}

/// One retailer's interactive and model errors over its cells with both figures.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AccPair {
    pub county_id: i64,
    pub area_id: i64,
    pub account_manager_id: Option<i64>,
    pub retailer_id: i64,
    pub actual: i64,
    pub err_interactive: i64,
    pub err_model: i64,
}

const CELL_COLS: usize = 12;
const PAIR_COLS: usize = 8;

/// Replace a month's roll-up in one transaction (readers see the old or the new).
pub async fn replace_month(
    db: &Db, month: &str, cells: &[AccCell], pairs: &[AccPair], at: DateTime<Utc>,
) -> Result<()> {
    let backend = db.backend();
    let mut tx = db.begin().await?;
    // The month's row first: a second writer of the same month waits on it and then finds it
    // taken (a unique violation), and leaves the first writer's roll-up as it is.
    let q = "DELETE FROM accuracy_month WHERE month = $1";
    on_tx!(&mut tx, c => sqlx::query(q).bind(month).execute(c).await.map(|_| ()))?;
    let q = "INSERT INTO accuracy_month (month, computed_at) VALUES ($1, $2)";
    match on_tx!(&mut tx, c => sqlx::query(q).bind(month).bind(at).execute(c).await.map(|_| ())) {
        Ok(()) => {}
        Err(e) => {
            let e = crate::StoreError::from(e);
            return if e.is_unique_violation() {
                Ok(())
            } else {
                Err(e)
            };
        }
    }
    for t in ["accuracy_cell", "accuracy_pair", "accuracy_total"] {
        let q = format!("DELETE FROM {t} WHERE month = $1");
        on_tx!(&mut tx, c => sqlx::query(&q).bind(month).execute(c).await.map(|_| ()))?;
    }
    let head = "INSERT INTO accuracy_cell (month, county_id, area_id, account_manager_id, product_id, method, cells, actual, \
                forecast, supplied, abs_err, cell_acc_sum)";
    for chunk in cells.chunks(crate::bulk::rows_per_statement(CELL_COLS)) {
        let q = crate::bulk::insert_sql(head, CELL_COLS, chunk.len(), backend);
        on_tx!(&mut tx, c => {
            let mut s = sqlx::query(&q);
            for r in chunk {
                s = s.bind(month).bind(r.county_id).bind(r.area_id).bind(r.account_manager_id).bind(r.product_id)
                    .bind(&r.method).bind(r.cells).bind(r.actual).bind(r.forecast).bind(r.supplied).bind(r.abs_err)
                    .bind(r.cell_acc_sum);
            }
            s.execute(c).await.map(|_| ())
        })?;
    }
    // The month per owner cell (the KPI page's accuracy), from the cells just written.
    let q = "INSERT INTO accuracy_total (month, county_id, area_id, account_manager_id, actual, abs_err) \
             SELECT month, county_id, area_id, account_manager_id, SUM(actual), SUM(abs_err) FROM accuracy_cell \
             WHERE month = $1 GROUP BY month, county_id, area_id, account_manager_id";
    on_tx!(&mut tx, c => sqlx::query(q).bind(month).execute(c).await.map(|_| ()))?;
    let head = "INSERT INTO accuracy_pair (month, county_id, area_id, account_manager_id, retailer_id, actual, err_interactive, err_model)";
    for chunk in pairs.chunks(crate::bulk::rows_per_statement(PAIR_COLS)) {
        let q = crate::bulk::insert_sql(head, PAIR_COLS, chunk.len(), backend);
        on_tx!(&mut tx, c => {
            let mut s = sqlx::query(&q);
            for r in chunk {
                s = s.bind(month).bind(r.county_id).bind(r.area_id).bind(r.account_manager_id).bind(r.retailer_id)
                    .bind(r.actual).bind(r.err_interactive).bind(r.err_model);
            }
            s.execute(c).await.map(|_| ())
        })?;
    }
    tx.commit().await
}

/// Mark a month's roll-up out of date (its forecasts change): the next read writes it anew.
/// Every writer of forecast figures calls this in its transaction.
pub async fn invalidate(tx: &mut crate::Tx, month: &str) -> Result<()> {
    let q = "DELETE FROM accuracy_month WHERE month = $1";
    on_tx!(tx, c => sqlx::query(q).bind(month).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Which columns of the roll-up a read keeps apart; the others are summed over (the county
/// is always summed over: no grouping asks for it).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AccDims {
    pub area: bool,
    pub rep: bool,
    pub product: bool,
    pub method: bool,
}

/// The retailers' interactive-vs-model comparison summed over a scope: how many retailers, on
/// how many interactive erred less, more or the same, and the sums of actual and errors.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct PairSums {
    pub retailers: i64,
    pub interactive_better: i64,
    pub model_better: i64,
    pub ties: i64,
    pub actual: i64,
    pub err_interactive: i64,
    pub err_model: i64,
}

/// A month's roll-up in a scope summed in the database to the columns `dims` keeps apart (the
/// columns summed over read 0, `NULL` or `''`), with the retailers' comparison summed; `None`
/// when the month's roll-up is not written.
pub async fn month(
    db: &Db, scope: ScopeIds, month: &str, dims: AccDims,
) -> Result<Option<(Vec<AccCell>, PairSums)>> {
    let q = "SELECT COUNT(*) FROM accuracy_month WHERE month = $1";
    let n: i64 = on_db!(db, p => sqlx::query_scalar(q).bind(month).fetch_one(p).await)?;
    if n == 0 {
        return Ok(None);
    }
    let kept = [
        (dims.area, "area_id", "CAST(0 AS BIGINT)"),
        (dims.rep, "account_manager_id", "CAST(NULL AS BIGINT)"),
        (dims.product, "product_id", "CAST(0 AS BIGINT)"),
        (dims.method, "method", "''"),
    ];
    let select: Vec<String> = kept
        .iter()
        .map(|(keep, col, none)| {
            if *keep {
                col.to_string()
            } else {
                format!("{none} AS {col}")
            }
        })
        .collect();
    let group: Vec<&str> = kept.iter().filter(|k| k.0).map(|k| k.1).collect();
    let group_by = if group.is_empty() {
        String::new()
    } else {
        format!("GROUP BY {}", group.join(", "))
    };
    let qc = format!(
        "SELECT CAST(0 AS BIGINT) AS county_id, {}, CAST(SUM(cells) AS BIGINT) AS cells, CAST(SUM(actual) AS BIGINT) AS actual, \
         CAST(SUM(forecast) AS BIGINT) AS forecast, CAST(SUM(supplied) AS BIGINT) AS supplied, CAST(SUM(abs_err) AS BIGINT) AS abs_err, \
         SUM(cell_acc_sum) AS cell_acc_sum FROM accuracy_cell r WHERE {} AND month = $4 {group_by} HAVING COUNT(*) > 0",
        select.join(", "),
        scope.sql()
    );
    let cells: Vec<AccCell> = on_db!(db, p => sqlx::query_as(&qc).bind(scope.rep_id).bind(scope.area_id)
        .bind(scope.county_id).bind(month).fetch_all(p).await)?;
    let qp = format!(
        "SELECT COUNT(*) AS retailers, \
         CAST(COALESCE(SUM(CASE WHEN err_interactive < err_model THEN 1 ELSE 0 END), 0) AS BIGINT) AS interactive_better, \
         CAST(COALESCE(SUM(CASE WHEN err_interactive > err_model THEN 1 ELSE 0 END), 0) AS BIGINT) AS model_better, \
         CAST(COALESCE(SUM(CASE WHEN err_interactive = err_model THEN 1 ELSE 0 END), 0) AS BIGINT) AS ties, \
         CAST(COALESCE(SUM(actual), 0) AS BIGINT) AS actual, CAST(COALESCE(SUM(err_interactive), 0) AS BIGINT) AS err_interactive, \
         CAST(COALESCE(SUM(err_model), 0) AS BIGINT) AS err_model \
         FROM accuracy_pair r WHERE {} AND month = $4",
        scope.sql()
    );
    let pairs: PairSums = on_db!(db, p => sqlx::query_as(&qp).bind(scope.rep_id).bind(scope.area_id)
        .bind(scope.county_id).bind(month).fetch_one(p).await)?;
    Ok(Some((cells, pairs)))
}

/// Months with forecasts before `before` (`YYYY-MM`, exclusive) whose roll-up is not written.
pub async fn months_missing(db: &Db, before: &str) -> Result<Vec<String>> {
    let q = "SELECT DISTINCT month FROM forecast WHERE month < $1 \
             AND month NOT IN (SELECT month FROM accuracy_month) ORDER BY month";
    Ok(on_db!(db, p => sqlx::query_scalar(q).bind(before).fetch_all(p).await)?)
}
