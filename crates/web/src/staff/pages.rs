//! The people page.
use crate::extract::{PageCtx, PageResult};
use crate::page::Chrome;
use app::staff::StaffView;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;

#[derive(Template, WebTemplate)]
#[template(path = "staff/list.html")]
struct StaffPage {
    chrome: Option<Chrome>,
    people: Vec<StaffView>,
}

pub async fn staff(ctx: PageCtx) -> PageResult {
    let people = app::staff::visible(&ctx.app, &ctx.user).await?;
    Ok(StaffPage {
        chrome: ctx.chrome("staff"),
        people,
    }
    .into_response())
}
