//! The market analysis reports' JSON API.
use crate::error::{ApiError, Problem};
use crate::extract::{Api, ApiResult, Json, Path};
use app::report::{ReportList, ReportView, SectionText};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The reports of the person's part, newest month first.
#[utoipa::path(get, path = "/api/v1/market-reports",
    responses((status = 200, description = "市场分析报告"), (status = 403, body = Problem)))]
pub async fn list(Api(app, u): Api) -> ApiResult<ReportList> {
    Ok(axum::Json(app::report::list(&app, &u).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CreateIn {
    /// 月份 YYYY-MM.
    month: String,
}

/// Draft the report of the person's scope (market manager: area, director: county, centre:
/// company) from the month's data; one per scope and month (409).
#[utoipa::path(post, path = "/api/v1/market-reports", request_body = CreateIn,
    responses((status = 201, description = "已生成草稿"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn create(Api(app, u): Api, Json(b): Json<CreateIn>) -> Result<Response, ApiError> {
    let v = app::report::create(&app, &u, &b.month).await?;
    Ok((StatusCode::CREATED, axum::Json(v)).into_response())
}

/// One report with its sections, trail and what the person may do.
#[utoipa::path(get, path = "/api/v1/market-reports/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "市场分析报告"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn view(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<ReportView> {
    Ok(axum::Json(app::report::view(&app, &u, id).await?))
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct SectionIn {
    /// MARKET | BRAND | CUSTOMER | SERVICE | INVENTORY | PROFIT.
    kind: String,
    /// 分析（the author's text）.
    narrative: String,
    /// 改进措施.
    measures: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EditIn {
    sections: Vec<SectionIn>,
    /// The report's version as read.
    version: i64,
}

/// The author edits the sections' narrative and measures (draft or returned; 409 otherwise).
#[utoipa::path(put, path = "/api/v1/market-reports/{id}", request_body = EditIn, params(("id" = i64, Path)),
    responses((status = 200, description = "已保存"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn edit(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<EditIn>,
) -> ApiResult<ReportView> {
    let texts: Vec<SectionText> = b
        .sections
        .into_iter()
        .map(|s| SectionText {
            kind: s.kind,
            narrative: s.narrative,
            measures: s.measures,
        })
        .collect();
    Ok(axum::Json(
        app::report::edit(&app, &u, id, &texts, b.version).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StepIn {
    /// SUBMIT (the author) | RETURN | ACCEPT (the level above).
    action: String,
    /// 审核意见 (required to return).
    comment: String,
    version: i64,
}

/// Submit, return or accept a report (a stale version or a wrong state → 409).
#[utoipa::path(post, path = "/api/v1/market-reports/{id}/steps", request_body = StepIn, params(("id" = i64, Path)),
    responses((status = 200, description = "已处理"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn step(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<StepIn>,
) -> ApiResult<ReportView> {
    Ok(axum::Json(
        app::report::act(&app, &u, id, &b.action, &b.comment, b.version).await?,
    ))
}
