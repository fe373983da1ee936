//! 需求预测 records and the month's other person-made rows: submissions, supervisors' comments,
//! POS credentials, feedback ticks, 135 plans, batch-job records (domain.md §5, §7, §9).
//! Month columns hold the *target* month of the forecast (`YYYY-MM`), except `plan135` (working month).
use super::ScopeIds;
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::cycle::{Figure, PRECEDENCE};
use serde::Serialize;

/// One forecast record (retailer × SKU × month) with every method's figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ForecastRow {
    pub month: String,
    pub retailer_id: i64,
    pub product_id: i64,
    pub method: String,
    pub quantity: i64,
    pub state: String,
    pub model_qty: Option<i64>,
    pub interactive_qty: Option<i64>,
    pub self_report_qty: Option<i64>,
    pub self_report_reviewed_qty: Option<i64>,
    pub self_report_reviewed_by: Option<i64>,
    pub balanced_qty: Option<i64>,
    pub updated_by: Option<i64>,
}

const ROW_COLS: &str = "f.month, f.retailer_id, f.product_id, f.method, f.quantity, f.state, f.model_qty, f.interactive_qty, \
     f.self_report_qty, f.self_report_reviewed_qty, f.self_report_reviewed_by, f.balanced_qty, f.updated_by";

pub async fn get(
    tx: &mut Tx, month: &str, retailer_id: i64, product_id: i64,
) -> Result<Option<ForecastRow>> {
    let q = format!(
        "SELECT {ROW_COLS} FROM forecast f WHERE f.month = $1 AND f.retailer_id = $2 AND f.product_id = $3"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as::<_, ForecastRow>(&q).bind(month).bind(retailer_id).bind(product_id).fetch_optional(c).await)?,
    )
}

/// Write a whole record (insert or replace its figures).
pub async fn put(tx: &mut Tx, r: &ForecastRow, now: DateTime<Utc>) -> Result<()> {
    let q = "INSERT INTO forecast (month, retailer_id, product_id, method, quantity, state, model_qty, interactive_qty, \
             self_report_qty, self_report_reviewed_qty, self_report_reviewed_by, balanced_qty, updated_by, updated_at, self_report_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, CASE WHEN $9 IS NULL THEN NULL ELSE $14 END) \
             ON CONFLICT (month, retailer_id, product_id) DO UPDATE SET method = excluded.method, quantity = excluded.quantity, \
             state = excluded.state, model_qty = excluded.model_qty, interactive_qty = excluded.interactive_qty, \
             self_report_qty = excluded.self_report_qty, self_report_reviewed_qty = excluded.self_report_reviewed_qty, \
             self_report_reviewed_by = excluded.self_report_reviewed_by, balanced_qty = excluded.balanced_qty, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at";
    on_tx!(tx, c => sqlx::query(q)
        .bind(&r.month).bind(r.retailer_id).bind(r.product_id).bind(&r.method).bind(r.quantity).bind(&r.state)
        .bind(r.model_qty).bind(r.interactive_qty).bind(r.self_report_qty).bind(r.self_report_reviewed_qty)
        .bind(r.self_report_reviewed_by).bind(r.balanced_qty).bind(r.updated_by).bind(now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    super::accuracy::invalidate(tx, &r.month).await
}

/// §5.1's precedence as SQL, generated from [`domain::cycle::PRECEDENCE`] (the rule's one home;
/// `tests/precedence.rs` pins this to `domain::cycle::resolve` on every combination): the
/// expressions of the method and the quantity in force. `column` names the SQL expression of each
/// figure (e.g. `excluded.model_qty` in an upsert); `otherwise` is the method and quantity kept
/// when no figure is present.
pub fn resolve_sql(column: impl Fn(Figure) -> String, otherwise: (&str, &str)) -> (String, String) {
    let mut method = String::from("CASE");
    let mut quantity = String::from("CASE");
    for fig in PRECEDENCE {
        let c = column(fig);
        method.push_str(&format!(
            " WHEN {c} IS NOT NULL THEN '{}'",
            fig.method().code()
        ));
        quantity.push_str(&format!(" WHEN {c} IS NOT NULL THEN {c}"));
    }
    method.push_str(&format!(" ELSE {} END", otherwise.0));
    quantity.push_str(&format!(" ELSE {} END", otherwise.1));
    (method, quantity)
}

/// The column of the forecast record that keeps a figure.
pub fn figure_column(f: Figure) -> &'static str {
    match f {
        Figure::SelfReportReviewed => "self_report_reviewed_qty",
        Figure::Interactive => "interactive_qty",
        Figure::Model => "model_qty",
        Figure::SelfReport => "self_report_qty",
    }
}

/// A MODEL figure of one retailer × SKU (see [`put_model_batch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelFigure {
    pub retailer_id: i64,
    pub product_id: i64,
    pub quantity: i64,
}

