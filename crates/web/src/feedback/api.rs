use crate::error::Problem;
use crate::extract::{Api, ApiResult, Json, Path};
use domain::CustomerCode;
use domain::Month;
use serde::Deserialize;
use utoipa::ToSchema;

/// Retailers with published balanced figures to feed back, with their ticks.
#[utoipa::path(get, path = "/api/v1/feedback/{month}", params(("month" = String, Path)), responses((status = 200, description = "反馈清单")))]
pub async fn feedback_list(
    Api(app, u): Api, Path(month): Path<Month>,
) -> ApiResult<Vec<app::views::forecasts::FeedbackItem>> {
    Ok(axum::Json(
        app::balancing::feedback_list(&app, &u, month).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct TickIn {
    #[serde(default)]
    pub note: String,
}

/// The rep ticks a retailer off (fed back, recorded in the 动销台帐).
#[utoipa::path(post, path = "/api/v1/feedback/{month}/{retailer}", request_body = TickIn, params(("month" = String, Path), ("retailer" = String, Path)),
    responses((status = 200, description = "{retailer, ledger_qty, newly_ticked}"), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn feedback_tick(
    Api(app, u): Api, Path((month, retailer)): Path<(Month, CustomerCode)>, Json(b): Json<TickIn>,
) -> ApiResult<app::balancing::TickOut> {
    Ok(axum::Json(
        app::balancing::tick(&app, &u, month, &retailer, &b.note).await?,
    ))
}
