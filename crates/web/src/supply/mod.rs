//! 货源录入 (domain.md §7 ④): the marketing center enters next month's supply per SKU, on the page
//! or from Excel; the API the same.
mod api;
mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post, put};

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(api::supply_put, api::supply_upload, api::supply_list),
    components(schemas(api::SupplyPut, api::SupplyLineIn))
)]
pub struct SupplyApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/supply", get(pages::home))
        .route("/supply/{month}", get(pages::page).post(pages::save))
        .route("/supply/{month}/upload", post(pages::upload))
        .route(
            "/api/v1/supply/{month}",
            put(api::supply_put).get(api::supply_list),
        )
        .route("/api/v1/supply/{month}/upload", post(api::supply_upload))
}
