//! 预测会 (domain.md §5.2, §7 ④): the forecast meeting page, and accuracy in the API.
mod api;
mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::get;

#[derive(utoipa::OpenApi)]
#[openapi(paths(api::accuracy))]
pub struct MeetingApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meeting", get(pages::home))
        .route("/meeting/{month}", get(pages::page))
        .route("/api/v1/accuracy/{month}", get(api::accuracy))
}
