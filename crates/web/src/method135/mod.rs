//! 135工作法 (domain.md §9): the five steps per role for one working month.
mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/method135", get(pages::home))
        .route("/method135/{month}", get(pages::page).post(pages::save))
}
