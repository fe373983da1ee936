//! 品牌培育 (domain.md §9.2): the brand manager's cultivation tasks — the page `/cultivation` and
//! the API `/api/v1/cultivation-tasks…`. The tasks land on the reps' one-sheet drafts as proposed
//! priorities (see `app::cultivation`).
use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;

mod api;
mod pages;

#[derive(OpenApi)]
#[openapi(
    paths(api::create, api::list, api::close),
    tags((name = "cultivation", description = "品牌培育任务（落到客户经理一张纸）"))
)]
pub struct CultivationApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/cultivation-tasks",
            get(api::list).post(api::create),
        )
        .route("/api/v1/cultivation-tasks/{id}/close", post(api::close))
        .route("/cultivation", get(pages::page).post(pages::create))
        .route("/cultivation/{id}/close", post(pages::close))
}
