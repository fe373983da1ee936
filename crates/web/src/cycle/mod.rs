//! 月度日历 (domain.md §7): the month of a county department, page and API.
//! `/cycle/{county}/{YYYY-MM}` takes the *working* month.
mod api;
mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::get;

#[derive(utoipa::OpenApi)]
#[openapi(paths(api::cycle))]
pub struct CycleApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cycle", get(pages::home))
        .route("/cycle/{county}/{month}", get(pages::page))
        .route("/api/v1/cycle/{county}/{month}", get(api::cycle))
}
