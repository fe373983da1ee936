use crate::extract::{PageCtx, PageResult, Path};
use crate::page::Chrome;
use app::accuracy::AccuracyOut;
use app::views::supply::SupplyRow;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::Month;

#[derive(Template, WebTemplate)]
#[template(path = "meeting/page.html")]
struct MeetingPage {
    chrome: Option<Chrome>,
    /// The month forecast at this meeting.
    month: String,
    /// The month whose accuracy is reported (the last complete month).
    last: String,
    by_area: Option<AccuracyOut>,
    by_rep: Option<AccuracyOut>,
    by_method: Option<AccuracyOut>,
    not_ready: Option<String>,
    definitions: Vec<&'static str>,
    supply: Vec<SupplyRow>,
    tight: Vec<SupplyRow>,
    brand_plan: Vec<app::cultivation::TaskView>,
}

pub async fn page(ctx: PageCtx, Path(target): Path<Month>) -> PageResult {
    let v = app::views::meeting::page(&ctx.app, &ctx.user, target).await?;
    Ok(MeetingPage {
        chrome: ctx.chrome("forecasts"),
        month: target.to_string(),
        last: v.last.to_string(),
        by_area: v.by_area,
        by_rep: v.by_rep,
        by_method: v.by_method,
        not_ready: v.not_ready,
        definitions: app::accuracy::DEFINITIONS.to_vec(),
        supply: v.supply,
        tight: v.tight,
        brand_plan: v.brand_plan,
    }
    .into_response())
}
