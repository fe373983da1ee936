//! The month's pages (issue 5; domain.md §5, §7): the calendar per county (月度日历), the rep's
//! forecast pages and the supervisor's read-only view (需求预测), supply and balancing (货源平衡),
//! feedback (预测反馈) and the forecast meeting (预测会). Handlers call the same application
//! functions as the JSON API in `month.rs`; months in paths follow its convention (the calendar
//! takes the working month, every other page the target month = working month + 1).
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageCtx;
use crate::extract::check_csrf;
use crate::pages::Chrome;
use app::AppError;
use app::accuracy::{AccuracyBy, AccuracyOut};
use app::balancing::{Review, SupplyInput};
use app::cycle::CycleOut;
use app::forecasting::{TotalRow, TotalsBy};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::Month;
use domain::org::Role;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use store::repo::forecasts::{FeedbackItem, ForecastView};
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cycle", get(cycle_home))
        .route("/cycle/{county}/{month}", get(cycle_page))
        .route("/forecasts", get(forecasts_home))
        .route("/forecasts/{month}", get(forecasts_page))
        .route("/forecasts/{month}/submit", post(forecasts_submit))
        .route("/forecasts/{month}/model", post(forecasts_model))
        .route("/jobs/{id}", get(job_fragment))
        .route("/forecasts/{month}/reps/{rep}/comment", post(rep_comment))
        .route("/forecasts/{month}/reps/{rep}/return", post(rep_return))
        .route(
            "/forecasts/{month}/{retailer}",
            get(retailer_page).post(retailer_save),
        )
        .route(
            "/forecasts/{month}/{retailer}/accept",
            post(retailer_accept),
        )
        .route("/supply", get(supply_home))
        .route("/supply/{month}", get(supply_page).post(supply_save))
        .route("/supply/{month}/upload", post(supply_upload))
        .route("/balance/{month}", get(balance_page))
        .route("/balance/{month}/run", post(balance_run))
        .route("/balance/{month}/publish", post(balance_publish))
        .route("/feedback", get(feedback_home))
        .route("/feedback/{month}", get(feedback_page))
        .route("/feedback/{month}/{retailer}", post(feedback_tick))
        .route("/meeting", get(meeting_home))
        .route("/meeting/{month}", get(meeting_page))
        .route("/pos", get(pos_home))
        .route("/pos/{month}", get(pos_page).post(pos_post))
        .route("/method135", get(method135_home))
        .route(
            "/method135/{month}",
            get(method135_page).post(method135_save),
        )
}

// ---------------------------------------------------------------- helpers

fn chrome(ctx: &PageCtx, active: &'static str) -> Option<Chrome> {
    Some(Chrome {
        name: ctx.user.name.clone(),
        role: ctx.user.role,
        csrf: ctx.csrf.clone(),
        active,
    })
}

fn month_of(s: &str) -> Result<Month, AppError> {
    Ok(Month::parse(s)?)
}

/// The month being forecast now (working month + 1).
fn target_now(s: &AppState) -> Month {
    Month::of(s.app.clock.today()).next()
}

fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// Back to a page with a message shown on it (`?msg=`).
fn see_other_msg(path: &str, msg: &str) -> Response {
    see_other(&format!("{path}?msg={}", crate::fmt::urlencode(msg)))
}

/// Errors a page shows in place (bad input, a refused state) rather than as an error page.
fn inline_error(e: AppError) -> Result<(StatusCode, String), PageError> {
    match e {
        AppError::Invalid { .. } => Ok((StatusCode::BAD_REQUEST, e.to_string())),
        AppError::Conflict(m) | AppError::Rule(m) => Ok((StatusCode::CONFLICT, m)),
        AppError::TooManyRequests(m) => Ok((StatusCode::TOO_MANY_REQUESTS, m)),
        other => Err(PageError(other)),
    }
}

#[derive(Deserialize, Default)]
struct MsgQuery {
    msg: Option<String>,
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

#[derive(Deserialize)]
struct TextForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

/// A forecast method in Chinese (the domain's names); `NONE` for demand without a forecast.
pub fn method_zh(code: &str) -> &'static str {
    match domain::cycle::ForecastMethod::parse(code) {
        Ok(m) => m.zh(),
        Err(_) if code == "NONE" => "无预测",
        Err(_) => "—",
    }
}

/// A forecast record's or a submission's state in Chinese.
pub fn state_zh(code: &str) -> &'static str {
    match code {
        "RETURNED" => "已退回",
        _ => domain::cycle::ForecastState::parse(code)
            .map(|s| s.zh())
            .unwrap_or("—"),
    }
}

