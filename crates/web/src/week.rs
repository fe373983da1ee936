//! The week on one sheet (issue 6, domain.md §2.3, §6, §7, §8): pages and JSON API of visits with
//! traces (今日拜访), the rep's one-sheet (一张纸) from draft to print and Excel, the green-channel
//! inbox (待办) and the market manager's roll-up (周报汇总) and month close.
use crate::AppState;
use crate::error::{ApiError, PageError, Problem};
use crate::extract::legacy_check_csrf as check_csrf;
use crate::extract::{ApiUser, PageCtx};
use crate::page::Chrome;
use app::AppError;
use app::sheets::{GreenInput, GreenView, MonthClose, Rollup, SheetView};
use app::visits::{CheckIn, CheckOut, Today, VisitStats, VisitView};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use domain::one_sheet::{
    ChecklistCategory, Counterpart, DayTrack, GreenKind, GreenStatus, Improvement, SheetContent,
    Tick,
};
use domain::org::Role;
use domain::{IsoWeek, Month};
use serde::Deserialize;
use std::collections::HashMap;
use tower_sessions::Session;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        api_sheet_get,
        api_sheet_put,
        api_sheet_submit,
        api_sheet_review,
        api_sheet_green,
        api_sheets,
        api_inbox,
        api_green_handle,
        api_visit_create,
        api_visit_checkout,
        api_visits,
        api_visit_stats,
        api_today,
        api_rollup,
        api_month_close
    ),
    tags((name = "week", description = "客户拜访与一张纸工作法"))
)]
pub struct WeekApi;

pub fn router() -> Router<AppState> {
    Router::new()
        // API
        .route(
            "/api/v1/sheets/{username}/{week}",
            get(api_sheet_get).put(api_sheet_put),
        )
        .route(
            "/api/v1/sheets/{username}/{week}/submit",
            post(api_sheet_submit),
        )
        .route(
            "/api/v1/sheets/{username}/{week}/review",
            post(api_sheet_review),
        )
        .route(
            "/api/v1/sheets/{username}/{week}/green",
            post(api_sheet_green),
        )
        .route("/api/v1/sheets", get(api_sheets))
        .route("/api/v1/inbox", get(api_inbox))
        .route("/api/v1/green/{id}", post(api_green_handle))
        .route("/api/v1/visits", get(api_visits).post(api_visit_create))
        .route("/api/v1/visits/stats", get(api_visit_stats))
        .route("/api/v1/visits/{id}/checkout", post(api_visit_checkout))
        .route("/api/v1/today", get(api_today))
        .route("/api/v1/rollup/{week}", get(api_rollup))
        .route("/api/v1/month-close/{month}", get(api_month_close))
        // Pages
        .route("/today", get(today_page))
        .route("/today/checkin", post(today_checkin))
        .route("/today/checkout", post(today_checkout))
        .route("/sheets", get(sheets_home))
        .route(
            "/sheets/{username}/{week}",
            get(sheet_page).post(sheet_save),
        )
        .route("/sheets/{username}/{week}/submit", post(sheet_submit))
        .route("/sheets/{username}/{week}/review", post(sheet_review))
        .route("/sheets/{username}/{week}/green", post(sheet_green))
        .route("/sheets/{username}/{week}/print", get(sheet_print))
        .route("/sheets/{username}/{week}/xlsx", get(sheet_xlsx))
        .route("/inbox", get(inbox_page))
        .route("/inbox/{id}", post(inbox_handle))
        .route("/rollup", get(rollup_page))
        .route("/rollup/{week}/xlsx", get(rollup_xlsx))
        .route("/rollup/month/{month}", get(month_page))
}

// ---------------------------------------------------------------- edge helpers

fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(v)| v).map_err(|e| {
        let msg = match &e {
            JsonRejection::MissingJsonContentType(_) => {
                "请求头 Content-Type 必须为 application/json".to_string()
            }
            JsonRejection::JsonSyntaxError(_) => "请求体不是有效的 JSON".to_string(),
            JsonRejection::JsonDataError(d) => format!("请求体字段错误: {}", d.body_text()),
            _ => "无法读取请求体".to_string(),
        };
        ApiError(AppError::invalid("body", msg))
    })
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(v)| v).map_err(|e| {
        ApiError(AppError::invalid(
            "query",
            format!("查询参数错误: {}", e.body_text()),
        ))
    })
}

fn week_of(s: &str) -> Result<IsoWeek, AppError> {
    Ok(IsoWeek::parse(s)?)
}

fn date_of(field: &str, s: Option<&str>) -> Result<Option<chrono::NaiveDate>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("\"{s}\" 不是 YYYY-MM-DD 格式的日期"))),
    }
}

fn chrome(ctx: &PageCtx, active: &'static str) -> Option<Chrome> {
    ctx.chrome(active)
}

// ---------------------------------------------------------------- API: sheets

