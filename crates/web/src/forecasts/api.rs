use crate::error::{ApiError, Problem};
use crate::extract::{Api, ApiResult, Json, Path, Query};
use app::forecasting::TotalsBy;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Username;
use domain::cycle::ForecastMethod;
use domain::{CustomerCode, Month, SkuCode};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, ToSchema)]
pub struct ForecastPut {
    /// 条
    pub quantity: i64,
    /// INTERACTIVE_VISIT (双向互动) or CUSTOMER_SELF_REPORT (审核客户提报)
    #[schema(value_type = String)]
    pub method: ForecastMethod,
}

/// A rep enters or reviews one forecast (target month). Supervisors: 403, traced.
#[utoipa::path(put, path = "/api/v1/forecasts/{month}/{retailer}/{sku}", request_body = ForecastPut,
    params(("month" = String, Path, description = "预测月 YYYY-MM"), ("retailer" = String, Path), ("sku" = String, Path)),
    responses((status = 200, description = "预测记录"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn forecast_put(
    Api(app, u): Api, Path((month, retailer, sku)): Path<(Month, CustomerCode, SkuCode)>,
    Json(b): Json<ForecastPut>,
) -> Result<Response, ApiError> {
    let out = app::forecasting::put(&app, &u, month, &retailer, &sku, b.quantity, b.method).await?;
    Ok(axum::Json(out).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    /// Page number, from 1 (default 1).
    pub page: Option<i64>,
    /// Records per page (1–20000, default 1000).
    pub per_page: Option<i64>,
}

/// The forecast records of a target month in the person's scope, a page at a time (1,000 records
/// unless `per_page` says otherwise); `X-Total-Count` gives the number in all.
#[utoipa::path(get, path = "/api/v1/forecasts/{month}", params(("month" = String, Path), PageParams),
    responses((status = 200, description = "预测记录（X-Total-Count: 总条数）"), (status = 400, body = Problem)))]
pub async fn forecast_list(
    Api(app, u): Api, Path(month): Path<Month>, Query(q): Query<PageParams>,
) -> Result<Response, ApiError> {
    let (page, per_page) = (
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(app::forecasting::DEFAULT_PER_PAGE),
    );
    let (rows, total) = app::forecasting::list_page(&app, &u, month, page, per_page).await?;
    Ok(([("x-total-count", total.to_string())], axum::Json(rows)).into_response())
}

/// The rep submits the target month's forecast (locks it). A second submit changes nothing.
#[utoipa::path(post, path = "/api/v1/forecasts/{month}/submit", params(("month" = String, Path)),
    responses((status = 200, description = "提交结果"), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn forecast_submit(
    Api(app, u): Api, Path(month): Path<Month>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(app::forecasting::submit(&app, &u, month).await?).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TotalsParams {
    /// sku | brand | price_class
    #[param(value_type = Option<String>)]
    pub by: Option<TotalsBy>,
}

/// Territory totals by SKU, brand or price class against last month's and last year's demand.
#[utoipa::path(get, path = "/api/v1/forecasts/{month}/totals", params(("month" = String, Path), TotalsParams), responses((status = 200, description = "汇总")))]
pub async fn forecast_totals(
    Api(app, u): Api, Path(month): Path<Month>, Query(q): Query<TotalsParams>,
) -> Result<Response, ApiError> {
    let by = q.by.unwrap_or(TotalsBy::Sku);
    Ok(axum::Json(app::forecasting::totals(&app, &u, month, by).await?).into_response())
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
pub async fn forecast_model(
    Api(app, u): Api, Path(target): Path<Month>, Query(q): Query<ModelParams>,
) -> Result<Response, ApiError> {
    if q.wait == Some(true) {
        return Ok(
            axum::Json(app::forecasting::run_model_as(&app, &u, target).await?).into_response(),
        );
    }
    let (job, _) = app::forecasting::start_model_job(&app, &u, target).await?;
    Ok((
        StatusCode::ACCEPTED,
        [(
            axum::http::header::LOCATION,
            format!("/api/v1/jobs/{}", job.id),
        )],
        axum::Json(job),
    )
        .into_response())
}

/// A background job: state (RUNNING, DONE, FAILED), phase, progress and result.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", params(("id" = u64, Path)), responses((status = 200, description = "任务状态"), (status = 404, body = Problem)))]
pub async fn job_status(Api(app, u): Api, Path(id): Path<u64>) -> Result<Response, ApiError> {
    Ok(axum::Json(app::forecasting::model_job(&app, &u, id)?).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CommentIn {
    pub comment: String,
}

/// A supervisor comments on a rep's forecast.
#[utoipa::path(post, path = "/api/v1/forecasts/{month}/reps/{rep}/comments", request_body = CommentIn,
    params(("month" = String, Path), ("rep" = String, Path, description = "客户经理用户名")), responses((status = 200), (status = 403, body = Problem)))]
pub async fn forecast_comment(
    Api(app, u): Api, Path((month, rep)): Path<(Month, Username)>, Json(b): Json<CommentIn>,
) -> ApiResult<Value> {
    let id = app::forecasting::comment(&app, &u, month, &rep, &b.comment).await?;
    Ok(axum::Json(json!({"id": id})))
}

/// A supervisor returns a rep's submission with a reason (numbers stay the rep's).
#[utoipa::path(post, path = "/api/v1/forecasts/{month}/reps/{rep}/return", request_body = CommentIn,
    params(("month" = String, Path), ("rep" = String, Path)), responses((status = 200), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn forecast_return(
    Api(app, u): Api, Path((month, rep)): Path<(Month, Username)>, Json(b): Json<CommentIn>,
) -> ApiResult<Value> {
    app::forecasting::return_submission(&app, &u, month, &rep, &b.comment).await?;
    Ok(axum::Json(json!({"returned": true})))
}