pub fn opt_pct(v: &Option<f64>) -> String {
    v.map(|x| format!("{:.1}%", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

// ---------------------------------------------------------------- ① calendar

#[derive(Template, WebTemplate)]
#[template(path = "month_cycle.html")]
struct CyclePage {
    chrome: Option<Chrome>,
    c: CycleOut,
    counties: Vec<(String, String)>,
    can_pick: bool,
    role_code: &'static str,
    prev: String,
    next: String,
}

async fn cycle_home(State(s): State<AppState>, ctx: PageCtx) -> Result<Response, PageError> {
    let county = app::cycle::home_county(&s.app, &ctx.user).await?;
    let m = Month::of(s.app.clock.today());
    Ok(see_other(&format!("/cycle/{county}/{m}")))
}

async fn cycle_page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path((county, m)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let month = month_of(&m)?;
    let can_pick = matches!(
        ctx.user.role,
        Role::MarketManager | Role::MarketingCenter | Role::Admin | Role::BrandManager
    );
    if !can_pick && app::cycle::home_county(&s.app, &ctx.user).await? != county {
        return Err(PageError(AppError::Forbidden(
            "只能查看本县级营销部的月度日历".into(),
        )));
    }
    let c = app::cycle::status(&s.app, &ctx.user, &county, month).await?;
    let counties = if can_pick {
        app::cycle::counties(&s.app).await?
    } else {
        Vec::new()
    };
    Ok(CyclePage {
        chrome: chrome(&ctx, "cycle"),
        c,
        counties,
        can_pick,
        role_code: ctx.user.role.code(),
        prev: month.prev().to_string(),
        next: month.next().to_string(),
    }
    .into_response())
}

// ---------------------------------------------------------------- ② forecasts

/// One retailer's line on the rep's list.
struct RetailerLine {
    code: String,
    name: String,
    tier: i64,
    key: bool,
    skus: usize,
    quantity: i64,
    model: i64,
    interactive: usize,
    self_report: usize,
    state: String,
}

/// One rep's submission as the supervisor sees it.
struct RepLine {
    username: String,
    name: String,
    retailers: usize,
    pairs: usize,
    quantity: i64,
    status: String,
    comments: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "month_forecasts.html")]
struct ForecastsPage {
    chrome: Option<Chrome>,
    csrf: String,
    month: String,
    is_rep: bool,
    can_supervise: bool,
    status: String,
    locked: bool,
    message: Option<String>,
    retailers: Vec<RetailerLine>,
    reps: Vec<RepLine>,
    by_sku: Vec<TotalRow>,
    by_brand: Vec<TotalRow>,
    by_class: Vec<TotalRow>,
    total: i64,
    comments: Vec<(String, String)>,
    /// The marketing center's MODEL forecast panel.
    model: Option<ModelPanel>,
}

/// The MODEL forecast panel: the running or latest job, or the latest recorded run.
struct ModelPanel {
    job: Option<app::jobs::Job>,
    last: Option<store::repo::forecasts::MonthJob>,
}

/// The progress of a background job, polled by the page every second while it runs.
#[derive(Template, WebTemplate)]
#[template(path = "job_progress.html")]
struct JobProgress {
    job: app::jobs::Job,
}

/// The MODEL job's result in a line.
pub fn job_result_line(job: &app::jobs::Job) -> String {
    let Some(r) = &job.result else {
        return String::new();
    };
    format!(
        "{} 对（历史 {}–{}），写入 {} 条，失败 {}，用时 {:.1} 秒",
        r["pairs"],
        r["history_from"].as_str().unwrap_or(""),
        r["history_to"].as_str().unwrap_or(""),
        r["written"],
        r["failed"],
        r["seconds"].as_f64().unwrap_or(0.0)
    )
}

async fn job_fragment(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<u64>,
) -> Result<Response, PageError> {
    let job = app::forecasting::model_job(&s.app, &ctx.user, id)?;
    Ok(JobProgress { job }.into_response())
}

async fn forecasts_model(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(m): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &f.csrf).await?;
    let target = month_of(&m)?;
    let (job, new) = app::forecasting::start_model_job(&s.app, &ctx.user, target).await?;
    let msg = if new {
        format!("已启动 {target} 模型预测（后台任务 {}）", job.id)
    } else {
        format!("{target} 模型预测已在运行（后台任务 {}）", job.id)
    };
    Ok(see_other_msg(&format!("/forecasts/{target}"), &msg))
}

async fn forecasts_home(State(s): State<AppState>, _ctx: PageCtx) -> Response {
    see_other(&format!("/forecasts/{}", target_now(&s)))
}

async fn staff_names(s: &AppState) -> Result<HashMap<i64, (String, String)>, AppError> {
    Ok(store::repo::staff::list(&s.app.db, None, None)
        .await?
        .into_iter()
        .map(|p| (p.id, (p.username, p.name)))
        .collect())
}

async fn comments_of(
    s: &AppState,
    m: &str,
    rep_id: i64,
    names: &HashMap<i64, (String, String)>,
) -> Result<Vec<(String, String)>, AppError> {
    Ok(store::repo::forecasts::comments(&s.app.db, m, rep_id)
        .await?
        .into_iter()
        .map(|c| {
            let who = names
                .get(&c.author_id)
                .map(|n| n.1.clone())
                .unwrap_or_default();
            (who, c.body)
        })
        .collect())
}

async fn forecasts_page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(m): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Result<Response, PageError> {
    let target = month_of(&m)?;
    let u = &ctx.user;
    let tm = target.to_string();
    // Sums are computed in the database: on the whole city the month has 140 000 records.
    let by_sku = app::forecasting::totals(&s.app, u, target, TotalsBy::Sku).await?;
    let by_brand = app::forecasting::totals(&s.app, u, target, TotalsBy::Brand).await?;
    let by_class = app::forecasting::totals(&s.app, u, target, TotalsBy::PriceClass).await?;
    let total = by_class.iter().map(|t| t.forecast).sum();
    let subs = store::repo::forecasts::submissions(&s.app.db, &tm)
        .await
        .map_err(AppError::from)?;
    let names = staff_names(&s).await?;
    let is_rep = u.role == Role::AccountManager;
    let mut retailers = Vec::new();
    let mut reps = Vec::new();
    let mut status = String::new();
    let mut comments = Vec::new();
    if is_rep {
        let list = app::forecasting::list(&s.app, u, target).await?;
        let keys = app::forecasting::key_customers(&s.app, u.id, target).await?;
        let mut by: BTreeMap<i64, RetailerLine> = BTreeMap::new();
        for f in &list {
            let e = by.entry(f.retailer_id).or_insert_with(|| RetailerLine {
                code: f.customer_code.clone(),
                name: f.retailer_name.clone(),
                tier: f.tier,
                key: keys.contains(&f.retailer_id),
                skus: 0,
                quantity: 0,
                model: 0,
                interactive: 0,
                self_report: 0,
                state: f.state.clone(),
            });
            e.skus += 1;
            e.quantity += f.quantity;
            e.model += f.model_qty.unwrap_or(0);
            e.interactive += usize::from(f.interactive_qty.is_some());
            e.self_report += usize::from(f.self_report_qty.is_some());
        }
        retailers = by.into_values().collect();
        retailers.sort_by(|a, b| b.key.cmp(&a.key).then(b.quantity.cmp(&a.quantity)));
        status = subs
            .iter()
            .find(|x| x.rep_id == u.id)
            .map(|x| x.status.clone())
            .unwrap_or_else(|| "DRAFT".into());
        comments = comments_of(&s, &tm, u.id, &names).await?;
    } else {
        for rs in app::forecasting::rep_sums(&s.app, u, target).await? {
            let (rep, qty, pairs, rs) = (rs.rep_id, rs.quantity, rs.records, rs.retailers);
            let (username, name) = names.get(&rep).cloned().unwrap_or_default();
            reps.push(RepLine {
                username,
                name,
                retailers: rs as usize,
                pairs: pairs as usize,
                quantity: qty,
                status: subs
                    .iter()
                    .find(|x| x.rep_id == rep)
                    .map(|x| x.status.clone())
                    .unwrap_or_else(|| "DRAFT".into()),
                comments: comments_of(&s, &tm, rep, &names).await?,
            });
        }
    }
    let model = if matches!(u.role, Role::MarketingCenter | Role::Admin) {
        Some(ModelPanel {
            job: s.app.jobs.latest(app::forecasting::MODEL_JOB, &tm),
            last: store::repo::forecasts::last_job(&s.app.db, app::forecasting::MODEL_JOB, &tm)
                .await
                .map_err(AppError::from)?,
        })
    } else {
        None
    };
    Ok(ForecastsPage {
        model,
        chrome: chrome(&ctx, "forecasts"),
        csrf: ctx.csrf.clone(),
        month: tm,
        is_rep,
        can_supervise: matches!(u.role, Role::MarketManager | Role::MarketingDirector),
        locked: status == "SUBMITTED",
        status,
        message: q.msg,
        retailers,
        reps,
        by_sku,
        by_brand,
        by_class,
        total,
        comments,
    }
    .into_response())
}

async fn forecasts_submit(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(m): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &f.csrf).await?;
    let target = month_of(&m)?;
    let msg = match app::forecasting::submit(&s.app, &ctx.user, target).await {
        Ok(o) if o.already_submitted => "本月预测此前已提交，未作改动".to_string(),
        Ok(o) => format!("已提交：{} 对，合计 {} 条", o.pairs, o.quantity),
        Err(e) => inline_error(e)?.1,
    };
    Ok(see_other_msg(&format!("/forecasts/{target}"), &msg))
}

