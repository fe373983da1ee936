//! The people page.
use crate::error::PageError;
use crate::extract::PageCtx;
use crate::page::Chrome;
use app::staff::StaffView;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};

#[derive(Template, WebTemplate)]
#[template(path = "staff/list.html")]
struct StaffPage {
    chrome: Option<Chrome>,
    people: Vec<StaffView>,
}

pub(crate) async fn staff(ctx: PageCtx) -> Result<Response, PageError> {
    let people = app::staff::visible(&ctx.app, &ctx.user).await?;
    Ok(StaffPage {
        chrome: ctx.chrome("staff"),
        people,
    }
    .into_response())
}
