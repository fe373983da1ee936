//! The home figures as JSON.
use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::ApiUser;
use app::dashboard::Home;
use axum::Json;
use axum::extract::State;

/// The figures of the signed-in person's home page, by role.
#[utoipa::path(get, path = "/api/v1/home", responses((status = 200, description = "首页数据"), (status = 401, body = Problem)))]
pub(super) async fn home(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Home>, ApiError> {
    Ok(Json(app::dashboard::home(&s.app, &u).await?))
}
