//! 修正平衡 (domain.md §4.5, §7 ④): run the balancing of forecasts against supply, review, publish.
mod api;
mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

#[derive(utoipa::OpenApi)]
#[openapi(paths(api::balance_run, api::balance_review, api::balance_publish))]
pub struct BalanceApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/balance/{month}", get(pages::page))
        .route("/balance/{month}/run", post(pages::run))
        .route("/balance/{month}/publish", post(pages::publish))
        .route("/api/v1/balance/{month}", get(api::balance_review))
        .route("/api/v1/balance/{month}/run", post(api::balance_run))
        .route(
            "/api/v1/balance/{month}/publish",
            post(api::balance_publish),
        )
}
