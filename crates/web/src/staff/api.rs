//! People as JSON.
use crate::error::Problem;
use crate::extract::{Api, ApiResult};
use app::staff::StaffView;
use axum::Json;

/// The people the signed-in person may see.
#[utoipa::path(get, path = "/api/v1/staff", responses((status = 200, description = "人员列表"), (status = 401, body = Problem)))]
pub async fn staff(Api(app, u): Api) -> ApiResult<Vec<StaffView>> {
    Ok(Json(app::staff::visible(&app, &u).await?))
}
