//! The login page and the logout button. The login form's CSRF token is a cookie of its own
//! ([`super::login_token`]): showing the form to an anonymous visitor creates no session.
use super::login_token::LoginToken;
use crate::AppState;
use crate::error::PageError;
use crate::extract::{ClientAddr, CsrfForm, NoFields, Query};
use crate::page::Chrome;
use app::AppError;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
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

pub async fn login_form(
    State(s): State<AppState>, headers: HeaderMap, Query(q): Query<NextQuery>,
) -> Response {
    let token = LoginToken::current_or_new(&headers);
    let page = LoginPage {
        chrome: None,
        csrf: token.value.clone(),
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    };
    let mut res = page.into_response();
    token.set_on(&mut res, s.secure_cookies);
    res
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

/// Sign in from the form; a wrong password or a stale page shows the form again (401).
pub async fn login(
    State(s): State<AppState>, ClientAddr(client): ClientAddr, session: Session,
    headers: HeaderMap, body: Bytes,
) -> Response {
    if let Err(e) = crate::extract::refuse_nul(&body, "form") {
        return PageError(e).into_response();
    }
    let f = match serde_urlencoded::from_bytes::<LoginForm>(&body) {
        Ok(f) => f,
        Err(e) => {
            return PageError(AppError::invalid("form", format!("表单字段错误: {e}")))
                .into_response();
        }
    };
    let next = safe_next(f.next.as_deref());
    let mut status = StatusCode::UNAUTHORIZED;
    let error = if !LoginToken::matches(&headers, &f.csrf) {
        "页面已过期，请重新登录".to_string()
    } else {
        match app::auth::login(&s.app, &f.username, &f.password, client).await {
            Ok(user) => {
                return match super::start_session(&s.app, &session, &user).await {
                    Ok(()) => {
                        let mut res = Redirect::to(&next).into_response();
                        LoginToken::clear_on(&mut res, s.secure_cookies);
                        res
                    }
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
    let token = LoginToken::current_or_new(&headers);
    let page = LoginPage {
        chrome: None,
        csrf: token.value.clone(),
        next,
        username: f.username,
        error: Some(error),
    };
    let mut res = (status, page).into_response();
    token.set_on(&mut res, s.secure_cookies);
    res
}

pub async fn logout(session: Session, _: CsrfForm<NoFields>) -> Response {
    let _ = session.flush().await;
    Redirect::to("/login").into_response()
}
