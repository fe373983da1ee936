use crate::extract::{CsrfForm, PageCtx, PageResult, Path};
use crate::page::{Chrome, TextForm};
use app::views::forecasts::FeedbackItem;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::CustomerCode;
use domain::Month;
use domain::org::Role;

#[derive(Template, WebTemplate)]
#[template(path = "feedback/page.html")]
struct FeedbackPage {
    chrome: Option<Chrome>,
    csrf: String,
    month: String,
    is_rep: bool,
    items: Vec<FeedbackItem>,
    done: usize,
}

pub async fn page(ctx: PageCtx, Path(target): Path<Month>) -> PageResult {
    let items = app::balancing::feedback_list(&ctx.app, &ctx.user, target).await?;
    Ok(FeedbackPage {
        chrome: ctx.chrome("forecasts"),
        csrf: ctx.csrf.clone(),
        month: target.to_string(),
        is_rep: ctx.user.role == Role::AccountManager,
        done: items.iter().filter(|i| i.ticked_at.is_some()).count(),
        items,
    }
    .into_response())
}

pub async fn tick(
    ctx: PageCtx, Path((target, code)): Path<(Month, CustomerCode)>,
    CsrfForm(f): CsrfForm<TextForm>,
) -> PageResult {
    let res = app::balancing::tick(&ctx.app, &ctx.user, target, &code, &f.text)
        .await
        .map(|o| super::tick_message(&o));
    ctx.redirect(&format!("/feedback/{target}"), res)
}
