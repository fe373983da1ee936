use crate::error::Problem;
use crate::extract::{Api, ApiResult, Path};
use app::balancing::{PublishOut, Review};
use axum::Json;
use domain::Month;

/// Run the balancing over the submitted forecasts (draft for review).
#[utoipa::path(post, path = "/api/v1/balance/{month}/run", params(("month" = String, Path)), responses((status = 200, description = "审核视图"), (status = 409, body = Problem)))]
pub async fn balance_run(Api(app, u): Api, Path(month): Path<Month>) -> ApiResult<Review> {
    Ok(Json(app::balancing::run(&app, &u, month).await?))
}

/// Review the latest balancing run: cut per SKU and tier, flagged retailers.
#[utoipa::path(get, path = "/api/v1/balance/{month}", params(("month" = String, Path)), responses((status = 200, description = "审核视图"), (status = 404, body = Problem)))]
pub async fn balance_review(Api(app, u): Api, Path(month): Path<Month>) -> ApiResult<Review> {
    Ok(Json(app::balancing::review(&app, &u, month).await?))
}

/// Publish the balancing (one transaction). A second publish changes nothing.
#[utoipa::path(post, path = "/api/v1/balance/{month}/publish", params(("month" = String, Path)), responses((status = 200, description = "{written, already_published}"), (status = 409, body = Problem)))]
pub async fn balance_publish(Api(app, u): Api, Path(month): Path<Month>) -> ApiResult<PublishOut> {
    Ok(Json(app::balancing::publish(&app, &u, month).await?))
}
