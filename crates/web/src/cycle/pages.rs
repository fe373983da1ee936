use crate::extract::{PageCtx, PageResult, Path};
use crate::page::{Chrome, see_other};
use app::views::cycle::CycleView;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::Month;

#[derive(Template, WebTemplate)]
#[template(path = "cycle/page.html")]
struct CyclePage {
    chrome: Option<Chrome>,
    c: app::cycle::CycleOut,
    counties: Vec<(String, String)>,
    can_pick: bool,
    role_code: &'static str,
    prev: String,
    next: String,
}

/// The person's county, this month.
pub async fn home(ctx: PageCtx) -> PageResult {
    let county = app::cycle::home_county(&ctx.app, &ctx.user).await?;
    let m = Month::of(ctx.app.clock.today());
    Ok(see_other(&format!("/cycle/{county}/{m}")))
}

pub async fn page(ctx: PageCtx, Path((county, month)): Path<(String, Month)>) -> PageResult {
    let CycleView {
        c,
        counties,
        can_pick,
    } = app::views::cycle::page(&ctx.app, &ctx.user, &county, month).await?;
    Ok(CyclePage {
        chrome: ctx.chrome("cycle"),
        c,
        counties,
        can_pick,
        role_code: ctx.user.role.code(),
        prev: month.prev().to_string(),
        next: month.next().to_string(),
    }
    .into_response())
}
