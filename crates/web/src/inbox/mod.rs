//! 待办 (domain.md §8.2 B5 沟通绿色通道): the green-channel items a person received — the page
//! `/inbox` and the API `/api/v1/inbox`, `/api/v1/green/{id}`.
use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;

mod api;
mod pages;

#[derive(OpenApi)]
#[openapi(
    paths(api::inbox, api::handle),
    tags((name = "inbox", description = "沟通绿色通道待办"))
)]
pub struct InboxApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/inbox", get(api::inbox))
        .route("/api/v1/green/{id}", post(api::handle))
        .route("/inbox", get(pages::inbox))
        .route("/inbox/{id}", post(pages::handle))
}
