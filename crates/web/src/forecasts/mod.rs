//! 需求预测 (domain.md §5.1, §7 ①–②): the three methods per retailer × SKU, submission by the
//! 8th, supervisors' comments and returns, and the center's MODEL forecast as a background job.
//! Paths take the *target* month (the month forecast: working month + 1).
mod api;
mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post, put};

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        api::forecast_put,
        api::forecast_list,
        api::forecast_submit,
        api::forecast_totals,
        api::forecast_model,
        api::job_status,
        api::forecast_comment,
        api::forecast_return
    ),
    components(schemas(api::ForecastPut, api::CommentIn))
)]
pub struct ForecastsApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forecasts", get(pages::home))
        .route("/forecasts/{month}", get(pages::list))
        .route("/forecasts/{month}/submit", post(pages::submit))
        .route("/forecasts/{month}/model", post(pages::model))
        .route("/jobs/{id}", get(pages::job))
        .route(
            "/forecasts/{month}/reps/{rep}/comment",
            post(pages::comment),
        )
        .route(
            "/forecasts/{month}/reps/{rep}/return",
            post(pages::return_to_rep),
        )
        .route(
            "/forecasts/{month}/{retailer}",
            get(pages::retailer).post(pages::retailer_save),
        )
        .route("/forecasts/{month}/{retailer}/accept", post(pages::accept))
        .route("/api/v1/forecasts/{month}", get(api::forecast_list))
        .route(
            "/api/v1/forecasts/{month}/submit",
            post(api::forecast_submit),
        )
        .route(
            "/api/v1/forecasts/{month}/totals",
            get(api::forecast_totals),
        )
        .route("/api/v1/forecasts/{month}/model", post(api::forecast_model))
        .route("/api/v1/jobs/{id}", get(api::job_status))
        .route(
            "/api/v1/forecasts/{month}/reps/{rep}/comments",
            post(api::forecast_comment),
        )
        .route(
            "/api/v1/forecasts/{month}/reps/{rep}/return",
            post(api::forecast_return),
        )
        .route(
            "/api/v1/forecasts/{month}/{retailer}/{sku}",
            put(api::forecast_put),
        )
}
