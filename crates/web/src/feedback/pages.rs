use crate::error::PageError;
use crate::extract::{CsrfForm, Flash, PageCtx, Path};
use crate::page::{Chrome, TextForm, see_other, target_month};
use app::views::forecasts::FeedbackItem;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
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

pub(crate) async fn home(ctx: PageCtx) -> Response {
    see_other(&format!("/feedback/{}", target_month(&ctx.app)))
}

pub(crate) async fn page(ctx: PageCtx, Path(target): Path<Month>) -> Result<Response, PageError> {
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

pub(crate) async fn tick(
    ctx: PageCtx,
    flash: Flash,
    Path((target, code)): Path<(Month, CustomerCode)>,
    CsrfForm(f): CsrfForm<TextForm>,
) -> Result<Response, PageError> {
    let res = app::balancing::tick(&ctx.app, &ctx.user, target, &code, &f.text)
        .await
        .map(|o| super::tick_message(&o));
    flash.redirect(&format!("/feedback/{target}"), res)
}
