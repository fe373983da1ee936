//! Signing in and out: the login page and the API session (design.md §5). A session holds the
//! person's id and the CSRF token of their forms.
mod api;
mod pages;

use crate::AppState;
use crate::extract::{CSRF_KEY, USER_KEY, random_token};
use app::{AppError, CurrentUser};
use axum::Router;
use axum::routing::{get, post};
use tower_sessions::Session;
use utoipa::OpenApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/api/v1/session", post(api::login).delete(api::logout))
        .route("/api/v1/me", get(api::me))
}

#[derive(OpenApi)]
#[openapi(
    paths(api::login, api::logout, api::me),
    components(schemas(api::LoginRequest, api::Me))
)]
pub struct AuthApi;

/// Start the signed-in session of `user`: a new session id (no fixation) and a fresh CSRF token.
async fn start_session(session: &Session, user: &CurrentUser) -> Result<(), AppError> {
    let _ = session.cycle_id().await;
    session
        .insert(USER_KEY, user.id)
        .await
        .map_err(|_| AppError::Conflict("无法建立会话".into()))?;
    let _ = session.insert(CSRF_KEY, random_token()).await;
    Ok(())
}
