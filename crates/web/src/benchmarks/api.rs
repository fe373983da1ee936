//! The benchmark terminals' JSON API.
use crate::error::Problem;
use crate::extract::{Api, ApiResult, Json, Path};
use app::benchmark::{BenchPage, BenchView, DesignateInput, InStoreInput, ScoreInput};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The person's benchmark terminals: a rep their own with candidates, others their scope's,
/// with each rep's count against the target.
#[utoipa::path(get, path = "/api/v1/benchmarks",
    responses((status = 200, description = "标杆终端"), (status = 401, body = Problem)))]
pub async fn list(Api(app, u): Api) -> ApiResult<BenchPage> {
    Ok(axum::Json(app::benchmark::page(&app, &u).await?))
}

/// One terminal with its score sheets, in-store days and its month against its cluster.
#[utoipa::path(get, path = "/api/v1/benchmarks/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "标杆终端"), (status = 404, body = Problem)))]
pub async fn detail(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<BenchView> {
    Ok(axum::Json(app::benchmark::detail(&app, &u, id).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DesignateIn {
    /// 客户编码 of one of the rep's modern terminals.
    customer_code: String,
    /// 设立理由.
    reason: String,
}

/// Designate a benchmark terminal (the rep, among their modern terminals, up to the policy's
/// most).
#[utoipa::path(post, path = "/api/v1/benchmarks", request_body = DesignateIn,
    responses((status = 201, description = "已设立"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn designate(
    Api(app, u): Api, Json(b): Json<DesignateIn>,
) -> Result<Response, crate::error::ApiError> {
    let input = DesignateInput {
        customer_code: b.customer_code,
        reason: b.reason,
    };
    let v = app::benchmark::designate(&app, &u, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(v)).into_response())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RemoveIn {
    /// 撤销理由.
    reason: String,
}

/// Remove a benchmark terminal (its rep or the area's market manager).
#[utoipa::path(post, path = "/api/v1/benchmarks/{id}/remove", request_body = RemoveIn, params(("id" = i64, Path)),
    responses((status = 204, description = "已撤销"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<RemoveIn>,
) -> Result<Response, crate::error::ApiError> {
    app::benchmark::remove(&app, &u, id, &b.reason).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ScoreIn {
    /// Every rubric item's points (policy `benchmark.rubric`: code → 0..=max).
    items: BTreeMap<String, i64>,
    note: String,
    /// The visit it was scored at.
    visit_id: Option<i64>,
}

/// Score a terminal on the rubric (its rep).
#[utoipa::path(post, path = "/api/v1/benchmarks/{id}/scores", request_body = ScoreIn, params(("id" = i64, Path)),
    responses((status = 200, description = "评分后的标杆终端"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn score(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<ScoreIn>,
) -> ApiResult<BenchView> {
    let input = ScoreInput {
        items: b.items,
        note: b.note,
        visit_id: b.visit_id,
    };
    Ok(axum::Json(
        app::benchmark::score(&app, &u, id, &input).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InStoreIn {
    /// YYYY-MM-DD (default today).
    date: Option<String>,
    /// Hours in the shop, 1–12 (default 8).
    hours: Option<i64>,
    /// 服务内容与发现.
    findings: String,
}

/// Record the month's in-store service day (驻店式服务) at a terminal (its rep).
#[utoipa::path(post, path = "/api/v1/benchmarks/{id}/in-store-days", request_body = InStoreIn, params(("id" = i64, Path)),
    responses((status = 200, description = "记录后的标杆终端"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn in_store_day(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<InStoreIn>,
) -> ApiResult<BenchView> {
    let input = InStoreInput {
        date: b.date,
        hours: b.hours,
        findings: b.findings,
    };
    Ok(axum::Json(
        app::benchmark::in_store_day(&app, &u, id, &input).await?,
    ))
}