async fn rep_comment(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path((m, rep)): Path<(String, String)>,
    Form(f): Form<TextForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &f.csrf).await?;
    let target = month_of(&m)?;
    let msg = match app::forecasting::comment(&s.app, &ctx.user, target, &rep, &f.text).await {
        Ok(_) => format!("已评论 {rep} 的预测"),
        Err(e) => inline_error(e)?.1,
    };
    Ok(see_other_msg(&format!("/forecasts/{target}"), &msg))
}

async fn rep_return(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path((m, rep)): Path<(String, String)>,
    Form(f): Form<TextForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &f.csrf).await?;
    let target = month_of(&m)?;
    let msg =
        match app::forecasting::return_submission(&s.app, &ctx.user, target, &rep, &f.text).await {
            Ok(()) => format!("已退回 {rep} 的预测"),
            Err(e) => inline_error(e)?.1,
        };
    Ok(see_other_msg(&format!("/forecasts/{target}"), &msg))
}

/// One SKU on the retailer's phone page.
struct SkuInput {
    f: ForecastView,
    /// Demand of the last three complete months, oldest first.
    history: Vec<i64>,
    /// Tier quota: this month's ladder cap after balancing (`本月 N`), else last month's quota
    /// from the order lines (`上月 N`); empty when released on demand.
    quota: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "month_retailer.html")]
