use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiUser, Path};
use app::balancing::{PublishOut, Review};
use axum::Json;
use axum::extract::State;
use domain::Month;

/// Run the balancing over the submitted forecasts (draft for review).
#[utoipa::path(post, path = "/api/v1/balance/{month}/run", params(("month" = String, Path)), responses((status = 200, description = "审核视图"), (status = 409, body = Problem)))]
pub(super) async fn balance_run(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(month): Path<Month>,
) -> Result<Json<Review>, ApiError> {
    Ok(Json(app::balancing::run(&s.app, &u, month).await?))
}

/// Review the latest balancing run: cut per SKU and tier, flagged retailers.
#[utoipa::path(get, path = "/api/v1/balance/{month}", params(("month" = String, Path)), responses((status = 200, description = "审核视图"), (status = 404, body = Problem)))]
pub(super) async fn balance_review(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(month): Path<Month>,
) -> Result<Json<Review>, ApiError> {
    Ok(Json(app::balancing::review(&s.app, &u, month).await?))
}

/// Publish the balancing (one transaction). A second publish changes nothing.
#[utoipa::path(post, path = "/api/v1/balance/{month}/publish", params(("month" = String, Path)), responses((status = 200, description = "{written, already_published}"), (status = 409, body = Problem)))]
pub(super) async fn balance_publish(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(month): Path<Month>,
) -> Result<Json<PublishOut>, ApiError> {
    Ok(Json(app::balancing::publish(&s.app, &u, month).await?))
}
