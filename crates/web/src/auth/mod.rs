//! Signing in and out: the login page and the API session (design.md §5). A session holds the
//! person's id and the CSRF token of their forms; it is created at sign-in, never for an anonymous
//! visitor (the login form's token is a cookie of its own, `login_token`).
pub(crate) mod api;
mod login_token;
pub(crate) mod pages;

use crate::extract::{CSRF_KEY, USER_KEY, random_token};
use app::{AppError, CurrentUser};
use tower_sessions::Session;

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
