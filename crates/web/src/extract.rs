//! Request extractors: the signed-in person (pages redirect to the login page, the API answers
//! 401) and the session's CSRF token for forms.
use crate::AppState;
use crate::error::ApiError;
use app::{AppError, CurrentUser};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

pub const USER_KEY: &str = "staff_id";
pub const CSRF_KEY: &str = "csrf";

/// A fresh random token (hex, 128 bits).
pub fn random_token() -> String {
    app::auth::random_hex(16)
}

/// The session's CSRF token, created on first use.
pub async fn csrf_token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(CSRF_KEY).await {
        return t;
    }
    let t = random_token();
    let _ = session.insert(CSRF_KEY, &t).await;
    t
}

/// Refuse a form whose token does not match the session's (an expired or forged page).
pub async fn check_csrf(session: &Session, token: &str) -> Result<(), crate::error::PageError> {
    if csrf_ok(session, token).await {
        Ok(())
    } else {
        Err(crate::error::PageError(AppError::Forbidden(
            "页面已过期，请刷新后重试".into(),
        )))
    }
}

/// Whether a submitted form token matches the session's.
pub async fn csrf_ok(session: &Session, submitted: &str) -> bool {
    matches!(session.get::<String>(CSRF_KEY).await, Ok(Some(t)) if !t.is_empty() && t == submitted)
}

async fn session_user(
    parts: &mut Parts,
    state: &AppState,
) -> Result<(Session, CurrentUser), AppError> {
    let session = Session::from_request_parts(parts, state)
        .await
        .map_err(|_| AppError::Unauthorized)?;
    let id: Option<i64> = session.get(USER_KEY).await.ok().flatten();
    let id = id.ok_or(AppError::Unauthorized)?;
    let user = app::auth::current(&state.app, id).await?;
    Ok((session, user))
}

/// A page's context: the person, and the CSRF token for its forms (the logout button).
pub struct PageCtx {
    pub user: CurrentUser,
    pub csrf: String,
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        match session_user(parts, state).await {
            Ok((session, user)) => {
                let csrf = csrf_token(&session).await;
                Ok(PageCtx { user, csrf })
            }
            Err(AppError::Unauthorized) => {
                let next = if path.is_empty() || path == "/" {
                    String::new()
                } else {
                    format!("?next={}", crate::fmt::urlencode(&path))
                };
                Err(Redirect::to(&format!("/login{next}")).into_response())
            }
            Err(e) => Err(crate::error::PageError(e).into_response()),
        }
    }
}

/// The signed-in person of an API call.
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ApiUser(session_user(parts, state).await?.1))
    }
}