/// Write model figures for many pairs. Each record's method and quantity in force are settled
/// again by §5.1's precedence ([`resolve_sql`]): a pair whose figure in force is the model's gets
/// the new figure; a pair with a higher-precedence figure keeps it; an unreviewed self-report
/// gives way to the model. Submitted or published records are never touched. Returns rows written.
pub async fn put_model_batch(
    tx: &mut Tx, month: &str, rows: &[ModelFigure], now: DateTime<Utc>,
) -> Result<u64> {
    let backend = tx.backend();
    super::accuracy::invalidate(tx, month).await?;
    // §5.1: the record's figures with the new model figure decide the method and quantity.
    let (method, quantity) = resolve_sql(
        |f| match f {
            Figure::Model => "excluded.model_qty".into(),
            f => format!("forecast.{}", figure_column(f)),
        },
        ("forecast.method", "forecast.quantity"),
    );
    let mut written = 0;
    for chunk in rows.chunks(crate::bulk::rows_per_statement(6)) {
        let mut q = crate::bulk::insert_sql_row(
            "INSERT INTO forecast (month, retailer_id, product_id, method, quantity, state, model_qty, updated_at)",
            &[
                None,
                None,
                None,
                Some("'MODEL'"),
                None,
                Some("'DRAFT'"),
                None,
                None,
            ],
            chunk.len(),
            backend,
        );
        q.push_str(&format!(
            " ON CONFLICT (month, retailer_id, product_id) DO UPDATE SET model_qty = excluded.model_qty, \
             method = {method}, quantity = {quantity}, updated_at = excluded.updated_at \
             WHERE forecast.state = 'DRAFT' AND (forecast.model_qty IS NULL OR forecast.model_qty <> excluded.model_qty)"
        ));
        written += on_tx!(tx, c => {
            let mut s = sqlx::query(&q);
            for f in chunk {
                s = s.bind(month).bind(f.retailer_id).bind(f.product_id).bind(f.quantity).bind(f.quantity).bind(now);
            }
            s.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(written)
}

/// One month of one pair's demand history (see [`demand_history`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DemandPoint {
    pub retailer_id: i64,
    pub product_id: i64,
    /// `domain::Month::index()` of the month.
    pub month_index: i32,
    pub demanded: i64,
}

/// Monthly demand history of active
/// retailers in scope over `from..=to` (demand-side quantities, §5.2: not quota-cut purchases),
/// sorted by retailer, product, month.
///
/// The rows are packed per retailer in the database (one text of `product,month,qty;…` per
/// retailer, 10 000 rows instead of 2.5 M for a city's two years) and unpacked here.
/// On SQLite `CROSS JOIN` fixes the join order (retailer, then the sales primary key
/// `(retailer_id, month, …)`, then product): left to itself the bundled SQLite puts the 250
/// products outermost and searches every retailer's months once per product — 40 s instead of
/// 2 s on the default city. PostgreSQL (which has no `CROSS JOIN … ON`) gets plain joins.
pub async fn demand_history(
    db: &Db, scope: ScopeIds, from: &str, to: &str,
) -> Result<Vec<DemandPoint>> {
    let scope_sql = scope.sql();
    let agg = |f: &str, join: &str| {
        format!(
            "SELECT s.retailer_id, {f} FROM retailer r {join} sales_month s ON s.retailer_id = r.id \
             {join} product p ON p.id = s.product_id \
             WHERE {scope_sql} AND s.month >= $4 AND s.month <= $5 AND r.business_status = 'OPERATING' AND p.status <> 'DELISTED' \
             GROUP BY s.retailer_id ORDER BY s.retailer_id"
        )
    };
    let item =
        "CAST(s.product_id AS TEXT) || ',' || s.month || ',' || CAST(s.demanded_qty AS TEXT)";
    let packed: Vec<(i64, String)> = match db {
        Db::Sqlite(p) => {
            sqlx::query_as(&agg(&format!("GROUP_CONCAT({item}, ';')"), "CROSS JOIN"))
                .bind(scope.rep_id)
                .bind(scope.area_id)
                .bind(scope.county_id)
                .bind(from)
                .bind(to)
                .fetch_all(p)
                .await?
        }
        Db::Postgres(p) => {
            sqlx::query_as(&agg(&format!("string_agg({item}, ';')"), "JOIN"))
                .bind(scope.rep_id)
                .bind(scope.area_id)
                .bind(scope.county_id)
                .bind(from)
                .bind(to)
                .fetch_all(p)
                .await?
        }
    };
    let bad = |t: &str| crate::StoreError::Corrupt(format!("需求历史无法解析: {t}"));
    let mut out = Vec::new();
    let mut one: Vec<(i64, i32, i64)> = Vec::new();
    for (r, text) in packed {
        one.clear();
        for e in text.split(';') {
            let mut it = e.split(',');
            let (Some(p), Some(m), Some(q)) = (it.next(), it.next(), it.next()) else {
                return Err(bad(e));
            };
            let p: i64 = p.parse().map_err(|_| bad(e))?;
            let m = domain::Month::parse(m).map_err(|_| bad(e))?.index();
            let q: i64 = q.parse().map_err(|_| bad(e))?;
            one.push((p, m, q));
        }
        one.sort_unstable();
        out.extend(one.iter().map(|&(p, m, q)| DemandPoint {
            retailer_id: r,
            product_id: p,
            month_index: m,
            demanded: q,
        }));
    }
    Ok(out)
}

/// One SKU's demand of one retailer in one month (see [`retailer_demand`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SkuMonthDemand {
    pub sku_code: String,
    pub brand: String,
    pub spec_name: String,
    pub month: String,
    pub demanded: i64,
}

/// One retailer's monthly demand per SKU over `from..=to`, by SKU and month.
pub async fn retailer_demand(
    db: &Db, retailer_id: i64, from: &str, to: &str,
) -> Result<Vec<SkuMonthDemand>> {
    let q = "SELECT p.sku_code, p.brand, p.spec_name, s.month, s.demanded_qty AS demanded FROM sales_month s JOIN product p ON p.id = s.product_id \
             WHERE s.retailer_id = $1 AND s.month >= $2 AND s.month <= $3 AND p.status <> 'DELISTED' ORDER BY p.sku_code, s.month";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(retailer_id).bind(from).bind(to).fetch_all(p).await)?)
}

