//! Entering the figures of §5.1: the rep's interactive figure and review of a self-report, the
//! retailer's own self-report through its POS, and the rep's key customers. §5.1's precedence
//! decides the figure in force ([`domain::cycle::resolve`]).
use super::pos::pos_retailer;
use super::{ForecastOut, check_window, key, out, product, retailer, working_month};
use crate::{App, AppError, AppResult, CurrentUser, Scope};
use domain::Month;
use domain::cycle::{self, ForecastMethod, ForecastState, MethodFigures};
use domain::org::Role;
use domain::{CustomerCode, SkuCode};
use serde::Serialize;
use store::audit::{self, Actor};
use store::repo::forecasts::{self as repo, ForecastRow};

fn figures(r: &ForecastRow) -> MethodFigures {
    MethodFigures {
        model: r.model_qty,
        interactive: r.interactive_qty,
        self_report: r.self_report_qty,
        self_report_reviewed: r.self_report_reviewed_qty,
    }
}

fn empty_row(target: Month, retailer_id: i64, product_id: i64) -> ForecastRow {
    ForecastRow {
        month: target.to_string(),
        retailer_id,
        product_id,
        method: ForecastMethod::Model.code().into(),
        quantity: 0,
        state: ForecastState::Draft.code().into(),
        model_qty: None,
        interactive_qty: None,
        self_report_qty: None,
        self_report_reviewed_qty: None,
        self_report_reviewed_by: None,
        balanced_qty: None,
        updated_by: None,
    }
}

/// Apply §5.1's precedence to a record's figures.
fn settle(row: &mut ForecastRow) {
    if let Some((m, q)) = cycle::resolve(&figures(row)) {
        row.method = m.code().into();
        row.quantity = q;
    }
}

/// A rep enters (双向互动) or reviews (客户提报) the forecast of one of their retailers.
///
/// §2.1: supervisors have no right to change a rep's numbers — their attempt is refused (403) and
/// traced in the audit trail (`forecast.edit_refused`).
pub async fn put(
    app: &App, user: &CurrentUser, target: Month, retailer_code: &CustomerCode, sku: &SkuCode,
    quantity: i64, method: ForecastMethod,
) -> AppResult<ForecastOut> {
    let r = retailer(app, retailer_code).await?;
    let p = product(app, sku).await?;
    let k = key(target, &r.customer_code, &p.sku_code);
    if user.role != Role::AccountManager {
        let mut tx = app.db.begin().await?;
        audit::record(
            &mut tx,
            &user.actor(),
            "forecast.edit_refused",
            "forecast",
            &k,
            None::<&()>,
            Some(&serde_json::json!({"quantity": quantity, "method": method.code(), "role": user.role.code()})),
        )
        .await?;
        tx.commit().await?;
        return Err(AppError::Forbidden(format!(
            "{}对客户经理的预测只有监督权，可以评论或退回，不能修改预测数（domain.md §2.1）",
            user.role.zh()
        )));
    }
    if r.account_manager_id != Some(user.id) {
        return Err(AppError::Forbidden(Scope::Rep(user.id).refusal().into()));
    }
    let limits = app.policy().await?.limits;
    crate::limits::quantity("quantity", quantity, limits.max_forecast_qty)?;
    check_window(app, target)?;
    let mut tx = app.db.begin().await?;
    // The state checks below hold until the commit: the rep's writes are serialised, so a
    // submission cannot come between this read and this write.
    repo::serialize_rep(&mut tx, user.id).await?;
    if repo::submission(&mut tx, &target.to_string(), user.id)
        .await?
        .is_some_and(|s| s.status == "SUBMITTED")
    {
        return Err(AppError::Conflict(format!(
            "{target} 的预测已提交并锁定，只有修正平衡可以改变（domain.md §5.1）"
        )));
    }
    let before = repo::get(&mut tx, &target.to_string(), r.id, p.id).await?;
    let mut row = before
        .clone()
        .unwrap_or_else(|| empty_row(target, r.id, p.id));
    if row.state != ForecastState::Draft.code() {
        return Err(AppError::Conflict(format!(
            "{k} 的预测已提交并锁定，只有修正平衡可以改变（domain.md §5.1）"
        )));
    }
    match method {
        ForecastMethod::InteractiveVisit => row.interactive_qty = Some(quantity),
        ForecastMethod::CustomerSelfReport => {
            if row.self_report_qty.is_none() {
                return Err(AppError::invalid(
                    "method",
                    "该客户没有客户提报数，无法审核；请用 INTERACTIVE_VISIT 录入",
                ));
            }
            row.self_report_reviewed_qty = Some(quantity);
            row.self_report_reviewed_by = Some(user.id);
        }
        ForecastMethod::Model => {
            return Err(AppError::invalid(
                "method",
                "模型预测数由系统批量生成，不能手工录入",
            ));
        }
    }
    row.updated_by = Some(user.id);
    settle(&mut row);
    let now = app.clock.now();
    repo::put(&mut tx, &row, now).await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "forecast.put",
        "forecast",
        &k,
        before.as_ref(),
        Some(&row),
    )
    .await?;
    tx.commit().await?;
    Ok(out(&row, &r.customer_code, &p.sku_code))
}

