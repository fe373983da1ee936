//! 客户提报 (domain.md §5.1): the retailer's own forecast. The rep (or the marketing center)
//! issues a POS credential with `POST /api/v1/retailers/{code}/pos-token` (the token is shown
//! once; only its argon2 hash is kept). The POS calls `POST /api/v1/pos/forecasts/{YYYY-MM}` with
//! headers `X-Retailer: <customer code>` and `Authorization: Bearer <token>`; a retailer without
//! a POS uses the page `/pos/{YYYY-MM}`.
mod api;
mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(api::pos_token, api::pos_forecast),
    components(schemas(api::SelfReport, api::PosLine))
)]
pub struct PosApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pos", get(pages::home))
        .route("/pos/{month}", get(pages::page).post(pages::post))
        .route("/api/v1/retailers/{code}/pos-token", post(api::pos_token))
        .route("/api/v1/pos/forecasts/{month}", post(api::pos_forecast))
}
