//! The login page and the logout button.
use crate::AppState;
use crate::error::PageError;
use crate::extract::{CheckedForm, ClientAddr, CsrfForm, NoFields, Query, csrf_token};
use crate::page::Chrome;
use app::AppError;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
pub(crate) struct LoginPage {
    chrome: Option<Chrome>,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

/// Only local paths are followed after login: one leading `/`, then no `/` or `\` next to it
/// and no whitespace or control character anywhere (browsers drop TAB and newlines from a
/// `Location`, so `/<TAB>/evil.example` would become `//evil.example`, another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n[1..].starts_with(['/', '\\'])
                && !n
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace() || c == '\\') =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

pub async fn login_form(session: Session, Query(q): Query<NextQuery>) -> LoginPage {
    LoginPage {
        chrome: None,
        csrf: csrf_token(&session).await,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    }
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// Sign in from the form; a wrong password or a stale page shows the form again (401).
pub async fn login(
    State(s): State<AppState>,
    ClientAddr(client): ClientAddr,
    session: Session,
    form: CheckedForm<LoginForm>,
) -> Response {
    let f = form.form;
    let next = safe_next(f.next.as_deref());
    let mut status = StatusCode::UNAUTHORIZED;
    let error = if !form.csrf_ok {
        "页面已过期，请重新登录".to_string()
    } else {
        match app::auth::login(&s.app, &f.username, &f.password, client).await {
            Ok(user) => {
                return match super::start_session(&session, &user).await {
                    Ok(()) => Redirect::to(&next).into_response(),
                    Err(e) => PageError(e).into_response(),
                };
            }
            Err(AppError::Unauthorized) => "用户名或密码错误".to_string(),
            Err(AppError::TooManyRequests(message)) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                message
            }
            Err(AppError::Invalid { message, .. }) => message,
            Err(e) => return PageError(e).into_response(),
        }
    };
    let page = LoginPage {
        chrome: None,
        csrf: csrf_token(&session).await,
        next,
        username: f.username,
        error: Some(error),
    };
    (status, page).into_response()
}

pub async fn logout(session: Session, _: CsrfForm<NoFields>) -> Response {
    let _ = session.flush().await;
    Redirect::to("/login").into_response()
}
