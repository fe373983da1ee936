//! 需求预测 — the three methods, the rep's review, submission, supervision (domain.md §5.1, §2.1).
//!
//! Months: `target` is the month forecast; it is entered in the working month `target − 1`
//! (domain::cycle). Every write a person (or a POS) makes lands in the audit trail in the same
//! transaction as the write.
//!
//! - [`entry`]: a rep's entry and review, the retailer's self-report, key customers (§5.1);
//! - [`pos`]: the retailers' POS credentials, their lockout and the self-report sheet;
//! - [`model_job`]: the MODEL forecast (模型预测) as a batch job;
//! - [`submission`]: submission (day 8) and supervision — comments and returns (§2.1);
//! - [`totals`]: territory totals and per-rep sums, the records a person may see.
use crate::{App, AppError, AppResult};
use domain::Month;
use domain::{CustomerCode, SkuCode};
use serde::Serialize;
use store::repo::forecasts::ForecastRow;

pub mod entry;
pub mod model_job;
pub mod pos;
pub mod submission;
pub mod totals;

pub use entry::{
    SelfReportLine, key_customer_window, key_customers, key_customers_of, put, self_report,
};
pub use model_job::{
    MODEL_JOB, MODEL_START, ModelRun, Progress, SharedProgress, model_forecasts, model_job,
    run_model, run_model_as, run_model_phased, start_model_job,
};
pub(crate) use pos::pos_retailer;
pub use pos::{PosSheet, PosSheetLine, issue_pos_token, pos_sheet};
pub use submission::{SubmitOut, comment, return_submission, submit};
pub use totals::{
    AllTotals, DEFAULT_PER_PAGE, MAX_PER_PAGE, RepSum, TotalRow, TotalsBy, list, list_page,
    rep_sums, retailer_sums, totals, totals_all, totals_of,
};

/// The forecast of `target` is entered and submitted in the month before it.
pub fn working_month(target: Month) -> Month {
    target.prev()
}

fn check_window(app: &App, target: Month) -> AppResult<()> {
    let today = Month::of(app.clock.today());
    if today != working_month(target) {
        return Err(AppError::Conflict(format!(
            "{target} 的需求预测只能在 {} 月内录入和提交（今天是 {}）",
            working_month(target),
            app.clock.today()
        )));
    }
    Ok(())
}

async fn retailer(app: &App, code: &CustomerCode) -> AppResult<store::model::Retailer> {
    store::repo::retailer::by_code(&app.db, code.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("零售客户 {code} 不存在")))
}

async fn product(app: &App, sku: &SkuCode) -> AppResult<store::model::Product> {
    store::repo::product::by_code(&app.db, sku.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("卷烟规格 {sku} 不存在")))
}

fn key(target: Month, code: &str, sku: &str) -> String {
    format!("{target}/{code}/{sku}")
}

/// One forecast as the API answers it.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastOut {
    pub month: String,
    pub retailer: String,
    pub sku: String,
    pub method: String,
    pub quantity: i64,
    pub state: String,
    pub model_qty: Option<i64>,
    pub interactive_qty: Option<i64>,
    pub self_report_qty: Option<i64>,
    pub self_report_reviewed_qty: Option<i64>,
    pub balanced_qty: Option<i64>,
}

fn out(r: &ForecastRow, code: &str, sku: &str) -> ForecastOut {
    ForecastOut {
        month: r.month.clone(),
        retailer: code.into(),
        sku: sku.into(),
        method: r.method.clone(),
        quantity: r.quantity,
        state: r.state.clone(),
        model_qty: r.model_qty,
        interactive_qty: r.interactive_qty,
        self_report_qty: r.self_report_qty,
        self_report_reviewed_qty: r.self_report_reviewed_qty,
        balanced_qty: r.balanced_qty,
    }
}