struct RetailerForecastPage {
    chrome: Option<Chrome>,
    csrf: String,
    month: String,
    code: String,
    name: String,
    tier: i64,
    key: bool,
    sample_point: bool,
    info_reporter: bool,
    editable: bool,
    months: Vec<String>,
    lines: Vec<SkuInput>,
    messages: Vec<String>,
    /// The latest stock observations: (source in Chinese, date collected, lines).
    stock: Vec<(&'static str, String, Vec<store::repo::visits::StockRow>)>,
}

async fn retailer_view(
    s: &AppState,
    ctx: &PageCtx,
    target: Month,
    code: &str,
    messages: Vec<String>,
) -> Result<RetailerForecastPage, PageError> {
    let u = &ctx.user;
    let list: Vec<ForecastView> = app::forecasting::list(&s.app, u, target)
        .await?
        .into_iter()
        .filter(|f| f.customer_code == code)
        .collect();
    // Row-level access: the retailer's detail refuses what the person may not see.
    let d = app::retailers::detail(&s.app, u, code).await?;
    let last = app::forecasting::working_month(target).prev();
    let months: Vec<String> = (0..3).rev().map(|i| last.plus(-i).to_string()).collect();
    // This retailer's demand per SKU code and month.
    let mut hist: HashMap<String, BTreeMap<String, i64>> = HashMap::new();
    for r in
        store::repo::forecasts::retailer_demand(&s.app.db, d.retailer.id, &months[0], &months[2])
            .await
            .map_err(AppError::from)?
    {
        hist.entry(r.sku_code)
            .or_default()
            .insert(r.month, r.demanded);
    }
    let key = match d.retailer.account_manager_id {
        Some(rep) => app::forecasting::key_customers(&s.app, rep, target)
            .await?
            .contains(&d.retailer.id),
        None => false,
    };
    let mut stock: Vec<(&'static str, String, Vec<store::repo::visits::StockRow>)> = Vec::new();
    for r in store::repo::visits::latest_stock(&s.app.db, d.retailer.id, s.app.clock.now())
        .await
        .map_err(AppError::from)?
    {
        let src = if r.source == "SAMPLE" {
            "样本点采集"
        } else {
            "拜访观察"
        };
        match stock.last_mut() {
            Some(g) if g.0 == src => g.2.push(r),
            _ => stock.push((
                src,
                r.collected_at
                    .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
                    .format("%Y-%m-%d")
                    .to_string(),
                vec![r],
            )),
        }
    }
    // Tier quota (§4.3): the month's ladder once balanced, else what the orders of the last
    // complete month were allowed.
    let caps = app::balancing::retailer_caps(&s.app, target, &d.retailer).await?;
    let last_quota: HashMap<i64, i64> = store::repo::forecasts::retailer_quota(
        &s.app.db,
        d.retailer.id,
        last.first_day(),
        last.last_day(),
    )
    .await
    .map_err(AppError::from)?
    .into_iter()
    .collect();
    let lines = list
        .into_iter()
        .map(|f| {
            let h = hist.get(&f.sku_code);
            let history = months
                .iter()
                .map(|m| h.and_then(|h| h.get(m)).copied().unwrap_or(0))
                .collect();
            let quota = match (caps.get(&f.sku_code), last_quota.get(&f.product_id)) {
                (Some(c), _) => format!("本月 {c}"),
                (None, Some(q)) => format!("上月 {q}"),
                (None, None) => String::new(),
            };
            SkuInput { f, history, quota }
        })
        .collect();
    Ok(RetailerForecastPage {
        chrome: chrome(ctx, "forecasts"),
        csrf: ctx.csrf.clone(),
        month: target.to_string(),
        code: d.retailer.customer_code.clone(),
        name: d.retailer.name.clone(),
        tier: d.retailer.tier,
        key,
        sample_point: d.retailer.is_sample_point,
        info_reporter: d.retailer.is_info_reporter,
        editable: u.role == Role::AccountManager,
        months,
        lines,
        messages,
        stock,
    })
}

async fn retailer_page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path((m, code)): Path<(String, String)>,
    Query(q): Query<MsgQuery>,
) -> Result<Response, PageError> {
    let target = month_of(&m)?;
    let msgs = q.msg.into_iter().collect();
    Ok(retailer_view(&s, &ctx, target, &code, msgs)
        .await?
        .into_response())
}

/// The phone form: one input `q_<sku>` per SKU; each changed figure goes through the same call
/// as `PUT /api/v1/forecasts/{month}/{retailer}/{sku}` (双向互动). A supervisor's post is refused
/// there (403, traced).
async fn retailer_save(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path((m, code)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let token = f
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    check_csrf(&session, token).await?;
    let target = month_of(&m)?;
    let current: HashMap<String, Option<i64>> = app::forecasting::list(&s.app, &ctx.user, target)
        .await?
        .into_iter()
        .filter(|x| x.customer_code == code)
        .map(|x| (x.sku_code, x.interactive_qty))
        .collect();
    let mut messages = Vec::new();
    let mut status = StatusCode::OK;
    let mut saved = 0;
    for (k, v) in &f {
        let Some(sku) = k.strip_prefix("q_") else {
            continue;
        };
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let qty: i64 = match v.parse() {
            Ok(q) => q,
            Err(_) => {
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
            &s.app,
            &ctx.user,
            target,
            &code,
            sku,
            qty,
            "INTERACTIVE_VISIT",
        )
        .await
        {
            Ok(_) => saved += 1,
            Err(e) => {
                let (st, msg) = inline_error(e)?;
                status = st;
                messages.push(format!("{sku}: {msg}"));
            }
        }
    }
    if messages.is_empty() {
        let msg = format!("已保存 {saved} 个规格的双向互动预测");
        return Ok(see_other_msg(&format!("/forecasts/{target}/{code}"), &msg));
    }
    if saved > 0 {
        messages.insert(0, format!("已保存 {saved} 个规格；以下未保存："));
    }
    let page = retailer_view(&s, &ctx, target, &code, messages).await?;
    Ok((status, page).into_response())
}

/// The rep accepts a retailer's self-report for one SKU (button `accept=<sku>` on the phone
/// page): the same call as `PUT /api/v1/forecasts/{month}/{retailer}/{sku}` with method
/// `CUSTOMER_SELF_REPORT` and the retailer's own figure as the reviewed one.
async fn retailer_accept(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path((m, code)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: &str| {
        f.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    check_csrf(&session, &field("csrf")).await?;
    let target = month_of(&m)?;
    let sku = field("accept");
    let reported = app::forecasting::list(&s.app, &ctx.user, target)
        .await?
        .into_iter()
        .find(|x| x.customer_code == code && x.sku_code == sku)
        .and_then(|x| x.self_report_qty);
    let res = match reported {
        None => Err(AppError::invalid(
            "accept",
            format!("{sku}: 该客户没有客户提报数"),
        )),
        Some(q) => app::forecasting::put(
            &s.app,
            &ctx.user,
            target,
            &code,
            &sku,
            q,
            "CUSTOMER_SELF_REPORT",
        )
        .await
        .map(|_| format!("已采纳 {sku} 的客户提报：{q} 条")),
    };
    let msg = match res {
        Ok(m) => m,
        Err(e) => format!("{sku}: {}", inline_error(e)?.1),
    };
    Ok(see_other_msg(&format!("/forecasts/{target}/{code}"), &msg))
}

// ---------------------------------------------------------------- ② bis: the retailer's self-report

/// The retailer's own page (客户提报): no staff session; the customer code and the POS credential
/// (the token of `POST /api/v1/retailers/{code}/pos-token`) open the sheet, whose figures go
/// through the same call as `POST /api/v1/pos/forecasts/{month}`. The session's CSRF token
/// protects the forms as on the login page.
#[derive(Template, WebTemplate)]
#[template(path = "month_pos.html")]
struct PosPage {
    chrome: Option<Chrome>,
    csrf: String,
    month: String,
    code: String,
    token: String,
    sheet: Option<app::forecasting::PosSheet>,
    done: bool,
    error: Option<String>,
}

const POS_REFUSED: &str = "客户编码或凭证不正确，未写入任何数据；请向客户经理索取 POS 凭证";

async fn pos_home(State(s): State<AppState>) -> Response {
    see_other(&format!("/pos/{}", target_now(&s)))
}

async fn pos_page(session: Session, Path(m): Path<String>) -> Result<Response, PageError> {
    let target = month_of(&m)?;
    Ok(PosPage {
        chrome: None,
        csrf: crate::extract::csrf_token(&session).await,
        month: target.to_string(),
        code: String::new(),
        token: String::new(),
        sheet: None,
        done: false,
        error: None,
    }
    .into_response())
}

/// Without `q_<sku>` fields: check the credential and show the sheet. With them: submit the
/// self-report (all lines or none), then show the sheet as stored.
async fn pos_post(
    State(s): State<AppState>,
    session: Session,
    Path(m): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: &str| {
        f.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    check_csrf(&session, &field("csrf")).await?;
    let target = month_of(&m)?;
    let (code, token) = (field("code"), field("token"));
    let mut page = PosPage {
        chrome: None,
        csrf: crate::extract::csrf_token(&session).await,
        month: target.to_string(),
        code: code.clone(),
        token: String::new(),
        sheet: None,
        done: false,
        error: None,
    };
    let mut lines = Vec::new();
    let mut bad = None;
    for (k, v) in &f {
        let Some(sku) = k.strip_prefix("q_") else {
            continue;
        };
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match v.parse::<i64>() {
            Ok(q) => lines.push(app::forecasting::SelfReportLine {
                sku: sku.to_string(),
                quantity: q,
            }),
            Err(_) => {
                bad.get_or_insert(AppError::invalid(
                    sku,
                    format!("{sku}: \"{v}\" 不是有效的整数，未写入任何数据"),
                ));
            }
        }
    }
    let submitting = f.iter().any(|(k, _)| k.starts_with("q_"));
    let res = match bad {
        Some(e) => Err(e),
        None if submitting => app::forecasting::self_report(&s.app, &code, &token, target, &lines)
            .await
            .map(|_| true),
        None => Ok(false),
    };
    let status = match res {
        Ok(done) => {
            page.done = done;
            StatusCode::OK
        }
        Err(AppError::Unauthorized) => {
            page.error = Some(POS_REFUSED.into());
            return Ok((StatusCode::UNAUTHORIZED, page).into_response());
        }
        Err(e) => {
            let (st, msg) = inline_error(e)?;
            page.error = Some(msg);
            st
        }
    };
    match app::forecasting::pos_sheet(&s.app, &code, &token, target).await {
        Ok(sheet) => {
            page.sheet = Some(sheet);
            page.token = token;
            Ok((status, page).into_response())
        }
        Err(AppError::Unauthorized) => {
            page.error = Some(POS_REFUSED.into());
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
        Err(AppError::TooManyRequests(m)) => {
            page.error = Some(m);
            Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- ③ supply and balancing

const CENTER: &[Role] = &[Role::MarketingCenter, Role::Admin];

struct SupplyRow {
    sku: String,
    name: String,
    status_zh: String,
    quantity: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "month_supply.html")]
struct SupplyPage {
    chrome: Option<Chrome>,
    csrf: String,
    month: String,
    published: bool,
    rows: Vec<SupplyRow>,
    message: Option<String>,
    error: Option<String>,
}

async fn supply_home(State(s): State<AppState>, ctx: PageCtx) -> Result<Response, PageError> {
    ctx.user.require(CENTER)?;
    Ok(see_other(&format!("/supply/{}", target_now(&s))))
}

async fn supply_view(
    s: &AppState,
    ctx: &PageCtx,
    target: Month,
    message: Option<String>,
    error: Option<String>,
) -> Result<SupplyPage, PageError> {
    ctx.user.require(CENTER)?;
    let tm = target.to_string();
    let supply: HashMap<String, i64> = store::repo::supply::list(&s.app.db, &tm)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|x| (x.sku_code, x.quantity))
        .collect();
    let rows = app::products::list(&s.app, &Default::default())
        .await?
        .into_iter()
        .filter(|p| p.product.status != "DELISTED")
        .map(|p| SupplyRow {
            quantity: supply.get(&p.product.sku_code).copied(),
            sku: p.product.sku_code.clone(),
            name: format!("{} {}", p.product.brand, p.product.spec_name),
            status_zh: p.supply_status_zh.clone(),
        })
        .collect();
    let published = store::repo::supply::run(&s.app.db, &tm)
        .await
        .map_err(AppError::from)?
        .is_some_and(|r| r.state == "PUBLISHED");
    Ok(SupplyPage {
        chrome: chrome(ctx, "supply"),
        csrf: ctx.csrf.clone(),
        month: tm,
        published,
        rows,
        message,
        error,
    })
}

async fn supply_page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(m): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Result<Response, PageError> {
    let target = month_of(&m)?;
    Ok(supply_view(&s, &ctx, target, q.msg, None)
        .await?
        .into_response())
}

async fn supply_done(
    s: &AppState,
    ctx: &PageCtx,
    target: Month,
    res: Result<String, AppError>,
) -> Result<Response, PageError> {
    match res {
        Ok(msg) => Ok(see_other_msg(&format!("/supply/{target}"), &msg)),
        Err(e) => {
            let (st, msg) = inline_error(e)?;
            let page = supply_view(s, ctx, target, None, Some(msg)).await?;
            Ok((st, page).into_response())
        }
    }
}

async fn supply_save(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(m): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let token = f
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    check_csrf(&session, token).await?;
    ctx.user.require(CENTER)?;
    let target = month_of(&m)?;
    let mut lines = Vec::new();
    let mut bad = None;
    for (k, v) in &f {
        let Some(sku) = k.strip_prefix("q_") else {
            continue;
        };
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match v.parse::<i64>() {
            Ok(q) => lines.push(SupplyInput {
                row: sku.to_string(),
                sku: sku.to_string(),
                quantity: q,
            }),
            Err(_) => {
                bad = Some(AppError::invalid(
                    sku,
                    format!("\"{v}\" 不是有效的整数，未写入任何货源"),
                ));
                break;
            }
        }
    }
    let res = match bad {
        Some(e) => Err(e),
        None => app::balancing::set_supply(&s.app, &ctx.user, target, &lines)
            .await
            .map(|n| format!("已保存货源：{n} 个规格有改动")),
    };
    supply_done(&s, &ctx, target, res).await
}

async fn supply_upload(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(m): Path<String>,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    let mut csrf = String::new();
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| AppError::invalid("file", format!("无法读取上传内容: {e}")))?
    {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                file = Some(
                    field
                        .bytes()
                        .await
                        .map_err(|e| AppError::invalid("file", format!("无法读取文件: {e}")))?
                        .to_vec(),
                )
            }
            _ => {}
        }
    }
    check_csrf(&session, &csrf).await?;
    ctx.user.require(CENTER)?;
    let target = month_of(&m)?;
    let res = match file.filter(|b| !b.is_empty()) {
        None => Err(AppError::invalid("file", "请选择 Excel 文件")),
        Some(bytes) => match app::balancing::parse_supply_xlsx(&bytes) {
            Err(e) => Err(e),
            Ok(lines) => app::balancing::set_supply(&s.app, &ctx.user, target, &lines)
                .await
                .map(|n| format!("已导入 {} 行，{n} 个规格有改动", lines.len())),
        },
    };
    supply_done(&s, &ctx, target, res).await
}

#[derive(Template, WebTemplate)]
#[template(path = "month_balance.html")]
struct BalancePage {
    chrome: Option<Chrome>,
    csrf: String,
    month: String,
    can_act: bool,
    review: Option<Review>,
    message: Option<String>,
}

async fn balance_page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(m): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Result<Response, PageError> {
    let target = month_of(&m)?;
    let review = match app::balancing::review(&s.app, &ctx.user, target).await {
        Ok(r) => Some(r),
        Err(AppError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(BalancePage {
        chrome: chrome(&ctx, "supply"),
        csrf: ctx.csrf.clone(),
        month: target.to_string(),
        can_act: CENTER.contains(&ctx.user.role),
        review,
        message: q.msg,
    }
    .into_response())
}

async fn balance_run(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(m): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &f.csrf).await?;
    let target = month_of(&m)?;
    let msg = match app::balancing::run(&s.app, &ctx.user, target).await {
        Ok(r) => format!("已运行修正平衡：{} 户，{} 条", r.retailers, r.lines),
        Err(e) => inline_error(e)?.1,
    };
    Ok(see_other_msg(&format!("/balance/{target}"), &msg))
}

async fn balance_publish(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(m): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &f.csrf).await?;
    let target = month_of(&m)?;
    let msg = match app::balancing::publish(&s.app, &ctx.user, target).await {
        Ok(o) if o.already_published => "此前已发布，未作改动".to_string(),
        Ok(o) => format!("已发布：写入 {} 条平衡后预测", o.written),
        Err(e) => inline_error(e)?.1,
    };
    Ok(see_other_msg(&format!("/balance/{target}"), &msg))
}

// ---------------------------------------------------------------- ④ feedback

#[derive(Template, WebTemplate)]
#[template(path = "month_feedback.html")]
struct FeedbackPage {
    chrome: Option<Chrome>,
    csrf: String,
    month: String,
    is_rep: bool,
    items: Vec<FeedbackItem>,
    done: usize,
    message: Option<String>,
}

async fn feedback_home(State(s): State<AppState>, _ctx: PageCtx) -> Response {
    see_other(&format!("/feedback/{}", target_now(&s)))
}

async fn feedback_page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(m): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Result<Response, PageError> {
    let target = month_of(&m)?;
    let items = app::balancing::feedback_list(&s.app, &ctx.user, target).await?;
    Ok(FeedbackPage {
        chrome: chrome(&ctx, "forecasts"),
        csrf: ctx.csrf.clone(),
        month: target.to_string(),
        is_rep: ctx.user.role == Role::AccountManager,
        done: items.iter().filter(|i| i.ticked_at.is_some()).count(),
        items,
        message: q.msg,
    }
    .into_response())
}

async fn feedback_tick(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path((m, code)): Path<(String, String)>,
    Form(f): Form<TextForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &f.csrf).await?;
    let target = month_of(&m)?;
    let msg = match app::balancing::tick(&s.app, &ctx.user, target, &code, &f.text).await {
        Ok(o) if o.newly_ticked => {
            format!("{}：已反馈，动销台帐记 {} 条", o.retailer, o.ledger_qty)
        }
        Ok(o) => format!("{} 此前已反馈", o.retailer),
        Err(e) => inline_error(e)?.1,
    };
    Ok(see_other_msg(&format!("/feedback/{target}"), &msg))
}

// ---------------------------------------------------------------- ⑤ forecast meeting

#[derive(Template, WebTemplate)]
#[template(path = "month_meeting.html")]
struct MeetingPage {
    chrome: Option<Chrome>,
    /// The month forecast at this meeting.
    month: String,
    /// The month whose accuracy is reported (the last complete month).
    last: String,
    by_area: Option<AccuracyOut>,
    by_rep: Option<AccuracyOut>,
    by_method: Option<AccuracyOut>,
    not_ready: Option<String>,
    definitions: Vec<&'static str>,
    supply: Vec<SupplyRow>,
    tight: Vec<SupplyRow>,
    /// 品牌培育计划: open cultivation tasks with a week in the target month.
    brand_plan: Vec<app::cultivation::TaskView>,
}

async fn meeting_home(State(s): State<AppState>, _ctx: PageCtx) -> Response {
    see_other(&format!("/meeting/{}", target_now(&s)))
}

async fn meeting_page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(m): Path<String>,
) -> Result<Response, PageError> {
    ctx.user.require(&[
        Role::MarketManager,
        Role::MarketingDirector,
        Role::MarketingCenter,
        Role::Admin,
        Role::BrandManager,
    ])?;
    let target = month_of(&m)?;
    let last = app::forecasting::working_month(target).prev();
    let u = &ctx.user;
    let mut not_ready = None;
    let mut by_area = None;
    let mut by_rep = None;
    let mut by_method = None;
    for (by, slot) in [
        (AccuracyBy::Area, &mut by_area),
        (AccuracyBy::Rep, &mut by_rep),
        (AccuracyBy::Method, &mut by_method),
    ] {
        match app::accuracy::accuracy(&s.app, u, last, by).await {
            Ok(a) => *slot = Some(a),
            Err(AppError::Conflict(msg)) => not_ready = Some(msg),
            Err(e) => return Err(PageError(e)),
        }
    }
    let tm = target.to_string();
    let supply: HashMap<String, i64> = store::repo::supply::list(&s.app.db, &tm)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|x| (x.sku_code, x.quantity))
        .collect();
    let products = app::products::list(&s.app, &Default::default()).await?;
    let mut rows = Vec::new();
    let mut tight = Vec::new();
    for p in products
        .into_iter()
        .filter(|p| p.product.status != "DELISTED")
    {
        let row = SupplyRow {
            quantity: supply.get(&p.product.sku_code).copied(),
            sku: p.product.sku_code.clone(),
            name: format!("{} {}", p.product.brand, p.product.spec_name),
            status_zh: p.supply_status_zh.clone(),
        };
        if row.quantity.is_some() {
            rows.push(row);
        } else if p.product.supply_status == "TIGHT" {
            tight.push(row);
        }
    }
    Ok(MeetingPage {
        chrome: chrome(&ctx, "forecasts"),
        month: tm,
        last: last.to_string(),
        by_area,
        by_rep,
        by_method,
        not_ready,
        definitions: app::accuracy::DEFINITIONS.to_vec(),
        supply: rows,
        tight,
        brand_plan: app::cultivation::list(&s.app, u)
            .await?
            .into_iter()
            .filter(|t| t.open_in(target))
            .collect(),
    }
    .into_response())
}

/// A grouping key as shown: a method code in Chinese, anything else as is.
pub fn method_label(k: &str) -> String {
    match method_zh(k) {
        "—" => k.to_string(),
        zh => zh.to_string(),
    }
}

// ---------------------------------------------------------------- ⑥ the 135 cycle per role

#[derive(Template, WebTemplate)]
#[template(path = "month_method135.html")]
struct Method135Page {
    chrome: Option<Chrome>,
    csrf: String,
    /// The working month.
    month: String,
    prev: String,
    /// The month forecast in it.
    target: String,
    role_zh: &'static str,
    /// 分析: pre-filled lines per heading.
    analysis: Vec<(&'static str, Vec<String>)>,
    last_improvement: Option<String>,
    plan: String,
    improvement: String,
    updated_at: Option<String>,
    /// 评估: last month's forecast accuracy and order fill in the person's scope.
    evaluation: Option<app::accuracy::AccuracyRow>,
    evaluation_note: Option<String>,
    message: Option<String>,
}

async fn method135_home(State(s): State<AppState>, _ctx: PageCtx) -> Response {
    see_other(&format!("/method135/{}", Month::of(s.app.clock.today())))
}

fn versus_line(v: &app::dashboard::Versus) -> String {
    format!(
        "{}：{} 条，同比 {}",
        v.label,
        crate::fmt::qty(v.qty),
        crate::fmt::growth(&v.yoy_pct)
    )
}

async fn analysis_of(
    s: &AppState,
    u: &app::CurrentUser,
) -> Result<Vec<(&'static str, Vec<String>)>, AppError> {
    let warn = |w: &[app::dashboard::RetailerWarning]| -> Vec<String> {
        let mut v: Vec<String> = w
            .iter()
            .take(10)
            .map(|w| {
                format!(
                    "{}（{}）：{} 条，上月 {} 条",
                    w.name, w.customer_code, w.qty, w.prev_qty
                )
            })
            .collect();
        if w.len() > 10 {
            v.push(format!("……共 {} 户预警", w.len()));
        }
        v
    };
    Ok(match u.role {
        Role::AccountManager => {
            let h = app::dashboard::rep_home(&s.app, u).await?;
            vec![
                (
                    "客户分析",
                    vec![format!(
                        "服务客户 {} 户；{} 销量 {} 条，同比 {}",
                        h.retailers,
                        h.month,
                        crate::fmt::qty(h.total.qty),
                        crate::fmt::growth(&h.total.yoy_pct)
                    )],
                ),
                ("品牌分析", h.top_brands.iter().map(versus_line).collect()),
                (
                    "市场分析（按价类）",
                    h.by_class.iter().map(versus_line).collect(),
                ),
                ("预警客户", warn(&h.warnings)),
            ]
        }
        Role::MarketManager => {
            let h = app::dashboard::market_manager_home(&s.app, u).await?;
            vec![
                (
                    "市场部分析",
                    vec![format!(
                        "{} {}：{} 条，同比 {}",
                        h.area_name,
                        h.month,
                        crate::fmt::qty(h.total.qty),
                        crate::fmt::growth(&h.total.yoy_pct)
                    )],
                ),
                (
                    "客户经理",
                    h.reps
                        .iter()
                        .map(|r| {
                            format!(
                                "{}：{} 户，{} 条，同比 {}，预警 {} 户{}",
                                r.name,
                                r.retailers,
                                crate::fmt::qty(r.volume.qty),
                                crate::fmt::growth(&r.volume.yoy_pct),
                                r.warnings,
                                r.band_breach
                                    .as_ref()
                                    .map(|b| format!("；{b}"))
                                    .unwrap_or_default()
                            )
                        })
                        .collect(),
                ),
                ("品牌", h.top_brands.iter().map(versus_line).collect()),
                ("预警客户", warn(&h.warnings)),
            ]
        }
        Role::BrandManager => {
            let h = app::dashboard::brand_manager_home(&s.app, u).await?;
            vec![
                (
                    "品牌分析",
                    std::iter::once(format!(
                        "重点品牌占比 {:.1}%（目标 {:.1}%）",
                        h.key_brand_share_pct, h.key_brand_target_pct
                    ))
                    .chain(h.key_brands.iter().map(versus_line))
                    .collect(),
                ),
                (
                    "市场分析",
                    h.by_area
                        .iter()
                        .take(20)
                        .map(|b| {
                            format!(
                                "{} · {}：{} 条，占比 {:.1}%，覆盖率 {:.1}%，上柜率 {:.1}%",
                                b.brand, b.area, b.qty, b.share_pct, b.coverage_pct, b.listing_pct
                            )
                        })
                        .collect(),
                ),
                (
                    "工业企业",
                    h.manufacturers
                        .iter()
                        .map(|m| versus_line(&m.volume).replacen(&m.volume.label, &m.name, 1))
                        .collect(),
                ),
            ]
        }
        _ => {
            let h = app::dashboard::center_home(&s.app, u).await?;
            vec![
                ("总体", vec![versus_line(&h.total)]),
                ("县级营销部", h.by_county.iter().map(versus_line).collect()),
                ("品牌", h.top_brands.iter().map(versus_line).collect()),
            ]
        }
    })
}

async fn method135_view(
    s: &AppState,
    ctx: &PageCtx,
    month: Month,
    message: Option<String>,
) -> Result<Method135Page, PageError> {
    let u = &ctx.user;
    let analysis = analysis_of(s, u).await?;
    let last_improvement = app::cycle::plan135(&s.app, u, month.prev())
        .await?
        .map(|p| p.improvement)
        .filter(|t| !t.is_empty());
    let mine = app::cycle::plan135(&s.app, u, month).await?;
    let (evaluation, evaluation_note) =
        match app::accuracy::accuracy(&s.app, u, month.prev(), AccuracyBy::Total).await {
            Ok(a) => (a.rows.into_iter().next(), None),
            Err(AppError::Conflict(m)) => (None, Some(m)),
            Err(e) => return Err(e.into()),
        };
    Ok(Method135Page {
        chrome: chrome(ctx, "method135"),
        csrf: ctx.csrf.clone(),
        month: month.to_string(),
        prev: month.prev().to_string(),
        target: month.next().to_string(),
        role_zh: u.role.zh(),
        analysis,
        last_improvement,
        plan: mine.as_ref().map(|p| p.plan.clone()).unwrap_or_default(),
        improvement: mine
            .as_ref()
            .map(|p| p.improvement.clone())
            .unwrap_or_default(),
        updated_at: mine.map(|p| {
            p.updated_at
                .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        }),
        evaluation,
        evaluation_note,
        message,
    })
}

async fn method135_page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(m): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Result<Response, PageError> {
    let month = month_of(&m)?;
    Ok(method135_view(&s, &ctx, month, q.msg)
        .await?
        .into_response())
}

#[derive(Deserialize)]
struct PlanForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    improvement: String,
}

async fn method135_save(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(m): Path<String>,
    Form(f): Form<PlanForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &f.csrf).await?;
    let month = month_of(&m)?;
    app::cycle::save_plan135(&s.app, &ctx.user, month, &f.plan, &f.improvement).await?;
    Ok(see_other_msg(
        &format!("/method135/{month}"),
        "已保存计划与改进措施",
    ))
}
