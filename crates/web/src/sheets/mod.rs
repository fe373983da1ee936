//! 一张纸 (domain.md §8): the rep's one-sheet of a week from draft to print and Excel — the
//! pages `/sheets…` and the API `/api/v1/sheets…`.
use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;

mod api;
mod pages;

#[derive(OpenApi)]
#[openapi(
    paths(
        api::get_sheet,
        api::put_sheet,
        api::submit,
        api::review,
        api::green,
        api::list
    ),
    tags((name = "sheets", description = "客户经理一张纸"))
)]
pub struct SheetsApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/sheets/{username}/{week}",
            get(api::get_sheet).put(api::put_sheet),
        )
        .route("/api/v1/sheets/{username}/{week}/submit", post(api::submit))
        .route("/api/v1/sheets/{username}/{week}/review", post(api::review))
        .route("/api/v1/sheets/{username}/{week}/green", post(api::green))
        .route("/api/v1/sheets", get(api::list))
        .route("/sheets", get(pages::home))
        .route(
            "/sheets/{username}/{week}",
            get(pages::sheet).post(pages::save),
        )
        .route("/sheets/{username}/{week}/submit", post(pages::submit))
        .route("/sheets/{username}/{week}/review", post(pages::review))
        .route("/sheets/{username}/{week}/green", post(pages::green))
        .route("/sheets/{username}/{week}/print", get(pages::print))
        .route("/sheets/{username}/{week}/xlsx", get(pages::xlsx))
}
