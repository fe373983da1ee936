//! Next month's supply per SKU and the balancing runs over it (domain.md §4.5, days 17–20).
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SupplyLine {
    pub product_id: i64,
    pub sku_code: String,
    pub brand: String,
    pub supply_status: String,
    pub quantity: i64,
}

pub async fn list(db: &Db, month: &str) -> Result<Vec<SupplyLine>> {
    let q = "SELECT s.product_id, p.sku_code, p.brand, p.supply_status, s.quantity FROM supply_plan s JOIN product p ON p.id = s.product_id \
             WHERE s.month = $1 ORDER BY p.sku_code";
    Ok(on_db!(db, p => sqlx::query_as::<_, SupplyLine>(q).bind(month).fetch_all(p).await)?)
}

/// The current quantity of one SKU (for the audit trail's before).
pub async fn get(tx: &mut Tx, month: &str, product_id: i64) -> Result<Option<i64>> {
    let q = "SELECT quantity FROM supply_plan WHERE month = $1 AND product_id = $2";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q).bind(month).bind(product_id).fetch_optional(c).await)?)
}

pub async fn put(
    tx: &mut Tx, month: &str, product_id: i64, quantity: i64, by: i64, now: DateTime<Utc>,
) -> Result<()> {
    let q = "INSERT INTO supply_plan (month, product_id, quantity, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (month, product_id) DO UPDATE SET quantity = excluded.quantity, updated_by = excluded.updated_by, updated_at = excluded.updated_at";
    on_tx!(tx, c => sqlx::query(q).bind(month).bind(product_id).bind(quantity).bind(by).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct BalanceRun {
    pub month: String,
    pub state: String,
    pub run_by: Option<i64>,
    pub run_at: DateTime<Utc>,
    pub published_by: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    /// The tier-quota ladders applied to tight SKUs (JSON), kept out of the audit trail's copy.
    #[serde(skip)]
    pub ladders: Option<String>,
}

pub async fn run(db: &Db, month: &str) -> Result<Option<BalanceRun>> {
    let q = "SELECT * FROM balance_run WHERE month = $1";
    Ok(on_db!(db, p => sqlx::query_as::<_, BalanceRun>(q).bind(month).fetch_optional(p).await)?)
}

/// The state of a month's balancing run, its row locked until the caller's transaction ends
/// (PostgreSQL; on SQLite the transaction's write lock), so a check against PUBLISHED holds
/// until the commit.
pub async fn run_state_locked(tx: &mut Tx, month: &str) -> Result<Option<String>> {
    Ok(match tx {
        Tx::Postgres(t) => {
            sqlx::query_scalar("SELECT state FROM balance_run WHERE month = $1 FOR UPDATE")
                .bind(month)
                .fetch_optional(&mut **t)
                .await?
        }
        Tx::Sqlite(t) => {
            sqlx::query_scalar("SELECT state FROM balance_run WHERE month = $1")
                .bind(month)
                .fetch_optional(&mut **t)
                .await?
        }
    })
}

pub async fn run_tx(tx: &mut Tx, month: &str) -> Result<Option<BalanceRun>> {
    let q = "SELECT * FROM balance_run WHERE month = $1";
    Ok(on_tx!(tx, c => sqlx::query_as::<_, BalanceRun>(q).bind(month).fetch_optional(c).await)?)
}

/// A submitted forecast to balance, with what places its retailer in a sub-market (§4.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Submitted {
    pub retailer_id: i64,
    pub product_id: i64,
    pub tier: i64,
    pub quantity: i64,
    pub county_id: i64,
    pub market_type: String,
    pub urban_rural_code: String,
    pub business_format: String,
}

/// The submitted forecasts of a month to balance, sorted by product, then retailer.
pub async fn submitted(db: &Db, month: &str) -> Result<Vec<Submitted>> {
    let q = "SELECT f.retailer_id, f.product_id, r.tier, f.quantity, r.county_id, r.market_type, r.urban_rural_code, r.business_format \
             FROM forecast f JOIN retailer r ON r.id = f.retailer_id \
             WHERE f.month = $1 AND f.state = 'SUBMITTED' ORDER BY f.product_id, f.retailer_id";
    Ok(on_db!(db, p => sqlx::query_as::<_, Submitted>(q).bind(month).fetch_all(p).await)?)
}

/// One line of a balancing run as written (§4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Line {
    pub retailer_id: i64,
    pub product_id: i64,
    pub tier: i64,
    pub forecast_qty: i64,
    pub final_qty: i64,
    pub capped: bool,
    pub flagged: bool,
}

