//! 预测反馈 (domain.md §7 ⑤): the rep feeds the balanced figures back to each retailer.
mod api;
mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(api::feedback_list, api::feedback_tick),
    components(schemas(api::TickIn))
)]
pub struct FeedbackApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feedback", get(pages::home))
        .route("/feedback/{month}", get(pages::page))
        .route("/feedback/{month}/{retailer}", post(pages::tick))
        .route("/api/v1/feedback/{month}", get(api::feedback_list))
        .route(
            "/api/v1/feedback/{month}/{retailer}",
            post(api::feedback_tick),
        )
}

/// The message of a tick, for the page.
fn tick_message(o: &app::balancing::TickOut) -> String {
    if o.newly_ticked {
        format!("{}：已反馈，动销台帐记 {} 条", o.retailer, o.ledger_qty)
    } else {
        format!("{} 此前已反馈", o.retailer)
    }
}
