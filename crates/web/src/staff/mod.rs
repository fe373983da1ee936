//! People (人员): whom the signed-in person may see, as a page and as JSON.
mod api;
mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(pages::staff))
        .route("/api/v1/staff", get(api::staff))
}

#[derive(OpenApi)]
#[openapi(paths(api::staff))]
pub struct StaffApi;
