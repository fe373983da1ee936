//! Bulk writes of a generated city's past months (the demo city's history, `app::demo`): the
//! people's forecast figures of a whole month and the feedback ticks, as multi-row statements,
//! where the one-record-at-a-time entry functions would take minutes for 10,000 retailers.
use crate::repo::forecasts::ForecastRow;
use crate::{Result, Tx, on_tx};
use chrono::{DateTime, Utc};

/// A draft forecast record of a month with its model figure, its retailer's rep and POS, and
/// the retailer's demand of that month (when the month has sales already).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DraftRecord {
    pub retailer_id: i64,
    pub product_id: i64,
    pub rep_id: Option<i64>,
    pub has_pos: bool,
    pub model_qty: Option<i64>,
    /// Demand-side quantity of the month (0 without sales).
    pub demanded_qty: i64,
}

/// The DRAFT records of `month`, by retailer then product.
pub async fn draft_records(tx: &mut Tx, month: &str) -> Result<Vec<DraftRecord>> {
    let q = "SELECT f.retailer_id, f.product_id, r.account_manager_id AS rep_id, r.has_pos, f.model_qty, \
             CAST(COALESCE(s.demanded_qty, 0) AS BIGINT) AS demanded_qty \
             FROM forecast f JOIN retailer r ON r.id = f.retailer_id \
             LEFT JOIN sales_month s ON s.retailer_id = f.retailer_id AND s.month = f.month AND s.product_id = f.product_id \
             WHERE f.month = $1 AND f.state = 'DRAFT' ORDER BY f.retailer_id, f.product_id";
    Ok(on_tx!(tx, c => sqlx::query_as::<_, DraftRecord>(q).bind(month).fetch_all(c).await)?)
}

/// Write whole records (insert or replace their figures), many per statement. The caller has
/// settled each record's method and quantity (§5.1 precedence, `domain::cycle::resolve`).
/// Returns rows written.
pub async fn put_records(tx: &mut Tx, rows: &[ForecastRow], now: DateTime<Utc>) -> Result<u64> {
    const COLS: usize = 15;
    let backend = tx.backend();
    let months: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.month.as_str()).collect();
    for m in months {
        crate::repo::accuracy::invalidate(tx, m).await?;
    }
    let mut written = 0;
    for chunk in rows.chunks(crate::bulk::rows_per_statement(COLS)) {
        let mut q = crate::bulk::insert_sql(
            "INSERT INTO forecast (month, retailer_id, product_id, method, quantity, state, model_qty, interactive_qty, \
             self_report_qty, self_report_reviewed_qty, self_report_reviewed_by, balanced_qty, updated_by, updated_at, self_report_at)",
            COLS,
            chunk.len(),
            backend,
        );
        q.push_str(
            " ON CONFLICT (month, retailer_id, product_id) DO UPDATE SET method = excluded.method, quantity = excluded.quantity, \
             state = excluded.state, model_qty = excluded.model_qty, interactive_qty = excluded.interactive_qty, \
             self_report_qty = excluded.self_report_qty, self_report_reviewed_qty = excluded.self_report_reviewed_qty, \
             self_report_reviewed_by = excluded.self_report_reviewed_by, balanced_qty = excluded.balanced_qty, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at, self_report_at = excluded.self_report_at",
        );
        written += on_tx!(tx, c => {
            let mut s = sqlx::query(&q);
            for r in chunk {
                s = s
                    .bind(&r.month)
                    .bind(r.retailer_id)
                    .bind(r.product_id)
                    .bind(&r.method)
                    .bind(r.quantity)
                    .bind(&r.state)
                    .bind(r.model_qty)
                    .bind(r.interactive_qty)
                    .bind(r.self_report_qty)
                    .bind(r.self_report_reviewed_qty)
                    .bind(r.self_report_reviewed_by)
                    .bind(r.balanced_qty)
                    .bind(r.updated_by)
                    .bind(now)
                    .bind(r.self_report_qty.map(|_| now));
            }
            s.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(written)
}

/// A rep's feedback tick of one retailer (the balanced figure recorded in its 动销台帐).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackTick {
    pub month: String,
    pub retailer_id: i64,
    pub rep_id: i64,
    pub ledger_qty: i64,
    pub note: String,
    pub ticked_at: DateTime<Utc>,
}

/// Write ticks, many per statement; a retailer already ticked keeps its tick. Returns rows written.
pub async fn put_feedback_ticks(tx: &mut Tx, rows: &[FeedbackTick]) -> Result<u64> {
    const COLS: usize = 6;
    let backend = tx.backend();
    let mut written = 0;
    for chunk in rows.chunks(crate::bulk::rows_per_statement(COLS)) {
        let mut q = crate::bulk::insert_sql(
            "INSERT INTO forecast_feedback (month, retailer_id, rep_id, ledger_qty, note, ticked_at)",
            COLS,
            chunk.len(),
            backend,
        );
        q.push_str(" ON CONFLICT (month, retailer_id) DO NOTHING");
        written += on_tx!(tx, c => {
            let mut s = sqlx::query(&q);
            for t in chunk {
                s = s
                    .bind(&t.month)
                    .bind(t.retailer_id)
                    .bind(t.rep_id)
                    .bind(t.ledger_qty)
                    .bind(&t.note)
                    .bind(t.ticked_at);
            }
            s.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(written)
}
