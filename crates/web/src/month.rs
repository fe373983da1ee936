//! The month as the platform runs it (issue 5; domain.md §5, §7): the calendar per county, the
//! three forecast methods, submission, supply and balancing, feedback, accuracy. JSON API under
//! `/api/v1` (described by [`MonthApi`]); pages under `/month`.
//!
//! Months in paths: `/cycle/{county}/{YYYY-MM}` takes the *working* month; every forecast,
//! supply, balance, feedback and accuracy path takes the *target* month (the month forecast,
//! working month + 1).
//!
//! POS self-reports (客户提报): the retailer's rep (or the marketing center) issues a credential
//! with `POST /api/v1/retailers/{code}/pos-token`; the answer shows the token once (only its
//! argon2 hash is kept). The POS then calls `POST /api/v1/pos/forecasts/{YYYY-MM}` with headers
//! `X-Retailer: <customer code>` and `Authorization: Bearer <token>`.
use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::ApiUser;
use app::AppError;
use app::accuracy::AccuracyBy;
use app::forecasting::{SelfReportLine, TotalsBy};
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use domain::Month;
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    paths(
        cycle,
        forecast_put,
        forecast_list,
        forecast_submit,
        forecast_totals,
        forecast_model,
        job_status,
        forecast_comment,
        forecast_return,
        pos_token,
        pos_forecast,
        supply_put,
        supply_upload,
        supply_list,
        balance_run,
        balance_review,
        balance_publish,
        feedback_list,
        feedback_tick,
        accuracy
    ),
    components(schemas(
        ForecastPut,
        SelfReport,
        PosLine,
        SupplyPut,
        SupplyLineIn,
        CommentIn,
        TickIn
    ))
)]
pub struct MonthApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cycle/{county}/{month}", get(cycle))
        .route("/api/v1/forecasts/{month}", get(forecast_list))
        .route("/api/v1/forecasts/{month}/submit", post(forecast_submit))
        .route("/api/v1/forecasts/{month}/totals", get(forecast_totals))
        .route("/api/v1/forecasts/{month}/model", post(forecast_model))
        .route("/api/v1/jobs/{id}", get(job_status))
        .route(
            "/api/v1/forecasts/{month}/reps/{rep}/comments",
            post(forecast_comment),
        )
        .route(
            "/api/v1/forecasts/{month}/reps/{rep}/return",
            post(forecast_return),
        )
        .route(
            "/api/v1/forecasts/{month}/{retailer}/{sku}",
            put(forecast_put),
        )
        .route("/api/v1/retailers/{code}/pos-token", post(pos_token))
        .route("/api/v1/pos/forecasts/{month}", post(pos_forecast))
        .route("/api/v1/supply/{month}", put(supply_put).get(supply_list))
        .route("/api/v1/supply/{month}/upload", post(supply_upload))
        .route("/api/v1/balance/{month}", get(balance_review))
        .route("/api/v1/balance/{month}/run", post(balance_run))
        .route("/api/v1/balance/{month}/publish", post(balance_publish))
        .route("/api/v1/feedback/{month}", get(feedback_list))
        .route("/api/v1/feedback/{month}/{retailer}", post(feedback_tick))
        .route("/api/v1/accuracy/{month}", get(accuracy))
}

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

fn month(s: &str) -> Result<Month, ApiError> {
    Ok(Month::parse(s)?)
}

/// The month of a county department: phase, dates, owners, gates, who is late, what is due today.
#[utoipa::path(get, path = "/api/v1/cycle/{county}/{month}",
    params(("county" = String, Path, description = "县级营销部机构代码（如 CTY01）"), ("month" = String, Path, description = "工作月 YYYY-MM")),
    responses((status = 200, description = "阶段、日期、负责人、逾期"), (status = 404, body = Problem)))]
