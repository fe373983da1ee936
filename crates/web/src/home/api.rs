//! The home figures as JSON.
use crate::error::Problem;
use crate::extract::{Api, ApiResult};
use app::dashboard::Home;
use axum::Json;

/// The figures of the signed-in person's home page, by role.
#[utoipa::path(get, path = "/api/v1/home", responses((status = 200, description = "首页数据"), (status = 401, body = Problem)))]
pub async fn home(Api(app, u): Api) -> ApiResult<Home> {
    Ok(Json(app::dashboard::home(&app, &u).await?))
}
