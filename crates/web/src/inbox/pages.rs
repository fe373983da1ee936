//! The inbox page: items to receive, answer and close (also posted from the rep's sheet for
//! items to retailers, who have no account).
use crate::extract::{CsrfForm, PageCtx, PageResult, Path};
use crate::page::{Chrome, done_or_shown};
use app::AppError;
use app::sheets::GreenView;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::one_sheet::GreenStatus;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "inbox/inbox.html")]
struct InboxPage {
    chrome: Option<Chrome>,
    csrf: String,
    items: Vec<GreenView>,
    message: Option<String>,
}

async fn render_inbox(ctx: &PageCtx, message: Option<String>) -> PageResult {
    let items = app::sheets::inbox(&ctx.app, &ctx.user).await?;
    let page = InboxPage {
        chrome: ctx.chrome("inbox"),
        csrf: ctx.csrf.clone(),
        items,
        message,
    };
    Ok(page.into_response())
}

pub async fn inbox(ctx: PageCtx) -> PageResult {
    render_inbox(&ctx, None).await
}

#[derive(Deserialize)]
pub(crate) struct HandleForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    answer: Option<String>,
    /// The sheet the form was posted from (only a `/sheets/…` path is followed).
    #[serde(default)]
    back: Option<String>,
}

pub async fn handle(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<HandleForm>,
) -> PageResult {
    let status =
        GreenStatus::parse(&f.status).map_err(|e| AppError::invalid("status", e.message))?;
    let back = f.back.filter(|b| b.starts_with("/sheets/"));
    let outcome =
        app::sheets::handle_green(&ctx.app, &ctx.user, id, status, f.answer.as_deref()).await;
    let to = back.as_deref().unwrap_or("/inbox");
    done_or_shown(outcome, to, |m| render_inbox(&ctx, Some(m))).await
}
