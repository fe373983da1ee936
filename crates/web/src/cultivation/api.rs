//! The cultivation tasks' JSON API.
use crate::error::{ApiError, Problem};
use crate::extract::{Api, ApiResult, Json, Path};
use app::cultivation::{TaskInput, TaskView};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Create a cultivation task (brand manager for an assigned brand; marketing centre and admin for
/// any brand). It lands on the drafts of the reps in its scope for its weeks.
#[utoipa::path(post, path = "/api/v1/cultivation-tasks",
    request_body(description = "{brand, sku_code?, title, method (具体做法), category? (§8.3 code, default INDUSTRY_COLLAB_INFO), scope?: COMPANY|COUNTY|AREA, org_unit_code?, min_tier? (1–30), business_format?, from_week (YYYY-Www), to_week?}", content_type = "application/json"),
    responses((status = 201, description = "已创建的培育任务"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn create(Api(app, u): Api, Json(input): Json<TaskInput>) -> Result<Response, ApiError> {
    let v = app::cultivation::create(&app, &u, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(v)).into_response())
}

/// Cultivation tasks: a brand manager's own, all of them for everyone else.
#[utoipa::path(get, path = "/api/v1/cultivation-tasks",
    responses((status = 200, description = "培育任务列表"), (status = 401, body = Problem)))]
pub async fn list(Api(app, u): Api) -> ApiResult<Vec<TaskView>> {
    Ok(axum::Json(app::cultivation::list(&app, &u).await?))
}

/// Close a task (its author, the marketing centre or admin): it no longer lands on drafts.
#[utoipa::path(post, path = "/api/v1/cultivation-tasks/{id}/close",
    params(("id" = i64, Path, description = "任务编号")),
    responses((status = 200, description = "已关闭"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn close(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<TaskView> {
    Ok(axum::Json(app::cultivation::close(&app, &u, id).await?))
}
