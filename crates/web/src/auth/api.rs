//! The API session: sign in and out with JSON, and who is signed in.
//!
//! CSRF: the session cookie is `SameSite=Lax` and every write takes a JSON body
//! (`Content-Type: application/json`), which a cross-site form cannot send without a CORS
//! preflight that this server never grants.
use crate::AppState;
use crate::error::Problem;
use crate::extract::{Api, ApiResult, ClientAddr, Json};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The signed-in person.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub name: String,
    /// Role code (account_manager, market_manager, brand_manager, marketing_center, …).
    pub role: String,
    pub role_zh: String,
    pub org_unit_id: Option<i64>,
    /// The password was issued by someone else: `PUT /api/v1/me/password` before anything else.
    pub must_change_password: bool,
}

impl From<app::CurrentUser> for Me {
    fn from(u: app::CurrentUser) -> Me {
        Me {
            id: u.id,
            username: u.username,
            name: u.name,
            role: u.role.code().to_string(),
            role_zh: u.role.zh().to_string(),
            org_unit_id: u.org_unit_id,
            must_change_password: u.must_change_password,
        }
    }
}

/// Sign in: username and password → session cookie.
#[utoipa::path(post, path = "/api/v1/session", request_body = LoginRequest,
    responses((status = 200, body = Me), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn login(
    State(s): State<AppState>, ClientAddr(client): ClientAddr, session: Session,
    Json(req): Json<LoginRequest>,
) -> ApiResult<Me> {
    let user = app::auth::login(&s.app, &req.username, &req.password, client).await?;
    super::start_session(&s.app, &session, &user).await?;
    Ok(axum::Json(user.into()))
}

/// Sign out.
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204)))]
pub async fn logout(session: Session) -> StatusCode {
    let _ = session.flush().await;
    StatusCode::NO_CONTENT
}

/// The signed-in person.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me(Api(_app, user): Api) -> axum::Json<Me> {
    axum::Json(user.into())
}