/// One retailer's tier quota per SKU over `from..=to` (§4.3): Σ of the quota of its order lines
/// (条) as `(product_id, quota)`; SKUs released on demand carry no quota and are absent.
pub async fn retailer_quota(
    db: &Db, retailer_id: i64, from: chrono::NaiveDate, to: chrono::NaiveDate,
) -> Result<Vec<(i64, i64)>> {
    let q = "SELECT product_id, CAST(SUM(quota_qty) AS BIGINT) FROM order_line \
             WHERE retailer_id = $1 AND order_date >= $2 AND order_date <= $3 AND quota_qty IS NOT NULL GROUP BY product_id";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(retailer_id).bind(from).bind(to).fetch_all(p).await)?)
}

/// A retailer's forecast record of one SKU with the retailer's own figure (see [`retailer_records`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SelfReportRecord {
    pub sku_code: String,
    pub brand: String,
    pub spec_name: String,
    pub self_report_qty: Option<i64>,
}

/// One retailer's forecast records of a month, by SKU.
pub async fn retailer_records(
    db: &Db, retailer_id: i64, month: &str,
) -> Result<Vec<SelfReportRecord>> {
    let q = "SELECT p.sku_code, p.brand, p.spec_name, f.self_report_qty FROM forecast f JOIN product p ON p.id = f.product_id \
             WHERE f.retailer_id = $1 AND f.month = $2 ORDER BY p.sku_code";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(retailer_id).bind(month).fetch_all(p).await)?)
}

/// A forecast record with the names the pages and the aggregates need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ForecastView {
    pub retailer_id: i64,
    pub customer_code: String,
    pub retailer_name: String,
    pub tier: i64,
    pub rep_id: Option<i64>,
    pub area_id: i64,
    pub county_id: i64,
    pub product_id: i64,
    pub sku_code: String,
    pub brand: String,
    pub price_class: String,
    pub supply_status: String,
    pub method: String,
    pub quantity: i64,
    pub state: String,
    pub model_qty: Option<i64>,
    pub interactive_qty: Option<i64>,
    pub self_report_qty: Option<i64>,
    pub self_report_reviewed_qty: Option<i64>,
    pub balanced_qty: Option<i64>,
}

pub async fn list(db: &Db, scope: ScopeIds, month: &str) -> Result<Vec<ForecastView>> {
    list_page(db, scope, month, i64::MAX, 0).await
}

/// A month's forecast records of one retailer summed (the rep's list: one line a retailer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RetailerForecastSum {
    pub retailer_id: i64,
    pub customer_code: String,
    pub retailer_name: String,
    pub tier: i64,
    /// Records (SKUs) of the retailer.
    pub records: i64,
    /// Σ quantity (条).
    pub quantity: i64,
    /// Σ MODEL figure (条).
    pub model: i64,
    /// Records with an interactive figure.
    pub interactive: i64,
    /// Records with a self-report.
    pub self_report: i64,
    /// The records' state (the least by name when they differ).
    pub state: String,
}

/// [`list`] summed per retailer in the database, by customer code: a rep's 2,000 records
/// become 150 lines without leaving the database.
pub async fn retailer_sums(
    db: &Db, scope: ScopeIds, month: &str,
) -> Result<Vec<RetailerForecastSum>> {
    let q = format!(
        "SELECT f.retailer_id, r.customer_code, r.name AS retailer_name, r.tier, COUNT(*) AS records, \
         CAST(COALESCE(SUM(f.quantity), 0) AS BIGINT) AS quantity, CAST(COALESCE(SUM(f.model_qty), 0) AS BIGINT) AS model, \
         COUNT(f.interactive_qty) AS interactive, COUNT(f.self_report_qty) AS self_report, MIN(f.state) AS state \
         FROM {} WHERE f.retailer_id = r.id AND {} AND f.month = $4 \
         GROUP BY f.retailer_id, r.customer_code, r.name, r.tier ORDER BY r.customer_code",
        scope.forecasts_from(),
        scope.sql()
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, RetailerForecastSum>(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month).fetch_all(p).await)?,
    )
}

