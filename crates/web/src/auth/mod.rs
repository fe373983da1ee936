//! Signing in and out: the login page and the API session (design.md §5). A session holds the
//! person's id and the CSRF token of their forms; it is created at sign-in, never for an anonymous
//! visitor (the login form's token is a cookie of its own, `login_token`).
pub(crate) mod api;
mod login_token;
pub(crate) mod pages;

use crate::extract::{CSRF_KEY, IDLE_KEY, SEEN_KEY, UNTIL_KEY, USER_KEY, random_token};
use app::{App, AppError, CurrentUser};
use tower_sessions::Session;

/// Start the signed-in session of `user`: a new session id (no fixation), a fresh CSRF token,
/// the moment it ends however much it is used (`signin.session_absolute_hours` from now) and how
/// long it may go unused (`signin.session_idle_minutes`).
async fn start_session(app: &App, session: &Session, user: &CurrentUser) -> Result<(), AppError> {
    let policy = app.policy().await?.signin;
    let now = app.clock.now();
    let until = now + chrono::Duration::hours(i64::from(policy.session_absolute_hours));
    let idle = i64::from(policy.session_idle_minutes) * 60;
    let _ = session.cycle_id().await;
    session
        .insert(USER_KEY, user.id)
        .await
        .map_err(|_| AppError::Conflict("无法建立会话".into()))?;
    let _ = session.insert(UNTIL_KEY, until.timestamp()).await;
    let _ = session.insert(SEEN_KEY, now.timestamp()).await;
    let _ = session.insert(IDLE_KEY, idle).await;
    let _ = session.insert(CSRF_KEY, random_token()).await;
    Ok(())
}
