//! 周报汇总 and 月度总结 (domain.md §8.4): the market manager's roll-up of a week's one-sheets,
//! its Excel workbook and the month close — pages `/rollup…`, API `/api/v1/rollup/{week}`,
//! `/api/v1/month-close/{month}`.
use crate::AppState;
use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

mod api;
mod pages;

#[derive(OpenApi)]
#[openapi(
    paths(api::rollup, api::month_close),
    tags((name = "rollup", description = "周报汇总与月度总结"))
)]
pub struct RollupApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rollup/{week}", get(api::rollup))
        .route("/api/v1/month-close/{month}", get(api::month_close))
        .route("/rollup", get(pages::rollup))
        .route("/rollup/{week}/xlsx", get(pages::xlsx))
        .route("/rollup/month/{month}", get(pages::month))
}