/// Replace the draft run of a month with these lines.
pub async fn replace_run(
    tx: &mut Tx, month: &str, lines: &[Line], ladders: Option<&str>, by: i64, now: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM balance_line WHERE month = $1").bind(month).execute(c).await.map(|r| r.rows_affected()))?;
    let backend = tx.backend();
    for chunk in lines.chunks(crate::bulk::rows_per_statement(8)) {
        let q = crate::bulk::insert_sql(
            "INSERT INTO balance_line (month, retailer_id, product_id, tier, forecast_qty, final_qty, capped, flagged)",
            8,
            chunk.len(),
            backend,
        );
        on_tx!(tx, c => {
            let mut s = sqlx::query(&q);
            for l in chunk {
                s = s.bind(month).bind(l.retailer_id).bind(l.product_id).bind(l.tier).bind(l.forecast_qty)
                    .bind(l.final_qty).bind(l.capped).bind(l.flagged);
            }
            s.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    let q = "INSERT INTO balance_run (month, state, run_by, run_at, ladders) VALUES ($1, 'DRAFT', $2, $3, $4) \
             ON CONFLICT (month) DO UPDATE SET state = 'DRAFT', run_by = excluded.run_by, run_at = excluded.run_at, \
             published_by = NULL, published_at = NULL, ladders = excluded.ladders";
    on_tx!(tx, c => sqlx::query(q).bind(month).bind(by).bind(now).bind(ladders).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A run's lines with names, for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LineView {
    pub retailer_id: i64,
    pub customer_code: String,
    pub rep_id: Option<i64>,
    pub product_id: i64,
    pub sku_code: String,
    pub tier: i64,
    pub forecast_qty: i64,
    pub final_qty: i64,
    pub capped: bool,
    pub flagged: bool,
}

pub async fn lines(db: &Db, scope: super::ScopeIds, month: &str) -> Result<Vec<LineView>> {
    let q = format!(
        "SELECT b.retailer_id, r.customer_code, r.account_manager_id AS rep_id, b.product_id, p.sku_code, b.tier, b.forecast_qty, \
         b.final_qty, b.capped, b.flagged FROM balance_line b JOIN retailer r ON r.id = b.retailer_id JOIN product p ON p.id = b.product_id \
         WHERE {} AND b.month = $4 ORDER BY p.sku_code, r.customer_code",
        scope.sql()
    );
    Ok(on_db!(db, p => sqlx::query_as::<_, LineView>(&q)
        .bind(scope.rep_id)
        .bind(scope.area_id)
        .bind(scope.county_id)
        .bind(month)
        .fetch_all(p)
        .await)?)
}

/// Publish a draft run in the caller's transaction: write each line's final figure to its
/// forecast record as the balanced figure, state PUBLISHED. Returns the records written.
pub async fn publish(tx: &mut Tx, month: &str, by: i64, now: DateTime<Utc>) -> Result<u64> {
    let q = "UPDATE forecast SET balanced_qty = (SELECT b.final_qty FROM balance_line b WHERE b.month = forecast.month \
             AND b.retailer_id = forecast.retailer_id AND b.product_id = forecast.product_id), state = 'PUBLISHED', updated_at = $2 \
             WHERE month = $1 AND state = 'SUBMITTED' AND EXISTS (SELECT 1 FROM balance_line b WHERE b.month = forecast.month \
             AND b.retailer_id = forecast.retailer_id AND b.product_id = forecast.product_id)";
    let n = on_tx!(tx, c => sqlx::query(q).bind(month).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    let q = "UPDATE balance_run SET state = 'PUBLISHED', published_by = $2, published_at = $3 WHERE month = $1";
    on_tx!(tx, c => sqlx::query(q).bind(month).bind(by).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n)
}