async fn cycle(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((county, m)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(app::cycle::status(&s.app, &u, &county, month(&m)?).await?).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ForecastPut {
    /// 条
    pub quantity: i64,
    /// INTERACTIVE_VISIT (双向互动) or CUSTOMER_SELF_REPORT (审核客户提报)
    pub method: String,
}

/// A rep enters or reviews one forecast (target month). Supervisors: 403, traced.
#[utoipa::path(put, path = "/api/v1/forecasts/{month}/{retailer}/{sku}", request_body = ForecastPut,
    params(("month" = String, Path, description = "预测月 YYYY-MM"), ("retailer" = String, Path), ("sku" = String, Path)),
    responses((status = 200, description = "预测记录"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn forecast_put(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((m, retailer, sku)): Path<(String, String, String)>,
    body: Result<Json<ForecastPut>, JsonRejection>,
) -> Result<Response, ApiError> {
    let b = json_body(body)?;
    let out = app::forecasting::put(
        &s.app,
        &u,
        month(&m)?,
        &retailer,
        &sku,
        b.quantity,
        &b.method,
    )
    .await?;
    Ok(Json(out).into_response())
}

/// The forecast records of a target month in the person's scope.
#[utoipa::path(get, path = "/api/v1/forecasts/{month}", params(("month" = String, Path)), responses((status = 200, description = "预测记录")))]
async fn forecast_list(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(m): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(app::forecasting::list(&s.app, &u, month(&m)?).await?).into_response())
}

/// The rep submits the target month's forecast (locks it). A second submit changes nothing.
#[utoipa::path(post, path = "/api/v1/forecasts/{month}/submit", params(("month" = String, Path)),
    responses((status = 200, description = "提交结果"), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn forecast_submit(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(m): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(app::forecasting::submit(&s.app, &u, month(&m)?).await?).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TotalsParams {
    /// sku | brand | price_class
    pub by: Option<String>,
}

/// Territory totals by SKU, brand or price class against last month's and last year's demand.
#[utoipa::path(get, path = "/api/v1/forecasts/{month}/totals", params(("month" = String, Path), TotalsParams), responses((status = 200, description = "汇总")))]
async fn forecast_totals(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(m): Path<String>,
    q: Result<Query<TotalsParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let by = match query(q)?.by.as_deref().unwrap_or("sku") {
        "sku" => TotalsBy::Sku,
        "brand" => TotalsBy::Brand,
        "price_class" => TotalsBy::PriceClass,
        other => {
            return Err(AppError::invalid(
                "by",
                format!("无效的汇总维度 {other}，可选 sku、brand、price_class"),
            )
            .into());
        }
    };
    Ok(Json(app::forecasting::totals(&s.app, &u, month(&m)?, by).await?).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ModelParams {
    /// `true`: run in the request and answer with the result (scripts); otherwise a background
    /// job is started and answered at once (202, `Location: /api/v1/jobs/{id}`).
    pub wait: Option<bool>,
}

/// Run the MODEL forecast for the whole company (marketing center): a background job that
/// reports progress at `/api/v1/jobs/{id}`; while one runs for the month, the same job is
/// answered again. With `?wait=true` it runs in the request (409 while a job runs).
#[utoipa::path(post, path = "/api/v1/forecasts/{month}/model", params(("month" = String, Path), ModelParams), responses((status = 202, description = "后台任务已启动（或正在运行）"), (status = 200, description = "wait=true 时的运行结果"), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn forecast_model(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(m): Path<String>,
    q: Result<Query<ModelParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let target = month(&m)?;
    if query(q)?.wait == Some(true) {
        return Ok(Json(app::forecasting::run_model_as(&s.app, &u, target).await?).into_response());
    }
    let (job, _) = app::forecasting::start_model_job(&s.app, &u, target).await?;
    Ok((
        StatusCode::ACCEPTED,
        [(
            axum::http::header::LOCATION,
            format!("/api/v1/jobs/{}", job.id),
        )],
        Json(job),
    )
        .into_response())
}

/// A background job: state (RUNNING, DONE, FAILED), phase, progress and result.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", params(("id" = u64, Path)), responses((status = 200, description = "任务状态"), (status = 404, body = Problem)))]
async fn job_status(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<u64>,
) -> Result<Response, ApiError> {
    Ok(Json(app::forecasting::model_job(&s.app, &u, id)?).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CommentIn {
    pub comment: String,
}

/// A supervisor comments on a rep's forecast.
#[utoipa::path(post, path = "/api/v1/forecasts/{month}/reps/{rep}/comments", request_body = CommentIn,
    params(("month" = String, Path), ("rep" = String, Path, description = "客户经理用户名")), responses((status = 200), (status = 403, body = Problem)))]
async fn forecast_comment(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((m, rep)): Path<(String, String)>,
    body: Result<Json<CommentIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let b = json_body(body)?;
    let id = app::forecasting::comment(&s.app, &u, month(&m)?, &rep, &b.comment).await?;
    Ok(Json(serde_json::json!({"id": id})).into_response())
}

/// A supervisor returns a rep's submission with a reason (numbers stay the rep's).
#[utoipa::path(post, path = "/api/v1/forecasts/{month}/reps/{rep}/return", request_body = CommentIn,
    params(("month" = String, Path), ("rep" = String, Path)), responses((status = 200), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn forecast_return(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((m, rep)): Path<(String, String)>,
    body: Result<Json<CommentIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let b = json_body(body)?;
    app::forecasting::return_submission(&s.app, &u, month(&m)?, &rep, &b.comment).await?;
    Ok(Json(serde_json::json!({"returned": true})).into_response())
}

/// Issue a retailer's POS credential (shown once).
#[utoipa::path(post, path = "/api/v1/retailers/{code}/pos-token", params(("code" = String, Path)), responses((status = 200, description = "{retailer, token}"), (status = 403, body = Problem)))]
async fn pos_token(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let token = app::forecasting::issue_pos_token(&s.app, &u, &code).await?;
    Ok(Json(serde_json::json!({"retailer": code, "token": token})).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PosLine {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SelfReport {
    pub lines: Vec<PosLine>,
}

/// A POS submits the retailer's own forecast (客户提报). Headers: `X-Retailer`, `Authorization: Bearer`.
#[utoipa::path(post, path = "/api/v1/pos/forecasts/{month}", request_body = SelfReport, params(("month" = String, Path)),
    responses((status = 200, description = "写入的预测记录"), (status = 400, body = Problem), (status = 401, body = Problem)))]
async fn pos_forecast(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(m): Path<String>,
    body: Result<Json<SelfReport>, JsonRejection>,
) -> Result<Response, ApiError> {
    let retailer = headers
        .get("x-retailer")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    if retailer.is_empty() || token.is_empty() {
        return Err(AppError::Unauthorized.into());
    }
    let b = json_body(body)?;
    let lines: Vec<SelfReportLine> = b
        .lines
        .into_iter()
        .map(|l| SelfReportLine {
            sku: l.sku,
            quantity: l.quantity,
        })
        .collect();
    Ok(
        Json(app::forecasting::self_report(&s.app, &retailer, &token, month(&m)?, &lines).await?)
            .into_response(),
    )
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SupplyLineIn {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SupplyPut {
    pub lines: Vec<SupplyLineIn>,
}

/// The marketing center enters next month's supply per SKU (all lines or none).
#[utoipa::path(put, path = "/api/v1/supply/{month}", request_body = SupplyPut, params(("month" = String, Path)),
    responses((status = 200, description = "{changed}"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn supply_put(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(m): Path<String>,
    body: Result<Json<SupplyPut>, JsonRejection>,
) -> Result<Response, ApiError> {
    let b = json_body(body)?;
    let lines: Vec<app::balancing::SupplyInput> = b
        .lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| app::balancing::SupplyInput {
            row: format!("lines[{i}]"),
            sku: l.sku,
            quantity: l.quantity,
        })
        .collect();
    let changed = app::balancing::set_supply(&s.app, &u, month(&m)?, &lines).await?;
    Ok(Json(serde_json::json!({"changed": changed})).into_response())
}

/// Upload supply as an Excel file (body = the .xlsx bytes; header 卷烟规格代码, 货源量).
/// A bad row is named and nothing is written.
#[utoipa::path(post, path = "/api/v1/supply/{month}/upload", params(("month" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, description = "{changed, rows}"), (status = 400, body = Problem)))]
async fn supply_upload(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(m): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let target = month(&m)?;
    u.require(&[domain::org::Role::MarketingCenter, domain::org::Role::Admin])?;
    let lines = app::balancing::parse_supply_xlsx(&body)?;
    let changed = app::balancing::set_supply(&s.app, &u, target, &lines).await?;
    Ok(Json(serde_json::json!({"changed": changed, "rows": lines.len()})).into_response())
}

/// Next month's supply.
#[utoipa::path(get, path = "/api/v1/supply/{month}", params(("month" = String, Path)), responses((status = 200, description = "货源")))]
async fn supply_list(
    State(s): State<AppState>,
    ApiUser(_u): ApiUser,
    Path(m): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(
        store::repo::supply::list(&s.app.db, &month(&m)?.to_string())
            .await
            .map_err(AppError::from)?,
    )
    .into_response())
}

/// Run the balancing over the submitted forecasts (draft for review).
#[utoipa::path(post, path = "/api/v1/balance/{month}/run", params(("month" = String, Path)), responses((status = 200, description = "审核视图"), (status = 409, body = Problem)))]
async fn balance_run(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(m): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(app::balancing::run(&s.app, &u, month(&m)?).await?).into_response())
}

/// Review the latest balancing run: cut per SKU and tier, flagged retailers.
#[utoipa::path(get, path = "/api/v1/balance/{month}", params(("month" = String, Path)), responses((status = 200, description = "审核视图"), (status = 404, body = Problem)))]
async fn balance_review(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(m): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(app::balancing::review(&s.app, &u, month(&m)?).await?).into_response())
}

/// Publish the balancing (one transaction). A second publish changes nothing.
#[utoipa::path(post, path = "/api/v1/balance/{month}/publish", params(("month" = String, Path)), responses((status = 200, description = "{written, already_published}"), (status = 409, body = Problem)))]
async fn balance_publish(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(m): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(app::balancing::publish(&s.app, &u, month(&m)?).await?).into_response())
}

/// Retailers with published balanced figures to feed back, with their ticks.
#[utoipa::path(get, path = "/api/v1/feedback/{month}", params(("month" = String, Path)), responses((status = 200, description = "反馈清单")))]
async fn feedback_list(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(m): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(app::balancing::feedback_list(&s.app, &u, month(&m)?).await?).into_response())
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct TickIn {
    #[serde(default)]
    pub note: String,
}

/// The rep ticks a retailer off (fed back, recorded in the 动销台帐).
#[utoipa::path(post, path = "/api/v1/feedback/{month}/{retailer}", request_body = TickIn, params(("month" = String, Path), ("retailer" = String, Path)),
    responses((status = 200, description = "{retailer, ledger_qty, newly_ticked}"), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn feedback_tick(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((m, retailer)): Path<(String, String)>,
    body: Result<Json<TickIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    let b = json_body(body)?;
    Ok(
        Json(app::balancing::tick(&s.app, &u, month(&m)?, &retailer, &b.note).await?)
            .into_response(),
    )
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AccuracyParams {
    /// rep | area | sku | method | retailer | total
    pub by: Option<String>,
}

/// Forecast accuracy (§5.2, definitions in the answer) and order fill of a target month.
#[utoipa::path(get, path = "/api/v1/accuracy/{month}", params(("month" = String, Path), AccuracyParams),
    responses((status = 200, description = "准确率"), (status = 409, body = Problem)))]
async fn accuracy(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(m): Path<String>,
    q: Result<Query<AccuracyParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let by = match query(q)?.by.as_deref().unwrap_or("rep") {
        "rep" => AccuracyBy::Rep,
        "area" => AccuracyBy::Area,
        "sku" => AccuracyBy::Sku,
        "method" => AccuracyBy::Method,
        "retailer" => AccuracyBy::Retailer,
        "total" => AccuracyBy::Total,
        other => {
            return Err(AppError::invalid(
                "by",
                format!("无效的维度 {other}，可选 rep、area、sku、method、retailer、total"),
            )
            .into());
        }
    };
    Ok(Json(app::accuracy::accuracy(&s.app, &u, month(&m)?, by).await?).into_response())
}
