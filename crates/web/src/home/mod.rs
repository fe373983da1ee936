//! The home page of each role and its API twin: both show `app::dashboard::home`.
mod api;
mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/api/v1/home", get(api::home))
}

#[derive(OpenApi)]
#[openapi(paths(api::home))]
pub struct HomeApi;