/// One line of a POS self-report.
#[derive(Debug, Clone, serde::Deserialize, Serialize)]
pub struct SelfReportLine {
    pub sku: String,
    pub quantity: i64,
}

/// A retailer's POS submits its own forecast for `target` (客户提报), authenticated by the
/// retailer's credential. All lines or none are written; the rep reviews each afterwards.
pub async fn self_report(
    app: &App, retailer_code: &str, token: &str, target: Month, lines: &[SelfReportLine],
) -> AppResult<Vec<ForecastOut>> {
    let r = pos_retailer(app, retailer_code, token).await?;
    if lines.is_empty() {
        return Err(AppError::invalid("lines", "至少提报一个规格"));
    }
    check_window(app, target)?;
    let limits = app.policy().await?.limits;
    crate::limits::lines(&limits, "lines", lines.len())?;
    let mut prods = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let field = format!("lines[{i}].quantity");
        crate::limits::quantity(field, l.quantity, limits.max_forecast_qty)?;
        let p = store::repo::product::by_code(&app.db, l.sku.trim())
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    format!("lines[{i}].sku"),
                    format!("卷烟规格 {} 不存在", l.sku),
                )
            })?;
        prods.push(p);
    }
    let actor = Actor::system(&format!("pos:{}", r.customer_code));
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    if let Some(rep) = r.account_manager_id {
        repo::serialize_rep(&mut tx, rep).await?;
    }
    let mut outs = Vec::new();
    for (l, p) in lines.iter().zip(&prods) {
        let k = key(target, &r.customer_code, &p.sku_code);
        let before = repo::get(&mut tx, &target.to_string(), r.id, p.id).await?;
        let mut row = before
            .clone()
            .unwrap_or_else(|| empty_row(target, r.id, p.id));
        if row.state != ForecastState::Draft.code() {
            return Err(AppError::Conflict(format!("{k} 的预测已提交并锁定")));
        }
        row.self_report_qty = Some(l.quantity);
        // A new figure from the retailer needs a new review.
        row.self_report_reviewed_qty = None;
        row.self_report_reviewed_by = None;
        settle(&mut row);
        repo::put(&mut tx, &row, now).await?;
        audit::record(
            &mut tx,
            &actor,
            "forecast.self_report",
            "forecast",
            &k,
            before.as_ref(),
            Some(&row),
        )
        .await?;
        outs.push(out(&row, &r.customer_code, &p.sku_code));
    }
    tx.commit().await?;
    Ok(outs)
}

/// A rep's key customers for `target` (§5.1): the top `key_customer_share` by demand over the
/// last three complete months, plus every sample point and 信息员.
pub async fn key_customers(app: &App, rep_id: i64, target: Month) -> AppResult<Vec<i64>> {
    let policy = app.policy().await?;
    let (from, to) = key_customer_window(target);
    let v = repo::rep_volumes(&app.db, rep_id, &from, &to).await?;
    Ok(key_customers_of(&policy, v))
}

/// The months whose demand ranks the key customers of `target`: the three to the last complete.
pub fn key_customer_window(target: Month) -> (String, String) {
    let last = working_month(target).prev();
    (last.plus(-2).to_string(), last.to_string())
}

/// [`key_customers`] from a rep's retailers' volumes over [`key_customer_window`].
pub fn key_customers_of(
    policy: &domain::config::Policy, mut v: Vec<repo::RetailerVolume>,
) -> Vec<i64> {
    v.sort_by(|a, b| {
        b.demanded
            .cmp(&a.demanded)
            .then(a.retailer_id.cmp(&b.retailer_id))
    });
    let n = cycle::key_customer_count(v.len(), policy.forecast.key_customer_share);
    let mut out: Vec<i64> = v
        .iter()
        .enumerate()
        .filter(|(i, r)| *i < n || r.is_sample_point || r.is_info_reporter)
        .map(|(_, r)| r.retailer_id)
        .collect();
    out.sort_unstable();
    out
}