/// The sheet of a rep's week (six blocks), generated as a draft when none is stored.
#[utoipa::path(get, path = "/api/v1/sheets/{username}/{week}", tag = "week",
    params(("username" = String, Path, description = "客户经理用户名"), ("week" = String, Path, description = "ISO 周 YYYY-Www")),
    responses((status = 200, description = "一张纸（营销目标、工作任务、执行跟踪、改进措施、沟通绿色通道、信息系统链接区）"),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn api_sheet_get(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((username, week)): Path<(String, String)>,
) -> Result<Json<SheetView>, ApiError> {
    Ok(Json(
        app::sheets::get(&s.app, &u, &username, week_of(&week)?).await?,
    ))
}

/// Save the rep's own sheet (targets, tasks, tracking, improvement). A sixth ticked priority, or
/// a tick without its concrete method, answers 422 with the reason.
#[utoipa::path(put, path = "/api/v1/sheets/{username}/{week}", tag = "week",
    params(("username" = String, Path), ("week" = String, Path)),
    request_body(description = "SheetContent: targets[{code,indicator,unit,target}], carried_over[], top_priority, checklist[{category,item,method}] (≤5), visit_plan[{day,focus,visits[{customer_code,service_focus}]}], tracking[{day,main_indicators,adhoc,problem,improvement}], improvement{summary,problems,measures}", content_type = "application/json"),
    responses((status = 200, description = "保存后的一张纸"), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn api_sheet_put(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((username, week)): Path<(String, String)>,
    body: Result<Json<SheetContent>, JsonRejection>,
) -> Result<Json<SheetView>, ApiError> {
    let week = week_of(&week)?;
    let content = json_body(body)?;
    Ok(Json(
        app::sheets::save(&s.app, &u, &username, week, content).await?,
    ))
}

/// Submit the week's sheet (each working day needs its tracking entry).
#[utoipa::path(post, path = "/api/v1/sheets/{username}/{week}/submit", tag = "week",
    params(("username" = String, Path), ("week" = String, Path)),
    responses((status = 200, description = "已提交"), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn api_sheet_submit(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((username, week)): Path<(String, String)>,
) -> Result<Json<SheetView>, ApiError> {
    Ok(Json(
        app::sheets::submit(&s.app, &u, &username, week_of(&week)?).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReviewRequest {
    /// 审阅意见.
    pub comment: String,
}

/// The market manager reviews a submitted sheet with a comment.
#[utoipa::path(post, path = "/api/v1/sheets/{username}/{week}/review", tag = "week",
    params(("username" = String, Path), ("week" = String, Path)), request_body = ReviewRequest,
    responses((status = 200, description = "已审阅"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn api_sheet_review(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((username, week)): Path<(String, String)>,
    body: Result<Json<ReviewRequest>, JsonRejection>,
) -> Result<Json<SheetView>, ApiError> {
    let week = week_of(&week)?;
    let r = json_body(body)?;
    Ok(Json(
        app::sheets::review(&s.app, &u, &username, week, &r.comment).await?,
    ))
}

/// Send a green-channel item (to the marketing director, the monopoly officer or a retailer).
#[utoipa::path(post, path = "/api/v1/sheets/{username}/{week}/green", tag = "week",
    params(("username" = String, Path), ("week" = String, Path)),
    request_body(description = "{counterpart: MARKETING_DIRECTOR|MONOPOLY_OFFICER|RETAILER, kind: MARKET_STATUS|SUGGESTION|ANOMALY|NOTICE, content, channel?: PLATFORM|PHONE|WECHAT|IN_PERSON, retailer_code?}", content_type = "application/json"),
    responses((status = 201, description = "已送达接收人待办"), (status = 400, body = Problem), (status = 403, body = Problem)))]
async fn api_sheet_green(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((username, week)): Path<(String, String)>,
    body: Result<Json<GreenInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let week = week_of(&week)?;
    let g = json_body(body)?;
    let v = app::sheets::add_green(&s.app, &u, &username, week, &g).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetsQuery {
    /// A rep's username (default: every rep the caller may see).
    pub username: Option<String>,
    /// First week (YYYY-Www), default 8 weeks ago.
    pub from: Option<String>,
    /// Last week (YYYY-Www), default this week.
    pub to: Option<String>,
}

/// Stored sheets across reps and weeks.
#[utoipa::path(get, path = "/api/v1/sheets", tag = "week", params(SheetsQuery),
    responses((status = 200, description = "一张纸列表"), (status = 400, body = Problem), (status = 403, body = Problem)))]
async fn api_sheets(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    q: Result<Query<SheetsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let this = IsoWeek::of(s.app.clock.today());
    let to = match q.to.as_deref() {
        Some(w) => week_of(w)?,
        None => this,
    };
    let from = match q.from.as_deref() {
        Some(w) => week_of(w)?,
        None => (0..8).fold(to, |w, _| w.prev()),
    };
    Ok(Json(app::sheets::list(&s.app, &u, q.username.as_deref(), from, to).await?).into_response())
}

/// The signed-in person's inbox of green-channel items.
#[utoipa::path(get, path = "/api/v1/inbox", tag = "week",
    responses((status = 200, description = "待办沟通事项"), (status = 401, body = Problem)))]
async fn api_inbox(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Vec<GreenView>>, ApiError> {
    Ok(Json(app::sheets::inbox(&s.app, &u).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct HandleRequest {
    /// RECEIVED, ANSWERED or CLOSED.
    pub status: String,
    /// The answer (required for ANSWERED).
    #[serde(default)]
    pub answer: Option<String>,
}

/// Handle a green-channel item: received, answered (with the answer), closed.
#[utoipa::path(post, path = "/api/v1/green/{id}", tag = "week", params(("id" = i64, Path)), request_body = HandleRequest,
    responses((status = 200, description = "处理后的事项"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn api_green_handle(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    body: Result<Json<HandleRequest>, JsonRejection>,
) -> Result<Json<GreenView>, ApiError> {
    let r = json_body(body)?;
    let to = GreenStatus::parse(&r.status).map_err(|e| AppError::invalid("status", e.message))?;
    Ok(Json(
        app::sheets::handle_green(&s.app, &u, id, to, r.answer.as_deref()).await?,
    ))
}

// ---------------------------------------------------------------- API: visits

/// Check in at a retailer (or record a whole visit with `ended_at`). Overlapping, future and
/// end-before-start times are refused; a rep visits only their own retailers.
#[utoipa::path(post, path = "/api/v1/visits", tag = "week",
    request_body(description = "{retailer_code, started_at?, ended_at?, purpose?, lat?, lng?} (times RFC 3339)", content_type = "application/json"),
    responses((status = 201, description = "拜访记录"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn api_visit_create(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    body: Result<Json<CheckIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let c = json_body(body)?;
    let v = app::visits::check_in(&s.app, &u, &c).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// Check out of a visit with its traces (service items, findings, observations, follow-up).
#[utoipa::path(post, path = "/api/v1/visits/{id}/checkout", tag = "week", params(("id" = i64, Path)),
    request_body(description = "{ended_at?, service_items[{category,item}], findings, demand_notes, brand_notes, consumer_feedback, anomalies, advice, follow_up, observations[{sku_code, stock_qty, retail_price_fen}], lat?, lng?}", content_type = "application/json"),
    responses((status = 200, description = "拜访记录"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn api_visit_checkout(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    body: Result<Json<CheckOut>, JsonRejection>,
) -> Result<Json<VisitView>, ApiError> {
    let c = json_body(body)?;
    Ok(Json(app::visits::check_out(&s.app, &u, id, &c).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitsQuery {
    /// Whose visits (default: the caller).
    pub username: Option<String>,
    /// First day YYYY-MM-DD (default today).
    pub from: Option<String>,
    /// Last day YYYY-MM-DD (default = from).
    pub to: Option<String>,
}

/// Visits of a person between two days.
#[utoipa::path(get, path = "/api/v1/visits", tag = "week", params(VisitsQuery),
    responses((status = 200, description = "拜访记录"), (status = 400, body = Problem), (status = 403, body = Problem)))]
async fn api_visits(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    q: Result<Query<VisitsQuery>, QueryRejection>,
) -> Result<Json<Vec<VisitView>>, ApiError> {
    let q = query(q)?;
    let from = date_of("from", q.from.as_deref())?.unwrap_or(s.app.clock.today());
    let to = date_of("to", q.to.as_deref())?.unwrap_or(from);
    Ok(Json(
        app::visits::list(&s.app, &u, q.username.as_deref(), from, to).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    pub username: Option<String>,
    /// YYYY-MM (default this month).
    pub month: Option<String>,
}

/// Time in market per working day (≥ 5 h), visit coverage (拜访覆盖率) and visit cycles (拜访周期).
#[utoipa::path(get, path = "/api/v1/visits/stats", tag = "week", params(StatsQuery),
    responses((status = 200, description = "在岗时间、拜访覆盖率、拜访周期"), (status = 400, body = Problem), (status = 403, body = Problem)))]
async fn api_visit_stats(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    q: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Json<VisitStats>, ApiError> {
    let q = query(q)?;
    let month = match q.month.as_deref() {
        Some(m) => Month::parse(m)?,
        None => Month::of(s.app.clock.today()),
    };
    let who = q.username.unwrap_or_else(|| u.username.clone());
    Ok(Json(app::visits::stats(&s.app, &u, &who, month).await?))
}

/// Today's planned visits in route order (the phone page's data).
#[utoipa::path(get, path = "/api/v1/today", tag = "week",
    responses((status = 200, description = "今日拜访"), (status = 403, body = Problem)))]
async fn api_today(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Today>, ApiError> {
    Ok(Json(app::visits::today(&s.app, &u).await?))
}

/// The market manager's roll-up of a week's sheets, with the trend of the 8 weeks before.
#[utoipa::path(get, path = "/api/v1/rollup/{week}", tag = "week", params(("week" = String, Path)),
    responses((status = 200, description = "周报汇总"), (status = 403, body = Problem)))]
async fn api_rollup(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(week): Path<String>,
) -> Result<Json<Rollup>, ApiError> {
    Ok(Json(
        app::sheets::rollup(&s.app, &u, week_of(&week)?).await?,
    ))
}

/// Month close (§8.4): weekly sheets against the monthly goal.
#[utoipa::path(get, path = "/api/v1/month-close/{month}", tag = "week", params(("month" = String, Path)),
    responses((status = 200, description = "月度总结"), (status = 403, body = Problem)))]
async fn api_month_close(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(month): Path<String>,
) -> Result<Json<MonthClose>, ApiError> {
    let m = Month::parse(&month)?;
    Ok(Json(app::sheets::month_close(&s.app, &u, m).await?))
}

// ---------------------------------------------------------------- pages: today

#[derive(Template, WebTemplate)]
#[template(path = "week_today.html")]
struct TodayPage {
    chrome: Option<Chrome>,
    csrf: String,
    t: Today,
    message: Option<String>,
}

async fn today_page(State(s): State<AppState>, ctx: PageCtx) -> Result<Response, PageError> {
    render_today(&s, &ctx, None, StatusCode::OK).await
}

async fn render_today(
    s: &AppState,
    ctx: &PageCtx,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let t = app::visits::today(&s.app, &ctx.user).await?;
    Ok((
        status,
        TodayPage {
            chrome: chrome(ctx, "today"),
            csrf: ctx.csrf.clone(),
            t,
            message,
        },
    )
        .into_response())
}

fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid { .. } => StatusCode::BAD_REQUEST,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Rule(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn shown(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Invalid { .. }
            | AppError::Conflict(_)
            | AppError::Rule(_)
            | AppError::NotFound(_)
    )
}

fn opt_f64(field: &str, v: Option<&String>) -> Result<Option<f64>, AppError> {
    match v.map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("\"{s}\" 不是有效的数字"))),
    }
}

async fn today_checkin(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    check_csrf(&session, f.get("csrf").map(String::as_str).unwrap_or("")).await?;
    let input = CheckIn {
        retailer_code: f.get("retailer_code").cloned().unwrap_or_default(),
        purpose: f.get("purpose").cloned().unwrap_or_default(),
        lat: opt_f64("lat", f.get("lat"))?,
        lng: opt_f64("lng", f.get("lng"))?,
        ..CheckIn::default()
    };
    match app::visits::check_in(&s.app, &ctx.user, &input).await {
        Ok(_) => Ok(Redirect::to("/today").into_response()),
        Err(e) if shown(&e) => render_today(&s, &ctx, Some(e.to_string()), status_of(&e)).await,
        Err(e) => Err(PageError(e)),
    }
}

async fn today_checkout(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get1 = |k: &str| {
        f.iter()
            .find(|(a, _)| a == k)
            .map(|(_, b)| b.clone())
            .unwrap_or_default()
    };
    check_csrf(&session, &get1("csrf")).await?;
    let id: i64 = get1("visit_id")
        .parse()
        .map_err(|_| AppError::invalid("visit_id", "拜访编号无效"))?;
    let mut items = Vec::new();
    for (k, v) in &f {
        if k == "service" {
            items.push(app::visits::ServiceItem {
                category: ChecklistCategory::parse(v)?,
                item: String::new(),
            });
        }
    }
    let input = CheckOut {
        service_items: items,
        findings: get1("findings"),
        demand_notes: get1("demand_notes"),
        brand_notes: get1("brand_notes"),
        consumer_feedback: get1("consumer_feedback"),
        anomalies: get1("anomalies"),
        advice: get1("advice"),
        follow_up: get1("follow_up"),
        lat: opt_f64("lat", Some(&get1("lat")))?,
        lng: opt_f64("lng", Some(&get1("lng")))?,
        ..CheckOut::default()
    };
    match app::visits::check_out(&s.app, &ctx.user, id, &input).await {
        Ok(_) => Ok(Redirect::to("/today").into_response()),
        Err(e) if shown(&e) => render_today(&s, &ctx, Some(e.to_string()), status_of(&e)).await,
        Err(e) => Err(PageError(e)),
    }
}

// ---------------------------------------------------------------- pages: the sheet

#[derive(Template, WebTemplate)]
#[template(path = "week_sheet.html")]
struct SheetPage {
    chrome: Option<Chrome>,
    csrf: String,
    v: SheetView,
    can_edit: bool,
    can_review: bool,
    /// The rep's own sheet: items to retailers (who have no account) are handled here.
    is_rep: bool,
    message: Option<String>,
    prev: String,
    next: String,
    categories: Vec<(&'static str, &'static str)>,
    counterparts: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    /// Tick rows to show: the stored ticks and empty rows up to one more than the maximum.
    tick_rows: Vec<(usize, String, String, String)>,
}

impl SheetPage {
    fn codes_of(&self, day: &u32) -> String {
        self.v
            .visit_plan
            .iter()
            .find(|d| d.day == *day)
            .map(|d| {
                d.visits
                    .iter()
                    .map(|v| v.customer_code.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    }
    fn done_of(&self, d: &app::sheets::DayPlanView) -> usize {
        d.visits.iter().filter(|x| x.done).count()
    }
    fn focus_of(&self, day: &u32) -> String {
        self.v
            .visit_plan
            .iter()
            .find(|d| d.day == *day)
            .map(|d| d.focus.clone())
            .unwrap_or_default()
    }
}

async fn sheets_home(State(s): State<AppState>, ctx: PageCtx) -> Response {
    let w = IsoWeek::of(s.app.clock.today());
    match ctx.user.role {
        Role::AccountManager => {
            Redirect::to(&format!("/sheets/{}/{w}", ctx.user.username)).into_response()
        }
        _ => Redirect::to(&format!("/rollup?week={w}")).into_response(),
    }
}

async fn render_sheet(
    s: &AppState,
    ctx: &PageCtx,
    username: &str,
    week: IsoWeek,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let v = app::sheets::get(&s.app, &ctx.user, username, week).await?;
    let can_edit =
        ctx.user.username == v.username && v.status != domain::one_sheet::SheetStatus::Reviewed;
    let can_review = ctx.user.role == Role::MarketManager
        && v.status == domain::one_sheet::SheetStatus::Submitted;
    let mut tick_rows: Vec<(usize, String, String, String)> = v
        .checklist
        .iter()
        .enumerate()
        .map(|(i, t)| {
            (
                i,
                t.category.code().to_string(),
                t.item.clone(),
                t.method.clone(),
            )
        })
        .collect();
    while tick_rows.len() < v.max_ticks + 1 {
        tick_rows.push((tick_rows.len(), String::new(), String::new(), String::new()));
    }
    let page = SheetPage {
        chrome: chrome(ctx, "sheet"),
        csrf: ctx.csrf.clone(),
        prev: week.prev().to_string(),
        next: week.next().to_string(),
        categories: ChecklistCategory::ALL
            .iter()
            .map(|c| (c.code(), c.zh()))
            .collect(),
        counterparts: Counterpart::ALL
            .iter()
            .map(|c| (c.code(), c.zh()))
            .collect(),
        kinds: GreenKind::ALL.iter().map(|c| (c.code(), c.zh())).collect(),
        tick_rows,
        is_rep: ctx.user.username == v.username,
        v,
        can_edit,
        can_review,
        message,
    };
    Ok((status, page).into_response())
}

async fn sheet_page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path((username, week)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let week = week_of(&week)?;
    render_sheet(&s, &ctx, &username, week, None, StatusCode::OK).await
}

/// Build the rep's content from the edit form over the current sheet (kept: proposals and the
/// service focus of customers still planned).
fn content_from_form(v: &SheetView, f: &[(String, String)]) -> Result<SheetContent, AppError> {
    let get1 = |k: &str| {
        f.iter()
            .find(|(a, _)| a == k)
            .map(|(_, b)| b.trim().to_string())
            .unwrap_or_default()
    };
    let lines = |s: String| -> Vec<String> {
        s.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect()
    };
    let mut targets = Vec::new();
    for t in &v.targets {
        let raw = get1(&format!("target_{}", t.code));
        let target = if raw.is_empty() {
            t.target
        } else {
            raw.parse().map_err(|_| {
                AppError::invalid(
                    format!("target_{}", t.code),
                    format!("{} 的目标「{raw}」不是有效的数字", t.indicator),
                )
            })?
        };
        targets.push(domain::one_sheet::Target {
            code: t.code.clone(),
            indicator: t.indicator.clone(),
            unit: t.unit.clone(),
            target,
        });
    }
    let mut checklist = Vec::new();
    for i in 0..12 {
        let cat = get1(&format!("tick_cat_{i}"));
        let item = get1(&format!("tick_item_{i}"));
        let method = get1(&format!("tick_method_{i}"));
        if cat.is_empty() && item.is_empty() && method.is_empty() {
            continue;
        }
        let category = ChecklistCategory::parse(&cat)
            .map_err(|_| AppError::invalid(format!("tick_cat_{i}"), "请选择清单分项"))?;
        checklist.push(Tick {
            category,
            item: if item.is_empty() {
                category.items()[0].to_string()
            } else {
                item
            },
            method,
        });
    }
    let mut visit_plan = Vec::new();
    let mut tracking = Vec::new();
    for d in 1..=7u32 {
        let codes = get1(&format!("codes_{d}"));
        let focus = get1(&format!("focus_{d}"));
        let old = v.visit_plan.iter().find(|p| p.day == d);
        if !codes.is_empty() || !focus.is_empty() || old.is_some() {
            let visits = codes
                .split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、')
                .filter(|c| !c.is_empty())
                .map(|c| domain::one_sheet::PlannedVisit {
                    customer_code: c.to_string(),
                    service_focus: old
                        .and_then(|o| o.visits.iter().find(|x| x.customer_code == c))
                        .map(|x| x.service_focus.clone())
                        .unwrap_or_default(),
                })
                .collect();
            visit_plan.push(domain::one_sheet::DayPlan {
                day: d,
                focus,
                visits,
            });
        }
        let t = DayTrack {
            day: d,
            main_indicators: get1(&format!("tr_ind_{d}")),
            adhoc: get1(&format!("tr_adhoc_{d}")),
            problem: get1(&format!("tr_problem_{d}")),
            improvement: get1(&format!("tr_impr_{d}")),
        };
        if t.is_filled() {
            tracking.push(t);
        }
    }
    Ok(SheetContent {
        targets,
        carried_over: lines(get1("carried_over")),
        proposed_priorities: v.proposed_priorities.clone(),
        top_priority: get1("top_priority"),
        checklist,
        visit_plan,
        tracking,
        improvement: Improvement {
            summary: get1("summary"),
            problems: get1("problems"),
            measures: get1("measures"),
        },
    })
}

async fn sheet_save(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path((username, week)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let token = f
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    check_csrf(&session, token).await?;
    let week = week_of(&week)?;
    let current = app::sheets::get(&s.app, &ctx.user, &username, week).await?;
    let result = match content_from_form(&current, &f) {
        Ok(c) => app::sheets::save(&s.app, &ctx.user, &username, week, c).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/sheets/{username}/{week}?saved=1")).into_response()),
        Err(e) if shown(&e) => {
            render_sheet(
                &s,
                &ctx,
                &username,
                week,
                Some(e.to_string()),
                status_of(&e),
            )
            .await
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Deserialize)]
struct SimpleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    comment: String,
}

async fn sheet_submit(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path((username, week)): Path<(String, String)>,
    Form(f): Form<SimpleForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &f.csrf).await?;
    let week = week_of(&week)?;
    match app::sheets::submit(&s.app, &ctx.user, &username, week).await {
        Ok(_) => Ok(Redirect::to(&format!("/sheets/{username}/{week}")).into_response()),
        Err(e) if shown(&e) => {
            render_sheet(
                &s,
                &ctx,
                &username,
                week,
                Some(e.to_string()),
                status_of(&e),
            )
            .await
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn sheet_review(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path((username, week)): Path<(String, String)>,
    Form(f): Form<SimpleForm>,
) -> Result<Response, PageError> {
    check_csrf(&session, &f.csrf).await?;
    let week = week_of(&week)?;
    match app::sheets::review(&s.app, &ctx.user, &username, week, &f.comment).await {
        Ok(_) => Ok(Redirect::to(&format!("/sheets/{username}/{week}")).into_response()),
        Err(e) if shown(&e) => {
            render_sheet(
                &s,
                &ctx,
                &username,
                week,
                Some(e.to_string()),
                status_of(&e),
            )
            .await
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn sheet_green(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path((username, week)): Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    check_csrf(&session, f.get("csrf").map(String::as_str).unwrap_or("")).await?;
    let week = week_of(&week)?;
    let parsed = (|| -> Result<GreenInput, AppError> {
        Ok(GreenInput {
            counterpart: Counterpart::parse(f.get("counterpart").map(String::as_str).unwrap_or(""))
                .map_err(|e| AppError::invalid("counterpart", e.message))?,
            kind: GreenKind::parse(f.get("kind").map(String::as_str).unwrap_or(""))
                .map_err(|e| AppError::invalid("kind", e.message))?,
            content: f.get("content").cloned().unwrap_or_default(),
            channel: match f.get("channel").map(|s| s.trim()).filter(|s| !s.is_empty()) {
                Some(c) => Some(
                    domain::one_sheet::Channel::parse(c)
                        .map_err(|e| AppError::invalid("channel", e.message))?,
                ),
                None => None,
            },
            retailer_code: f.get("retailer_code").cloned(),
        })
    })();
    let result = match parsed {
        Ok(g) => app::sheets::add_green(&s.app, &ctx.user, &username, week, &g)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/sheets/{username}/{week}#b5")).into_response()),
        Err(e) if shown(&e) => {
            render_sheet(
                &s,
                &ctx,
                &username,
                week,
                Some(e.to_string()),
                status_of(&e),
            )
            .await
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "week_print.html")]
struct PrintPage {
    v: SheetView,
}

impl PrintPage {
    /// A compact list of a day's customers: the first `n` names, then the count of the rest.
    fn names(&self, d: &app::sheets::DayPlanView, n: usize) -> String {
        let mut s: Vec<String> = d
            .visits
            .iter()
            .take(n)
            .map(|v| {
                let name = if v.name.is_empty() {
                    v.customer_code.clone()
                } else {
                    // The shop's name without its branch in brackets, at most 8 characters.
                    let base = v.name.split(['(', '（']).next().unwrap_or(&v.name);
                    base.chars().take(8).collect()
                };
                if v.done { format!("{name}✓") } else { name }
            })
            .collect();
        if d.visits.len() > n {
            s.push(format!("等 {} 户", d.visits.len()));
        }
        s.join("、")
    }
}

async fn sheet_print(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path((username, week)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let week = week_of(&week)?;
    let v = app::sheets::get(&s.app, &ctx.user, &username, week).await?;
    Ok(PrintPage { v }.into_response())
}

// ---------------------------------------------------------------- Excel

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Conflict(format!("无法生成 Excel: {e}"))
}

fn write_sheet(
    ws: &mut rust_xlsxwriter::Worksheet,
    v: &SheetView,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::Format;
    let bold = Format::new().set_bold();
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 40)?;
    ws.set_column_width(2, 30)?;
    ws.set_column_width(3, 30)?;
    let mut r = 0u32;
    ws.write_string_with_format(
        r,
        0,
        format!("客户经理一张纸 {} {} {}", v.rep_name, v.week, v.status_zh),
        &bold,
    )?;
    r += 2;
    ws.write_string_with_format(r, 0, "一、营销目标", &bold)?;
    r += 1;
    for (c, h) in ["指标", "单位", "本周目标", "实际完成", "差距"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &bold)?;
    }
    for t in &v.targets {
        r += 1;
        ws.write_string(r, 0, &t.indicator)?;
        ws.write_string(r, 1, &t.unit)?;
        ws.write_number(r, 2, t.target)?;
        ws.write_number(r, 3, t.actual)?;
        ws.write_number(r, 4, t.gap)?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "二、工作任务", &bold)?;
    r += 1;
    ws.write_string(r, 0, "上周问题")?;
    ws.write_string(r, 1, v.carried_over.join("；"))?;
    r += 1;
    ws.write_string(r, 0, "重点任务")?;
    ws.write_string(r, 1, &v.top_priority)?;
    for t in &v.checklist {
        r += 1;
        ws.write_string(r, 0, t.category.zh())?;
        ws.write_string(r, 1, &t.item)?;
        ws.write_string(r, 2, &t.method)?;
    }
    for d in &v.visit_plan {
        r += 1;
        ws.write_string(r, 0, format!("{} 拜访计划", d.weekday_zh))?;
        ws.write_string(r, 1, &d.focus)?;
        ws.write_string(
            r,
            2,
            d.visits
                .iter()
                .map(|x| format!("{}{}", x.customer_code, if x.done { "✓" } else { "" }))
                .collect::<Vec<_>>()
                .join(" "),
        )?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "三、执行跟踪", &bold)?;
    r += 1;
    for (c, h) in [
        "日期",
        "主要指标",
        "任务计划与完成",
        "临时性工作",
        "主要问题",
        "改进措施",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &bold)?;
    }
    for t in &v.tracking {
        r += 1;
        ws.write_string(r, 0, format!("{} {}", t.weekday_zh, t.date))?;
        ws.write_string(r, 1, &t.main_indicators)?;
        ws.write_string(r, 2, &t.plan_vs_done)?;
        ws.write_string(r, 3, &t.adhoc)?;
        ws.write_string(r, 4, &t.problem)?;
        ws.write_string(r, 5, &t.improvement)?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "四、改进措施", &bold)?;
    r += 1;
    ws.write_string(r, 0, "主要工作及完成情况")?;
    ws.write_string(r, 1, &v.improvement.summary)?;
    r += 1;
    ws.write_string(r, 0, "主要问题")?;
    ws.write_string(r, 1, &v.improvement.problems)?;
    r += 1;
    ws.write_string(r, 0, "解决措施")?;
    ws.write_string(r, 1, &v.improvement.measures)?;
    r += 2;
    ws.write_string_with_format(r, 0, "五、沟通绿色通道", &bold)?;
    for g in &v.green_channel {
        r += 1;
        ws.write_string(r, 0, &g.counterpart_zh)?;
        ws.write_string(r, 1, format!("[{}] {}", g.kind_zh, g.row.content))?;
        ws.write_string(r, 2, format!("{} · {}", g.channel_zh, g.status_zh))?;
        ws.write_string(r, 3, &g.row.answer)?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "审阅意见", &bold)?;
    ws.write_string(r, 1, &v.review_comment)?;
    Ok(())
}

fn xlsx_response(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn sheet_xlsx(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path((username, week)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let week = week_of(&week)?;
    let v = app::sheets::get(&s.app, &ctx.user, &username, week).await?;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(week.to_string()).map_err(xlsx_err)?;
    write_sheet(ws, &v).map_err(xlsx_err)?;
    let bytes = wb.save_to_buffer().map_err(xlsx_err)?;
    Ok(xlsx_response(
        bytes,
        &format!("one-sheet-{username}-{week}.xlsx"),
    ))
}

async fn rollup_xlsx(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(week): Path<String>,
) -> Result<Response, PageError> {
    let week = week_of(&week)?;
    let r = app::sheets::rollup(&s.app, &ctx.user, week).await?;
    let mut wb = rust_xlsxwriter::Workbook::new();
    {
        let ws = wb.add_worksheet();
        ws.set_name("汇总").map_err(xlsx_err)?;
        let heads = [
            "客户经理",
            "姓名",
            "状态",
            "逾期",
            "重点任务",
            "销量目标",
            "销量实际",
            "拜访户数",
            "未关闭沟通事项",
        ];
        for (c, h) in heads.iter().enumerate() {
            ws.write_string(0, c as u16, *h).map_err(xlsx_err)?;
        }
        for (i, row) in r.rows.iter().enumerate() {
            let y = i as u32 + 1;
            let t = |code: &str| row.targets.iter().find(|t| t.code == code);
            (|| -> Result<(), rust_xlsxwriter::XlsxError> {
                ws.write_string(y, 0, &row.username)?;
                ws.write_string(y, 1, &row.rep_name)?;
                ws.write_string(y, 2, row.status_zh)?;
                ws.write_string(y, 3, if row.late { "是" } else { "" })?;
                ws.write_string(y, 4, &row.top_priority)?;
                ws.write_number(y, 5, t("VOLUME").map_or(0.0, |t| t.target))?;
                ws.write_number(y, 6, t("VOLUME").map_or(0.0, |t| t.actual))?;
                ws.write_number(y, 7, t("VISITS").map_or(0.0, |t| t.actual))?;
                ws.write_number(y, 8, row.open_green as f64)?;
                Ok(())
            })()
            .map_err(xlsx_err)?;
        }
    }
    for row in &r.rows {
        let v = app::sheets::get(&s.app, &ctx.user, &row.username, week).await?;
        let ws = wb.add_worksheet();
        ws.set_name(&row.username).map_err(xlsx_err)?;
        write_sheet(ws, &v).map_err(xlsx_err)?;
    }
    let bytes = wb.save_to_buffer().map_err(xlsx_err)?;
    Ok(xlsx_response(bytes, &format!("one-sheets-{week}.xlsx")))
}

// ---------------------------------------------------------------- inbox, roll-up, month close

#[derive(Template, WebTemplate)]
#[template(path = "week_inbox.html")]
struct InboxPage {
    chrome: Option<Chrome>,
    csrf: String,
    items: Vec<GreenView>,
    message: Option<String>,
}

async fn inbox_page(State(s): State<AppState>, ctx: PageCtx) -> Result<Response, PageError> {
    let items = app::sheets::inbox(&s.app, &ctx.user).await?;
    Ok(InboxPage {
        chrome: chrome(&ctx, "inbox"),
        csrf: ctx.csrf.clone(),
        items,
        message: None,
    }
    .into_response())
}

async fn inbox_handle(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    check_csrf(&session, f.get("csrf").map(String::as_str).unwrap_or("")).await?;
    let to = GreenStatus::parse(f.get("status").map(String::as_str).unwrap_or(""))
        .map_err(|e| AppError::invalid("status", e.message))?;
    let back = f.get("back").cloned().filter(|b| b.starts_with("/sheets/"));
    match app::sheets::handle_green(
        &s.app,
        &ctx.user,
        id,
        to,
        f.get("answer").map(String::as_str),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(back.as_deref().unwrap_or("/inbox")).into_response()),
        Err(e) if shown(&e) => {
            let items = app::sheets::inbox(&s.app, &ctx.user).await?;
            Ok((
                status_of(&e),
                InboxPage {
                    chrome: chrome(&ctx, "inbox"),
                    csrf: ctx.csrf.clone(),
                    items,
                    message: Some(e.to_string()),
                },
            )
                .into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "week_rollup.html")]
struct RollupPage {
    chrome: Option<Chrome>,
    r: Rollup,
    month: String,
}

impl RollupPage {
    fn target<'a>(
        &self,
        row: &'a app::sheets::RollupRow,
        code: &str,
    ) -> Option<&'a app::sheets::TargetView> {
        row.targets.iter().find(|t| t.code == code)
    }
}

#[derive(Deserialize)]
struct WeekQuery {
    week: Option<String>,
}

async fn rollup_page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<WeekQuery>,
) -> Result<Response, PageError> {
    let week = match q.week.as_deref().filter(|w| !w.is_empty()) {
        Some(w) => week_of(w)?,
        None => IsoWeek::of(s.app.clock.today()),
    };
    let r = app::sheets::rollup(&s.app, &ctx.user, week).await?;
    Ok(RollupPage {
        chrome: chrome(&ctx, "rollup"),
        month: week.month().to_string(),
        r,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "week_month.html")]
struct MonthPage {
    chrome: Option<Chrome>,
    m: MonthClose,
}

async fn month_page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(month): Path<String>,
) -> Result<Response, PageError> {
    let m = Month::parse(&month)?;
    let m = app::sheets::month_close(&s.app, &ctx.user, m).await?;
    Ok(MonthPage {
        chrome: chrome(&ctx, "rollup"),
        m,
    }
    .into_response())
}
