//! The inbox page: items to receive, answer and close (also posted from the rep's sheet for
//! items to retailers, who have no account).
use crate::AppState;
use crate::error::{PageError, shown_in_place, status_of};
use crate::extract::{CsrfForm, PageCtx, Path};
use crate::page::{Chrome, see_other};
use app::AppError;
use app::sheets::GreenView;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
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

async fn render_inbox(
    s: &AppState,
    ctx: &PageCtx,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let items = app::sheets::inbox(&s.app, &ctx.user).await?;
    let page = InboxPage {
        chrome: ctx.chrome("inbox"),
        csrf: ctx.csrf.clone(),
        items,
        message,
    };
    Ok((status, page).into_response())
}

pub(super) async fn inbox(State(s): State<AppState>, ctx: PageCtx) -> Result<Response, PageError> {
    render_inbox(&s, &ctx, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub(super) struct HandleForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    answer: Option<String>,
    /// The sheet the form was posted from (only a `/sheets/…` path is followed).
    #[serde(default)]
    back: Option<String>,
}

pub(super) async fn handle(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<HandleForm>,
) -> Result<Response, PageError> {
    let to = GreenStatus::parse(&f.status).map_err(|e| AppError::invalid("status", e.message))?;
    let back = f.back.filter(|b| b.starts_with("/sheets/"));
    match app::sheets::handle_green(&s.app, &ctx.user, id, to, f.answer.as_deref()).await {
        Ok(_) => Ok(see_other(back.as_deref().unwrap_or("/inbox"))),
        Err(e) if shown_in_place(&e) => {
            render_inbox(&s, &ctx, Some(e.to_string()), status_of(&e).0).await
        }
        Err(e) => Err(PageError(e)),
    }
}
