use crate::error::shown_in_place;
use crate::error::status_of;
use crate::extract::{CsrfForm, PageCtx, PageResult};
use crate::page::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "account/password.html")]
struct PasswordPage {
    chrome: Option<Chrome>,
    csrf: String,
    /// The password was issued by someone else: say why this page comes first.
    must_change: bool,
    min_chars: usize,
    error: Option<String>,
}

async fn render(ctx: &PageCtx, error: Option<String>) -> PageResult {
    let min_chars = ctx.app.policy().await?.signin.min_password_chars;
    Ok(PasswordPage {
        chrome: ctx.chrome("account"),
        csrf: ctx.csrf.clone(),
        must_change: ctx.user.must_change_password,
        min_chars,
        error,
    }
    .into_response())
}

pub async fn form(ctx: PageCtx) -> PageResult {
    render(&ctx, None).await
}

#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// Change the password from the form: the two new entries must agree; a refusal shows the form
/// again with its reason, success goes home with a message.
pub async fn change(ctx: PageCtx, CsrfForm(f): CsrfForm<PasswordForm>) -> PageResult {
    if f.new_password != f.confirm_password {
        let page = render(&ctx, Some("两次输入的新密码不一致".into())).await?;
        return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
    }
    let outcome =
        app::auth::change_password(&ctx.app, &ctx.user, &f.current_password, &f.new_password).await;
    match outcome {
        Ok(()) => ctx.redirect("/", Ok("密码已修改".into())),
        Err(e) if shown_in_place(&e) => {
            let page = render(&ctx, Some(e.to_string())).await?;
            Ok((status_of(&e).0, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