/// How many forecast records of a month lie in a scope.
pub async fn count(db: &Db, scope: ScopeIds, month: &str) -> Result<i64> {
    if scope.is_company() {
        // Company-wide: the month's records alone (every record has its retailer).
        let q = "SELECT COUNT(*) FROM forecast f WHERE f.month = $4 AND CAST($1 AS BIGINT) IS NULL \
                 AND CAST($2 AS BIGINT) IS NULL AND CAST($3 AS BIGINT) IS NULL";
        return Ok(
            on_db!(db, p => sqlx::query_scalar::<_, i64>(q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month).fetch_one(p).await)?,
        );
    }
    let q = format!(
        "SELECT COUNT(*) FROM {} WHERE f.retailer_id = r.id AND {} AND f.month = $4",
        scope.forecasts_from(),
        scope.sql()
    );
    Ok(
        on_db!(db, p => sqlx::query_scalar::<_, i64>(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month).fetch_one(p).await)?,
    )
}

/// One page of [`list`]: `limit` records after the first `offset`, in the same order.
pub async fn list_page(
    db: &Db, scope: ScopeIds, month: &str, limit: i64, offset: i64,
) -> Result<Vec<ForecastView>> {
    let scope_sql = scope.sql();
    // The retailers first whatever the scope: walked in customer-code order, the first page
    // is found without sorting the whole month.
    let from = "retailer r CROSS JOIN forecast f";
    let q = format!(
        "SELECT f.retailer_id, r.customer_code, r.name AS retailer_name, r.tier, r.account_manager_id AS rep_id, r.area_id, r.county_id, \
         f.product_id, p.sku_code, p.brand, p.price_class, p.supply_status, f.method, f.quantity, f.state, f.model_qty, f.interactive_qty, \
         f.self_report_qty, f.self_report_reviewed_qty, f.balanced_qty \
         FROM {from} JOIN product p ON p.id = f.product_id \
         WHERE f.retailer_id = r.id AND {scope_sql} AND f.month = $4 ORDER BY r.customer_code, p.sku_code LIMIT $5 OFFSET $6"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, ForecastView>(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month)
            .bind(limit).bind(offset).fetch_all(p).await)?,
    )
}

/// One rep's forecast records of a month summed (see [`rep_sums`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RepForecastSum {
    pub rep_id: i64,
    /// Σ quantity (条).
    pub quantity: i64,
    pub records: i64,
    pub retailers: i64,
}

/// Forecast records of a month in scope summed per account manager, by rep id (records of
/// retailers without one are left out).
pub async fn rep_sums(db: &Db, scope: ScopeIds, month: &str) -> Result<Vec<RepForecastSum>> {
    if scope.is_company() {
        // Company-wide: the month summed per retailer from `forecast_month_retailer` alone,
        // then per rep (one retailer lookup each, not one a record).
        let q = "SELECT r.account_manager_id AS rep_id, CAST(SUM(t.quantity) AS BIGINT) AS quantity, \
                 CAST(SUM(t.records) AS BIGINT) AS records, COUNT(*) AS retailers \
                 FROM (SELECT f.retailer_id, SUM(f.quantity) AS quantity, COUNT(*) AS records FROM forecast f \
                 WHERE f.month = $4 AND CAST($1 AS BIGINT) IS NULL AND CAST($2 AS BIGINT) IS NULL AND CAST($3 AS BIGINT) IS NULL \
                 GROUP BY f.retailer_id) t CROSS JOIN retailer r \
                 WHERE r.id = t.retailer_id AND r.account_manager_id IS NOT NULL \
                 GROUP BY r.account_manager_id ORDER BY r.account_manager_id";
        return Ok(
            on_db!(db, p => sqlx::query_as(q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month).fetch_all(p).await)?,
        );
    }
    let q = format!(
        "SELECT r.account_manager_id AS rep_id, CAST(COALESCE(SUM(f.quantity), 0) AS BIGINT) AS quantity, \
         COUNT(*) AS records, COUNT(DISTINCT f.retailer_id) AS retailers \
         FROM {} WHERE f.retailer_id = r.id AND {} AND f.month = $4 AND r.account_manager_id IS NOT NULL \
         GROUP BY r.account_manager_id ORDER BY r.account_manager_id",
        scope.forecasts_from(),
        scope.sql()
    );
    Ok(
        on_db!(db, p => sqlx::query_as(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month).fetch_all(p).await)?,
    )
}

/// Forecast records of a month in scope summed per SKU (see [`product_sums`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProductSum {
    pub product_id: i64,
    /// Σ quantity (条).
    pub quantity: i64,
    pub records: i64,
}

