use crate::error::{PageError, shown_in_place, status_of};
use crate::extract::{CsrfForm, Fields, NoFields, PageCtx, PageResult, Path};
use crate::page::{Chrome, TextForm};
use app::AppError;
use app::forecasting::TotalRow;
use app::views::forecasts::{ModelPanel, RepLine, RetailerLine, RetailerSheet};
use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::Month;
use domain::cycle::ForecastMethod;
use domain::org::Role;
use domain::{CustomerCode, SkuCode, Username};
use std::collections::HashMap;

#[derive(Template, WebTemplate)]
#[template(path = "forecasts/list.html")]
struct ForecastsPage {
    chrome: Option<Chrome>,
    csrf: String,
    month: String,
    is_rep: bool,
    can_supervise: bool,
    status: String,
    locked: bool,
    retailers: Vec<RetailerLine>,
    reps: Vec<RepLine>,
    by_sku: Vec<TotalRow>,
    by_brand: Vec<TotalRow>,
    by_class: Vec<TotalRow>,
    total: i64,
    comments: Vec<(String, String)>,
    model: Option<ModelPanel>,
}

/// The progress of a background job, polled by the page every second while it runs.
#[derive(Template, WebTemplate)]
#[template(path = "forecasts/job.html")]
struct JobProgress {
    job: app::jobs::Job,
}

pub async fn list(ctx: PageCtx, Path(target): Path<Month>) -> PageResult {
    let v = app::views::forecasts::page(&ctx.app, &ctx.user, target).await?;
    Ok(ForecastsPage {
        chrome: ctx.chrome("forecasts"),
        csrf: ctx.csrf.clone(),
        month: target.to_string(),
        is_rep: v.is_rep,
        can_supervise: v.can_supervise,
        locked: v.status == "SUBMITTED",
        status: v.status,
        retailers: v.retailers,
        reps: v.reps,
        by_sku: v.by_sku,
        by_brand: v.by_brand,
        by_class: v.by_class,
        total: v.total,
        comments: v.comments,
        model: v.model,
    }
    .into_response())
}

pub async fn job(ctx: PageCtx, Path(id): Path<u64>) -> PageResult {
    let job = app::forecasting::model_job(&ctx.app, &ctx.user, id)?;
    Ok(JobProgress { job }.into_response())
}

pub async fn model(ctx: PageCtx, Path(target): Path<Month>, _: CsrfForm<NoFields>) -> PageResult {
    let (job, new) = app::forecasting::start_model_job(&ctx.app, &ctx.user, target).await?;
    let msg = if new {
        format!("已启动 {target} 模型预测（后台任务 {}）", job.id)
    } else {
        format!("{target} 模型预测已在运行（后台任务 {}）", job.id)
    };
    ctx.redirect(&format!("/forecasts/{target}"), Ok(msg))
}

pub async fn submit(ctx: PageCtx, Path(target): Path<Month>, _: CsrfForm<NoFields>) -> PageResult {
    let res = app::forecasting::submit(&ctx.app, &ctx.user, target)
        .await
        .map(|o| {
            if o.already_submitted {
                "本月预测此前已提交，未作改动".to_string()
            } else {
                format!("已提交：{} 对，合计 {} 条", o.pairs, o.quantity)
            }
        });
    ctx.redirect(&format!("/forecasts/{target}"), res)
}

/// What a supervisor does to a rep's forecast from the month's page (§2.1): comment on it or
/// return it, with a text, never change its numbers.
#[derive(serde::Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Supervise {
    Comment,
    Return,
}

/// `/forecasts/{month}/reps/{rep}/comment` and `…/return`.
pub async fn supervise(
    ctx: PageCtx, Path((target, rep, act)): Path<(Month, Username, Supervise)>,
    CsrfForm(f): CsrfForm<TextForm>,
) -> PageResult {
    let (app, u) = (&ctx.app, &ctx.user);
    let res = match act {
        Supervise::Comment => app::forecasting::comment(app, u, target, &rep, &f.text)
            .await
            .map(|_| format!("已评论 {rep} 的预测")),
        Supervise::Return => app::forecasting::return_submission(app, u, target, &rep, &f.text)
            .await
            .map(|()| format!("已退回 {rep} 的预测")),
    };
    ctx.redirect(&format!("/forecasts/{target}"), res)
}

#[derive(Template, WebTemplate)]
#[template(path = "forecasts/retailer.html")]
struct RetailerForecastPage {
    chrome: Option<Chrome>,
    csrf: String,
    month: String,
    /// Errors of the last save, shown in place.
    messages: Vec<String>,
    /// The retailer's sheet; the template reads its fields through `Deref`.
    sheet: RetailerSheet,
}

