//! People as JSON.
use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::ApiUser;
use app::staff::StaffView;
use axum::Json;
use axum::extract::State;

/// The people the signed-in person may see.
#[utoipa::path(get, path = "/api/v1/staff", responses((status = 200, description = "人员列表"), (status = 401, body = Problem)))]
pub(super) async fn staff(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Vec<StaffView>>, ApiError> {
    Ok(Json(app::staff::visible(&s.app, &u).await?))
}