/// Forecast records of a month in scope summed per SKU in one read: the brand and price-class
/// totals are sums of these.
pub async fn product_sums(db: &Db, scope: ScopeIds, month: &str) -> Result<Vec<ProductSum>> {
    if scope.is_company() {
        // Company-wide: every record of the month, from `forecast_month_product` alone.
        let q = "SELECT f.product_id, CAST(COALESCE(SUM(f.quantity), 0) AS BIGINT) AS quantity, COUNT(*) AS records \
                 FROM forecast f WHERE f.month = $4 AND CAST($1 AS BIGINT) IS NULL AND CAST($2 AS BIGINT) IS NULL \
                 AND CAST($3 AS BIGINT) IS NULL GROUP BY f.product_id";
        return Ok(
            on_db!(db, p => sqlx::query_as(q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month).fetch_all(p).await)?,
        );
    }
    let q = format!(
        "SELECT f.product_id, CAST(COALESCE(SUM(f.quantity), 0) AS BIGINT) AS quantity, COUNT(*) AS records \
         FROM {} WHERE f.retailer_id = r.id AND {} AND f.month = $4 GROUP BY f.product_id",
        scope.forecasts_from(),
        scope.sql()
    );
    Ok(
        on_db!(db, p => sqlx::query_as(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month).fetch_all(p).await)?,
    )
}

/// Every rep's comments of a month, by rep then id.
pub async fn comments_of_month(db: &Db, month: &str) -> Result<Vec<Comment>> {
    let q = "SELECT * FROM forecast_comment WHERE month = $1 ORDER BY rep_id, id";
    Ok(on_db!(db, p => sqlx::query_as::<_, Comment>(q).bind(month).fetch_all(p).await)?)
}

/// Lock a rep's draft records of a month (submission). Returns the rows locked.
/// Serialise the writes of one rep's forecasts (entry, self-report, submission, return) in the
/// caller's transaction: the rep's staff row locked until commit on PostgreSQL; on SQLite the
/// transaction's write lock already serialises them.
pub async fn serialize_rep(tx: &mut Tx, rep_id: i64) -> Result<()> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT id FROM staff WHERE id = $1 FOR UPDATE")
            .bind(rep_id)
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

