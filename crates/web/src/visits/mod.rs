//! 今日拜访 (domain.md §2.3, §8.2): visits with their traces — the phone page `/today` with
//! one-tap check-in and check-out, and the API `/api/v1/visits…`, `/api/v1/today`.
use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;

mod api;
mod pages;

#[derive(OpenApi)]
#[openapi(
    paths(api::create, api::checkout, api::list, api::stats, api::today),
    tags((name = "visits", description = "客户拜访与拜访痕迹"))
)]
pub struct VisitsApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/visits", get(api::list).post(api::create))
        .route("/api/v1/visits/stats", get(api::stats))
        .route("/api/v1/visits/{id}/checkout", post(api::checkout))
        .route("/api/v1/today", get(api::today))
        .route("/today", get(pages::today))
        .route("/today/checkin", post(pages::checkin))
        .route("/today/checkout", post(pages::checkout))
}
