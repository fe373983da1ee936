use crate::error::{ApiError, Problem};
use crate::extract::{Api, Json};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    /// At least the policy's length (10 by default), not the user name.
    pub new_password: String,
}

/// Change one's own password (the current one first). After an issued password this is the one
/// call besides `GET /api/v1/me` that answers; the others answer 403 until it is done.
#[utoipa::path(put, path = "/api/v1/me/password", request_body = PasswordChange,
    responses((status = 204, description = "已修改"), (status = 400, body = Problem), (status = 429, body = Problem)))]
pub async fn change_password(
    Api(app, u): Api, Json(b): Json<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    app::auth::change_password(&app, &u, &b.current_password, &b.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