impl std::ops::Deref for RetailerForecastPage {
    type Target = RetailerSheet;
    fn deref(&self) -> &RetailerSheet {
        &self.sheet
    }
}

async fn render_retailer(
    ctx: &PageCtx, target: Month, code: &CustomerCode, messages: Vec<String>,
) -> Result<RetailerForecastPage, PageError> {
    Ok(RetailerForecastPage {
        chrome: ctx.chrome("forecasts"),
        csrf: ctx.csrf.clone(),
        month: target.to_string(),
        messages,
        sheet: app::views::forecasts::retailer_sheet(&ctx.app, &ctx.user, target, code).await?,
    })
}

pub async fn retailer(
    ctx: PageCtx, Path((target, code)): Path<(Month, CustomerCode)>,
) -> PageResult {
    Ok(render_retailer(&ctx, target, &code, Vec::new())
        .await?
        .into_response())
}

/// The phone form: one input `q_<sku>` per SKU; each changed figure goes through the same call
/// as `PUT /api/v1/forecasts/{month}/{retailer}/{sku}` (双向互动). A supervisor's post is refused
/// there (403, traced).
pub async fn retailer_save(
    ctx: PageCtx, Path((target, code)): Path<(Month, CustomerCode)>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let current: HashMap<String, Option<i64>> = app::forecasting::list(&ctx.app, &ctx.user, target)
        .await?
        .into_iter()
        .filter(|x| x.customer_code == code.as_str())
        .map(|x| (x.sku_code, x.interactive_qty))
        .collect();
    let mut messages = Vec::new();
    let mut status = StatusCode::OK;
    let mut saved = 0;
    for (sku, v) in f.with_prefix("q_").filter(|(_, v)| !v.is_empty()) {
        let (sku_code, qty) = match (SkuCode::parse(sku), v.parse::<i64>()) {
            (Ok(c), Ok(q)) => (c, q),
            (Err(e), _) => {
                messages.push(format!("{sku}: {e}"));
                status = StatusCode::BAD_REQUEST;
                continue;
            }
            (_, Err(_)) => {
                messages.push(format!("{sku}: \"{v}\" 不是有效的整数"));
                status = StatusCode::BAD_REQUEST;
                continue;
            }
        };
        if ctx.user.role == Role::AccountManager && current.get(sku).copied().flatten() == Some(qty)
        {
            continue;
        }
        match app::forecasting::put(
            &ctx.app,
            &ctx.user,
            target,
            &code,
            &sku_code,
            qty,
            ForecastMethod::InteractiveVisit,
        )
        .await
        {
            Ok(_) => saved += 1,
            Err(e) if shown_in_place(&e) => {
                status = status_of(&e).0;
                messages.push(format!("{sku}: {e}"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if messages.is_empty() {
        let msg = format!("已保存 {saved} 个规格的双向互动预测");
        return ctx.redirect(&format!("/forecasts/{target}/{code}"), Ok(msg));
    }
    if saved > 0 {
        messages.insert(0, format!("已保存 {saved} 个规格；以下未保存："));
    }
    let page = render_retailer(&ctx, target, &code, messages).await?;
    Ok((status, page).into_response())
}

/// The rep accepts a retailer's self-report for one SKU (button `accept=<sku>` on the phone
/// page): the same call as `PUT /api/v1/forecasts/{month}/{retailer}/{sku}` with method
/// `CUSTOMER_SELF_REPORT` and the retailer's own figure as the reviewed one.
#[derive(serde::Deserialize)]
pub(crate) struct AcceptForm {
    #[serde(default)]
    accept: String,
}

pub async fn accept(
    ctx: PageCtx, Path((target, code)): Path<(Month, CustomerCode)>,
    CsrfForm(f): CsrfForm<AcceptForm>,
) -> PageResult {
    let sku = SkuCode::parse(&f.accept)?;
    let reported = app::forecasting::list(&ctx.app, &ctx.user, target)
        .await?
        .into_iter()
        .find(|x| x.customer_code == code.as_str() && x.sku_code == sku.as_str())
        .and_then(|x| x.self_report_qty);
    let res = match reported {
        None => Err(AppError::invalid(
            "accept",
            format!("{sku}: 该客户没有客户提报数"),
        )),
        Some(q) => app::forecasting::put(
            &ctx.app,
            &ctx.user,
            target,
            &code,
            &sku,
            q,
            ForecastMethod::CustomerSelfReport,
        )
        .await
        .map(|_| format!("已采纳 {sku} 的客户提报：{q} 条")),
    };
    // A refusal is shown with the SKU it concerns.
    let res = match res {
        Err(e) if shown_in_place(&e) => Ok(format!("{sku}: {e}")),
        other => other,
    };
    ctx.redirect(&format!("/forecasts/{target}/{code}"), res)
}
