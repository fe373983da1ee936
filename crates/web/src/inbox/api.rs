//! The inbox's JSON API.
use crate::error::Problem;
use crate::extract::{Api, ApiResult, Json, Path};
use app::AppError;
use app::sheets::GreenView;
use domain::one_sheet::GreenStatus;
use serde::Deserialize;

/// The signed-in person's inbox of green-channel items.
#[utoipa::path(get, path = "/api/v1/inbox",
    responses((status = 200, description = "待办沟通事项"), (status = 401, body = Problem)))]
pub async fn inbox(Api(app, u): Api) -> ApiResult<Vec<GreenView>> {
    Ok(axum::Json(app::sheets::inbox(&app, &u).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct HandleRequest {
    /// RECEIVED, ANSWERED or CLOSED.
    pub status: String,
    /// The answer (required for ANSWERED).
    #[serde(default)]
    pub answer: Option<String>,
}

/// Handle a green-channel item: received, answered (with the answer), closed.
#[utoipa::path(post, path = "/api/v1/green/{id}", params(("id" = i64, Path)), request_body = HandleRequest,
    responses((status = 200, description = "处理后的事项"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn handle(
    Api(app, u): Api, Path(id): Path<i64>, Json(r): Json<HandleRequest>,
) -> ApiResult<GreenView> {
    let to = GreenStatus::parse(&r.status).map_err(|e| AppError::invalid("status", e.message))?;
    Ok(axum::Json(
        app::sheets::handle_green(&app, &u, id, to, r.answer.as_deref()).await?,
    ))
}