pub async fn lock_rep(tx: &mut Tx, month: &str, rep_id: i64, now: DateTime<Utc>) -> Result<u64> {
    let q = "UPDATE forecast SET state = 'SUBMITTED', submitted_at = $3 WHERE month = $1 AND state = 'DRAFT' \
             AND retailer_id IN (SELECT id FROM retailer WHERE account_manager_id = $2)";
    Ok(
        on_tx!(tx, c => sqlx::query(q).bind(month).bind(rep_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// Reopen a rep's submitted records (a supervisor's return).
pub async fn unlock_rep(tx: &mut Tx, month: &str, rep_id: i64) -> Result<u64> {
    let q = "UPDATE forecast SET state = 'DRAFT', submitted_at = NULL WHERE month = $1 AND state = 'SUBMITTED' \
             AND retailer_id IN (SELECT id FROM retailer WHERE account_manager_id = $2)";
    Ok(
        on_tx!(tx, c => sqlx::query(q).bind(month).bind(rep_id).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// Count and total quantity of a rep's records of a month.
pub async fn rep_totals(tx: &mut Tx, month: &str, rep_id: i64) -> Result<(i64, i64)> {
    let q = "SELECT COUNT(*), CAST(COALESCE(SUM(f.quantity), 0) AS BIGINT) FROM retailer r CROSS JOIN forecast f \
             WHERE f.retailer_id = r.id AND f.month = $1 AND r.account_manager_id = $2";
    Ok(on_tx!(tx, c => sqlx::query_as(q).bind(month).bind(rep_id).fetch_one(c).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Submission {
    pub month: String,
    pub rep_id: i64,
    pub status: String,
    pub pairs: i64,
    pub quantity: i64,
    pub submitted_at: DateTime<Utc>,
    pub returned_by: Option<i64>,
    pub returned_at: Option<DateTime<Utc>>,
}

pub async fn submission(tx: &mut Tx, month: &str, rep_id: i64) -> Result<Option<Submission>> {
    let q = "SELECT * FROM forecast_submission WHERE month = $1 AND rep_id = $2";
    Ok(
        on_tx!(tx, c => sqlx::query_as::<_, Submission>(q).bind(month).bind(rep_id).fetch_optional(c).await)?,
    )
}

pub async fn submissions(db: &Db, month: &str) -> Result<Vec<Submission>> {
    let q = "SELECT * FROM forecast_submission WHERE month = $1 ORDER BY rep_id";
    Ok(on_db!(db, p => sqlx::query_as::<_, Submission>(q).bind(month).fetch_all(p).await)?)
}

pub async fn put_submission(tx: &mut Tx, s: &Submission) -> Result<()> {
    let q = "INSERT INTO forecast_submission (month, rep_id, status, pairs, quantity, submitted_at, returned_by, returned_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (month, rep_id) DO UPDATE SET status = excluded.status, \
             pairs = excluded.pairs, quantity = excluded.quantity, submitted_at = excluded.submitted_at, \
             returned_by = excluded.returned_by, returned_at = excluded.returned_at";
    on_tx!(tx, c => sqlx::query(q).bind(&s.month).bind(s.rep_id).bind(&s.status).bind(s.pairs).bind(s.quantity)
        .bind(s.submitted_at).bind(s.returned_by).bind(s.returned_at).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Comment {
    pub id: i64,
    pub month: String,
    pub rep_id: i64,
    pub author_id: i64,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn add_comment(
    tx: &mut Tx, month: &str, rep_id: i64, author_id: i64, body: &str, now: DateTime<Utc>,
) -> Result<i64> {
    let q = "INSERT INTO forecast_comment (month, rep_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(q).bind(month).bind(rep_id).bind(author_id).bind(body).bind(now).fetch_one(c).await)?,
    )
}

pub async fn comments(db: &Db, month: &str, rep_id: i64) -> Result<Vec<Comment>> {
    let q = "SELECT * FROM forecast_comment WHERE month = $1 AND rep_id = $2 ORDER BY id";
    Ok(
        on_db!(db, p => sqlx::query_as::<_, Comment>(q).bind(month).bind(rep_id).fetch_all(p).await)?,
    )
}

/// Store (replace) a retailer's POS credential hash.
pub async fn set_credential(
    tx: &mut Tx, retailer_id: i64, hash: &str, by: i64, now: DateTime<Utc>,
) -> Result<()> {
    let q = "INSERT INTO retailer_credential (retailer_id, token_hash, issued_by, issued_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (retailer_id) DO UPDATE SET token_hash = excluded.token_hash, issued_by = excluded.issued_by, issued_at = excluded.issued_at";
    on_tx!(tx, c => sqlx::query(q).bind(retailer_id).bind(hash).bind(by).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn credential(db: &Db, retailer_id: i64) -> Result<Option<String>> {
    let q = "SELECT token_hash FROM retailer_credential WHERE retailer_id = $1";
    Ok(on_db!(db, p => sqlx::query_scalar(q).bind(retailer_id).fetch_optional(p).await)?)
}

/// A rep's retailers with their published balanced totals of a month and the feedback tick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FeedbackItem {
    pub retailer_id: i64,
    pub customer_code: String,
    pub name: String,
    pub rep_id: Option<i64>,
    pub forecast_qty: i64,
    pub balanced_qty: i64,
    pub skus: i64,
    pub ticked_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

pub async fn feedback_list(db: &Db, scope: ScopeIds, month: &str) -> Result<Vec<FeedbackItem>> {
    let (scope_sql, from) = (scope.sql(), scope.forecasts_from());
    let q = format!(
        "SELECT r.id AS retailer_id, r.customer_code, r.name, r.account_manager_id AS rep_id, \
         CAST(COALESCE(SUM(f.quantity), 0) AS BIGINT) AS forecast_qty, CAST(COALESCE(SUM(f.balanced_qty), 0) AS BIGINT) AS balanced_qty, \
         COUNT(*) AS skus, MAX(fb.ticked_at) AS ticked_at, MAX(fb.note) AS note \
         FROM {from} \
         LEFT JOIN forecast_feedback fb ON fb.month = f.month AND fb.retailer_id = f.retailer_id \
         WHERE f.retailer_id = r.id AND {scope_sql} AND f.month = $4 AND f.state = 'PUBLISHED' \
         GROUP BY r.id, r.customer_code, r.name, r.account_manager_id ORDER BY r.customer_code"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, FeedbackItem>(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month).fetch_all(p).await)?,
    )
}

/// Tick a retailer off; returns false when it was already ticked (nothing changes twice).
pub async fn tick_feedback(
    tx: &mut Tx, month: &str, retailer_id: i64, rep_id: i64, ledger_qty: i64, note: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = "INSERT INTO forecast_feedback (month, retailer_id, rep_id, ledger_qty, note, ticked_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (month, retailer_id) DO NOTHING";
    let n = on_tx!(tx, c => sqlx::query(q).bind(month).bind(retailer_id).bind(rep_id).bind(ledger_qty).bind(note).bind(now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Published balanced total of one retailer in a month (`None` when nothing is published).
pub async fn published_total(tx: &mut Tx, month: &str, retailer_id: i64) -> Result<Option<i64>> {
    let q = "SELECT CAST(SUM(balanced_qty) AS BIGINT) FROM forecast WHERE month = $1 AND retailer_id = $2 AND state = 'PUBLISHED'";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q).bind(month).bind(retailer_id).fetch_one(c).await)?)
}

/// Record a finished batch job, in the transaction that wrote its results (so a job is recorded
/// as finished exactly when its results are there).
#[allow(clippy::too_many_arguments)]
pub async fn record_job(
    tx: &mut Tx, kind: &str, month: &str, scope: &str, total: i64, written: i64,
    started: DateTime<Utc>, finished: DateTime<Utc>, actor: &str,
) -> Result<()> {
    let q = "INSERT INTO month_job (kind, month, scope, total, written, started_at, finished_at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_tx!(tx, c => sqlx::query(q).bind(kind).bind(month).bind(scope).bind(total).bind(written).bind(started).bind(finished).bind(actor)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A finished batch job as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MonthJob {
    pub kind: String,
    pub month: String,
    pub total: i64,
    pub written: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub actor: String,
}

/// The latest finished job of a kind for a month.
pub async fn last_job(db: &Db, kind: &str, month: &str) -> Result<Option<MonthJob>> {
    let q = "SELECT kind, month, total, written, started_at, finished_at, actor FROM month_job \
             WHERE kind = $1 AND month = $2 ORDER BY id DESC LIMIT 1";
    Ok(
        on_db!(db, p => sqlx::query_as::<_, MonthJob>(q).bind(kind).bind(month).fetch_optional(p).await)?,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Plan135 {
    pub month: String,
    pub staff_id: i64,
    pub plan: String,
    pub improvement: String,
    pub updated_at: DateTime<Utc>,
}

pub async fn plan135(db: &Db, month: &str, staff_id: i64) -> Result<Option<Plan135>> {
    let q = "SELECT * FROM plan135 WHERE month = $1 AND staff_id = $2";
    Ok(
        on_db!(db, p => sqlx::query_as::<_, Plan135>(q).bind(month).bind(staff_id).fetch_optional(p).await)?,
    )
}

pub async fn put_plan135(tx: &mut Tx, p: &Plan135) -> Result<()> {
    let q = "INSERT INTO plan135 (month, staff_id, plan, improvement, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (month, staff_id) DO UPDATE SET plan = excluded.plan, improvement = excluded.improvement, updated_at = excluded.updated_at";
    on_tx!(tx, c => sqlx::query(q).bind(&p.month).bind(p.staff_id).bind(&p.plan).bind(&p.improvement).bind(p.updated_at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// How many people of a county wrote a plan for the month.
pub async fn plans_in_county(db: &Db, month: &str, county_id: i64) -> Result<i64> {
    let q = "SELECT COUNT(*) FROM plan135 pl JOIN staff s ON s.id = pl.staff_id JOIN org_unit o ON o.id = s.org_unit_id \
             WHERE pl.month = $1 AND pl.plan <> '' AND (o.id = $2 OR o.parent_id = $2)";
    Ok(on_db!(db, p => sqlx::query_scalar(q).bind(month).bind(county_id).fetch_one(p).await)?)
}

/// A rep as lists name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RepName {
    pub id: i64,
    pub username: String,
    pub name: String,
}

/// The reps with retailers in a county, by username.
pub async fn county_reps(db: &Db, county_id: i64) -> Result<Vec<RepName>> {
    let q = "SELECT s.id, s.username, s.name FROM staff s WHERE s.active = TRUE AND s.id IN \
             (SELECT DISTINCT account_manager_id FROM retailer WHERE county_id = $1 AND account_manager_id IS NOT NULL) ORDER BY s.username";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(county_id).fetch_all(p).await)?)
}

/// A retailer's demand over a range with the flags that make a key customer (§5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RetailerVolume {
    pub retailer_id: i64,
    pub demanded: i64,
    pub is_sample_point: bool,
    pub is_info_reporter: bool,
}

/// A rep's operating retailers with their demand over `from..=to` (§5.1 key customers).
pub async fn rep_volumes(
    db: &Db, rep_id: i64, from: &str, to: &str,
) -> Result<Vec<RetailerVolume>> {
    Ok(reps_volumes(db, &[rep_id], from, to)
        .await?
        .into_iter()
        .map(|(_, v)| v)
        .collect())
}

/// [`rep_volumes`] of the given reps (a county's, [`county_reps`]) in one read: (rep id, the
/// retailer's volume).
pub async fn reps_volumes(
    db: &Db, rep_ids: &[i64], from: &str, to: &str,
) -> Result<Vec<(i64, RetailerVolume)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        rep_id: i64,
        #[sqlx(flatten)]
        v: RetailerVolume,
    }
    // Each retailer's few months probed by `retailer_month_total_cover`, not the whole window's
    // months of every retailer joined by hash (what PostgreSQL chose for the join: 25 ms → 6 ms).
    let q = format!(
        "SELECT r.account_manager_id AS rep_id, r.id AS retailer_id, \
         CAST(COALESCE((SELECT SUM(s.demanded_qty) FROM retailer_month_total s \
         WHERE s.retailer_id = r.id AND s.month >= $1 AND s.month <= $2), 0) AS BIGINT) AS demanded, \
         r.is_sample_point, r.is_info_reporter FROM retailer r \
         WHERE r.account_manager_id IN {} AND r.business_status = 'OPERATING'",
        super::id_list(rep_ids)
    );
    let rows: Vec<Row> =
        on_db!(db, p => sqlx::query_as(&q).bind(from).bind(to).fetch_all(p).await)?;
    Ok(rows.into_iter().map(|r| (r.rep_id, r.v)).collect())
}

/// Retailers of the given reps with an interactive figure for the month: (rep id, retailer id).
pub async fn reps_interactive(db: &Db, rep_ids: &[i64], month: &str) -> Result<Vec<(i64, i64)>> {
    // One probe a retailer of the partial index `forecast_interactive` (its entries are the
    // interactive records: nothing else to read), not every record of the retailer's month
    // visited for its `interactive_qty` (SQLite's choice by itself: a county's 2 000 retailers
    // in 21 ms, 1–2 ms by the partial index).
    let q = format!(
        "SELECT r.account_manager_id, r.id FROM retailer r WHERE r.account_manager_id IN {} \
         AND EXISTS (SELECT 1 FROM forecast f {} WHERE f.retailer_id = r.id AND f.month = $1 AND f.interactive_qty IS NOT NULL)",
        super::id_list(rep_ids),
        super::sqlite_index(db, "forecast_interactive")
    );
    Ok(on_db!(db, p => sqlx::query_as(&q).bind(month).fetch_all(p).await)?)
}

/// A rep's feedback of a published month: retailers due (with published records) and done
/// (ticked), `rep_id` `None` for the retailers without a rep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FeedbackCount {
    pub rep_id: Option<i64>,
    pub due: i64,
    pub done: i64,
}

/// [`feedback_list`] of a county counted per rep, without summing the records: a retailer is
/// due when one of its records of the month is published.
pub async fn feedback_counts(db: &Db, county_id: i64, month: &str) -> Result<Vec<FeedbackCount>> {
    let q = "SELECT r.account_manager_id AS rep_id, COUNT(*) AS due, COUNT(fb.ticked_at) AS done \
             FROM retailer r LEFT JOIN forecast_feedback fb ON fb.month = $2 AND fb.retailer_id = r.id \
             WHERE r.county_id = $1 AND EXISTS (SELECT 1 FROM forecast f WHERE f.retailer_id = r.id AND f.month = $2 \
             AND f.state = 'PUBLISHED') GROUP BY r.account_manager_id ORDER BY r.account_manager_id";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(county_id).bind(month).fetch_all(p).await)?)
}

/// Counts of a county's month: (model pairs, unreviewed self-reports).
pub async fn county_counts(db: &Db, county_id: i64, month: &str) -> Result<(i64, i64)> {
    let q = "SELECT CAST(COALESCE(SUM(CASE WHEN f.model_qty IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN f.self_report_qty IS NOT NULL AND f.self_report_reviewed_qty IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM retailer r CROSS JOIN forecast f WHERE f.retailer_id = r.id AND r.county_id = $1 AND f.month = $2";
    // The county's retailers first, then their records by `forecast_retailer` (SQLite keeps the
    // CROSS JOIN's order; the whole month's records are 140 000).
    Ok(on_db!(db, p => sqlx::query_as(q).bind(county_id).bind(month).fetch_one(p).await)?)
}

/// Actual demand-side and supplied quantities of one retailer × SKU in a month (see [`actuals`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Actual {
    pub retailer_id: i64,
    pub product_id: i64,
    pub demanded: i64,
    pub supplied: i64,
}

/// Actual demand-side and supplied quantities per retailer × SKU of a month in scope.
pub async fn actuals(db: &Db, scope: ScopeIds, month: &str) -> Result<Vec<Actual>> {
    let scope_sql = scope.sql();
    let q = format!(
        "SELECT s.retailer_id, s.product_id, s.demanded_qty AS demanded, s.supplied_qty AS supplied FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
         WHERE {scope_sql} AND s.month = $4"
    );
    Ok(
        on_db!(db, p => sqlx::query_as(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month).fetch_all(p).await)?,
    )
}

/// A forecast record as accuracy counts it: ids and figures only (see [`cells`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ForecastCell {
    pub retailer_id: i64,
    pub product_id: i64,
    pub method: String,
    pub quantity: i64,
    pub model_qty: Option<i64>,
    pub interactive_qty: Option<i64>,
}

/// The forecast records of a month in scope, unordered and without names: the company-wide
/// accuracy reads 140 000 of them, and names come from the retailer and product maps.
pub async fn cells(db: &Db, scope: ScopeIds, month: &str) -> Result<Vec<ForecastCell>> {
    let q = format!(
        "SELECT f.retailer_id, f.product_id, f.method, f.quantity, f.model_qty, f.interactive_qty \
         FROM {} WHERE f.retailer_id = r.id AND {} AND f.month = $4",
        scope.forecasts_from(),
        scope.sql()
    );
    Ok(
        on_db!(db, p => sqlx::query_as(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).bind(month).fetch_all(p).await)?,
    )
}

/// What the accuracy pages group a retailer by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RetailerKey {
    pub id: i64,
    pub customer_code: String,
    pub rep_id: Option<i64>,
    pub area_id: i64,
    pub county_id: i64,
}

/// Retailer id → its keys.
pub type RetailerKeys = std::collections::HashMap<i64, RetailerKey>;

/// Retailers in scope by id.
pub async fn retailer_keys(db: &Db, scope: ScopeIds) -> Result<RetailerKeys> {
    let scope_sql = scope.sql();
    let q = format!(
        "SELECT r.id, r.customer_code, r.account_manager_id AS rep_id, r.area_id, r.county_id FROM retailer r WHERE {scope_sql}"
    );
    let rows: Vec<RetailerKey> = on_db!(db, p => sqlx::query_as::<_, RetailerKey>(&q).bind(scope.rep_id).bind(scope.area_id).bind(scope.county_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}
