//! Typed edges (design.md §4.4): every extractor converts input once and rejects with the
//! project's own error — a JSON problem under `/api/`, an error page elsewhere.
//!
//! - [`PageCtx`] and [`ApiUser`]: the signed-in person (pages redirect to the login page, the API
//!   answers 401); a page's context also carries the CSRF token and the flash messages.
//! - [`Path`], [`Query`], [`Json`]: axum's, with Chinese messages that name the field.
//! - [`CsrfForm`]: a typed form whose CSRF token is checked here, so handlers never do;
//!   [`CheckedForm`] is the form read with the token's verdict, which `CsrfForm` acts on;
//!   [`CsrfUpload`]: a multipart upload with its token checked.
//! - [`Fields`]: a form whose field names are data (`q_<sku>`, repeated check boxes).
use crate::AppState;
use crate::error::{ApiError, Rejected};
use crate::page::Chrome;
use app::{App, AppError, CurrentUser};
use axum::body::Bytes;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_messages::Messages;
use serde::de::DeserializeOwned;
use tower_sessions::Session;

pub const USER_KEY: &str = "staff_id";
pub const CSRF_KEY: &str = "csrf";
/// The session key of the moment a session ends however much it is used (Unix seconds).
pub const UNTIL_KEY: &str = "until";
/// The session key of when it was last used (Unix seconds, refreshed at most once a minute).
pub const SEEN_KEY: &str = "seen";
/// The session key of how long it may go unused (seconds; the policy's at sign-in).
pub const IDLE_KEY: &str = "idle";

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

/// Whether a submitted form token matches the session's.
async fn csrf_ok(session: &Session, submitted: &str) -> bool {
    matches!(session.get::<String>(CSRF_KEY).await, Ok(Some(t)) if !t.is_empty() && t == submitted)
}

fn stale_page() -> AppError {
    AppError::Forbidden("页面已过期，请刷新后重试".into())
}

fn is_api(parts: &Parts) -> bool {
    parts.uri.path().starts_with("/api/")
}

fn rejected(parts: &Parts, error: AppError) -> Rejected {
    Rejected {
        api: is_api(parts),
        error,
    }
}

/// A body extractor's request split into its parts and body, with the session (refused as the
/// page or the API refuses a request without one).
async fn split_with_session(
    req: Request, state: &AppState,
) -> Result<(Parts, axum::body::Body, Session), Rejected> {
    let (mut parts, body) = req.into_parts();
    let session = session_of(&mut parts, state)
        .await
        .map_err(|e| rejected(&parts, e))?;
    Ok((parts, body, session))
}

async fn session_of(parts: &mut Parts, state: &AppState) -> Result<Session, AppError> {
    Session::from_request_parts(parts, state)
        .await
        .map_err(|_| AppError::Unauthorized)
}

async fn session_user(
    parts: &mut Parts, state: &AppState,
) -> Result<(Session, CurrentUser), AppError> {
    let session = session_of(parts, state).await?;
    let id: Option<i64> = session.get(USER_KEY).await.ok().flatten();
    let id = id.ok_or(AppError::Unauthorized)?;
    let now = state.app.clock.now().timestamp();
    let until: Option<i64> = session.get(UNTIL_KEY).await.ok().flatten();
    let seen: Option<i64> = session.get(SEEN_KEY).await.ok().flatten();
    let idle: Option<i64> = session.get(IDLE_KEY).await.ok().flatten();
    let expired = until.is_none_or(|u| now >= u)
        || matches!((seen, idle), (Some(s), Some(i)) if now - s >= i)
        || seen.is_none();
    if expired {
        // The absolute or the idle limit: sign in again.
        let _ = session.flush().await;
        return Err(AppError::Unauthorized);
    }
    if seen.is_some_and(|s| now - s >= 60) {
        // Used again: the idle limit starts over (and the store's expiry with the save).
        let _ = session.insert(SEEN_KEY, now).await;
    }
    let user = app::auth::current(&state.app, id).await?;
    Ok((session, user))
}

/// Why a request has no usable signed-in person.
enum Gate {
    Refused(AppError),
    /// An issued password: the person sets their own before anything but `allowed`.
    MustChangePassword,
}

/// [`session_user`], refusing a person with an issued password anywhere but the `allowed` paths.
async fn signed_in(
    parts: &mut Parts, state: &AppState, allowed: &[&str],
) -> Result<(Session, CurrentUser), Gate> {
    let (session, user) = session_user(parts, state).await.map_err(Gate::Refused)?;
    if user.must_change_password && !allowed.contains(&parts.uri.path()) {
        return Err(Gate::MustChangePassword);
    }
    Ok((session, user))
}

/// A page's context: the person, the CSRF token for its forms and the flash messages left by
/// the last form (shown once).
pub struct PageCtx {
    pub app: App,
    pub user: CurrentUser,
    pub csrf: String,
    pub flash: Vec<String>,
    messages: Messages,
}

/// What a page handler answers: the page, a redirect, or the error page.
pub type PageResult = Result<Response, crate::error::PageError>;

impl PageCtx {
    /// The layout of a page with `active` the menu item lit.
    pub fn chrome(&self, active: &'static str) -> Option<Chrome> {
        Some(Chrome {
            name: self.user.name.clone(),
            role: self.user.role,
            csrf: self.csrf.clone(),
            active,
            flash: self.flash.clone(),
        })
    }

    /// After a form: back to `path` (303) with the outcome shown there once (axum-messages, kept
    /// in the session): the message of success, or the error when it is one a person can act
    /// on; any other error is an error page.
    pub fn redirect(&self, path: &str, outcome: Result<String, AppError>) -> PageResult {
        match outcome {
            Ok(msg) => {
                self.messages.clone().success(msg);
            }
            Err(e) if crate::error::shown_in_place(&e) => {
                self.messages.clone().error(e.to_string());
            }
            Err(e) => return Err(crate::error::PageError(e)),
        }
        Ok(Redirect::to(path).into_response())
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match signed_in(parts, state, &["/account/password", "/logout"]).await {
            Err(Gate::MustChangePassword) => Err(Redirect::to("/account/password").into_response()),
            Ok((session, user)) => {
                let csrf = csrf_token(&session).await;
                let messages = Messages::from_request_parts(parts, state)
                    .await
                    .map_err(IntoResponse::into_response)?;
                let flash = messages.clone().map(|m| m.message).collect();
                Ok(PageCtx {
                    app: state.app.clone(),
                    user,
                    csrf,
                    flash,
                    messages,
                })
            }
            Err(Gate::Refused(AppError::Unauthorized)) => {
                let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("");
                let next = if path.is_empty() || path == "/" {
                    String::new()
                } else {
                    // Slashes stay readable; everything else that is not unreserved is encoded.
                    let enc = crate::filters::urlencode(path).replace("%2F", "/");
                    format!("?next={enc}")
                };
                Err(Redirect::to(&format!("/login{next}")).into_response())
            }
            Err(Gate::Refused(e)) => Err(crate::error::PageError(e).into_response()),
        }
    }
}

/// The client's address: the last `X-Forwarded-For` entry behind a trusted proxy
/// ([`crate::Options::trusted_proxy`]), else the connection's (when the server was started with
/// it, as `web::serve` is). The sign-in's lockout counts failures per address too.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        if s.trusted_proxy {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
                .next_back();
            if forwarded.is_some() {
                return Ok(ClientAddr(forwarded));
            }
        }
        let info = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(ClientAddr(info.map(|c| c.0.ip())))
    }
}

/// An API call's context: the application and the signed-in person (401 without one).
pub struct Api(pub App, pub CurrentUser);

impl FromRequestParts<AppState> for Api {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (session, user) =
            match signed_in(parts, state, &["/api/v1/me", "/api/v1/me/password"]).await {
                Ok(found) => found,
                Err(Gate::Refused(e)) => return Err(ApiError(e)),
                Err(Gate::MustChangePassword) => {
                    return Err(ApiError(AppError::Forbidden(
                        "须先修改管理员发放的初始密码（PUT /api/v1/me/password）".into(),
                    )));
                }
            };
        if !parts.method.is_safe() && !same_site_write(parts, &session).await {
            return Err(ApiError(AppError::Forbidden(
                "跨站请求被拒绝：写操作须使用 Content-Type: application/json，或带 X-CSRF-Token \
                 请求头（页面表单中的令牌），或来自本站页面"
                    .into(),
            )));
        }
        Ok(Api(state.app.clone(), user))
    }
}

/// Whether a cookie-authenticated write comes from this site and not from another site's form
/// or `no-cors` fetch (which can send neither a JSON content type nor a custom header without a
/// CORS preflight this server never grants): a JSON body, the session's CSRF token in
/// `X-CSRF-Token`, or an `Origin` naming this host.
async fn same_site_write(parts: &Parts, session: &Session) -> bool {
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let json = header("content-type")
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if json {
        return true;
    }
    let origin = header("origin");
    if !origin.is_empty() {
        let host = header("host");
        let origin_host = origin.split_once("://").map_or("", |(_, h)| h);
        if !host.is_empty() && origin_host.eq_ignore_ascii_case(host) {
            return true;
        }
    }
    let token = header("x-csrf-token");
    !token.is_empty() && csrf_ok(session, token).await
}

/// The answer of an API call: a JSON body or the problem.
pub type ApiResult<T> = Result<axum::Json<T>, ApiError>;

/// Path parameters converted to their domain types (`Path<Month>`, `Path<(String, IsoWeek)>`).
pub struct Path<T>(pub T);

/// A query string as a typed struct.
pub struct Query<T>(pub T);

/// `$edge<T>` extracts what axum's `$axum<T>` does; a refusal becomes the project's error
/// (`$why` says what is wrong), answered as a page or a problem by the request's path.
macro_rules! from_parts_edge {
    ($edge:ident, $axum:ident, $why:expr) => {
        impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for $edge<T> {
            type Rejection = Rejected;

            async fn from_request_parts(
                parts: &mut Parts, state: &AppState,
            ) -> Result<Self, Rejected> {
                let raw = parts.uri.path_and_query().map_or("", |p| p.as_str());
                refuse_nul(raw.as_bytes(), "path").map_err(|e| rejected(parts, e))?;
                match axum::extract::$axum::<T>::from_request_parts(parts, state).await {
                    Ok(axum::extract::$axum(v)) => Ok($edge(v)),
                    Err(e) => Err(rejected(parts, $why(&e))),
                }
            }
        }
    };
}
from_parts_edge!(Path, Path, path_error);
from_parts_edge!(Query, Query, query_error);

/// A path rejection as the project's error: a domain newtype's own refusal keeps its field and
/// message (`周: …`, the `Display` of [`domain::ParseError`]); anything else names the path.
fn path_error(e: &PathRejection) -> AppError {
    if let PathRejection::FailedToDeserializePathParams(d) = e
        && let ErrorKind::DeserializeError { message, .. } | ErrorKind::Message(message) = d.kind()
        && let Some((field, msg)) = message.split_once(": ")
    {
        return AppError::invalid(field, msg);
    }
    let message = match e {
        PathRejection::FailedToDeserializePathParams(d) => d.body_text(),
        other => other.body_text(),
    };
    AppError::invalid("path", format!("路径参数错误: {message}"))
}

fn query_error(e: &QueryRejection) -> AppError {
    AppError::invalid("query", format!("查询参数错误: {}", e.body_text()))
}

/// A JSON body (`Content-Type: application/json`) as a typed struct.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let invalid = |msg: &str| ApiError(AppError::invalid("body", msg));
        let json_type = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|t| {
                let t = t.trim();
                t.eq_ignore_ascii_case("application/json") || t.ends_with("+json")
            });
        if !json_type {
            return Err(invalid("请求头 Content-Type 必须为 application/json"));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| invalid("无法读取请求体（或超过大小上限）"))?;
        refuse_nul(&bytes, "body").map_err(ApiError)?;
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(e) => Err(invalid(&match &e {
                JsonRejection::JsonSyntaxError(_) => "请求体不是有效的 JSON".to_string(),
                JsonRejection::JsonDataError(d) => format!("请求体字段错误: {}", d.body_text()),
                _ => "无法读取请求体".to_string(),
            })),
        }
    }
}

/// Text with a NUL character (raw, `%00` or the JSON escape `\u0000`) is refused where it
/// enters, the same on every backend: PostgreSQL cannot store it, and no person types it.
pub fn refuse_nul(raw: &[u8], field: &str) -> Result<(), AppError> {
    let has = |needle: &[u8]| {
        raw.windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if raw.contains(&0) || has(b"%00") || has(b"\\u0000") {
        return Err(AppError::invalid(field, "文本中不能含有空字符（NUL）"));
    }
    Ok(())
}

/// A form with whether its CSRF token matched the session's (what [`CsrfForm`] refuses on). The
/// login page checks its own token (`auth::login_token`): it has no session yet.
pub struct CheckedForm<T> {
    pub csrf_ok: bool,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for CheckedForm<T> {
    type Rejection = Rejected;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body, session) = split_with_session(req, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|_| rejected(&parts, AppError::invalid("form", "无法读取表单")))?;
        refuse_nul(&bytes, "form").map_err(|e| rejected(&parts, e))?;
        let token = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let csrf_ok = csrf_ok(&session, &token).await;
        let form = serde_urlencoded::from_bytes::<T>(&bytes).map_err(|e| {
            rejected(
                &parts,
                AppError::invalid("form", format!("表单字段错误: {e}")),
            )
        })?;
        Ok(CheckedForm { csrf_ok, form })
    }
}

/// A typed form whose CSRF token (field `csrf`) has been checked: a stale or forged page
/// answers 403 before the handler runs.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Rejected;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let api = req.uri().path().starts_with("/api/");
        let f = CheckedForm::<T>::from_request(req, state).await?;
        if !f.csrf_ok {
            return Err(Rejected {
                api,
                error: stale_page(),
            });
        }
        Ok(CsrfForm(f.form))
    }
}

/// A form with no fields beyond its CSRF token (a button).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// A form whose field names are data: `q_<sku>` inputs, repeated check boxes.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The first value of a field, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    /// Every value of a repeated field.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The fields named `<prefix><key>`, as (key, trimmed value), in form order.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.0
            .iter()
            .filter_map(move |(k, v)| k.strip_prefix(prefix).map(|key| (key, v.trim())))
    }
}

/// A multipart upload (one file field `file`) whose CSRF token has been checked.
pub struct CsrfUpload {
    pub file: Option<Vec<u8>>,
}

impl FromRequest<AppState> for CsrfUpload {
    type Rejection = Rejected;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body, session) = split_with_session(req, state).await?;
        let bad = |e: String| rejected(&parts, AppError::invalid("file", e));
        let mut mp = Multipart::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|e| bad(format!("无法读取上传内容: {e}")))?;
        let mut csrf = String::new();
        let mut file = None;
        while let Some(field) = mp
            .next_field()
            .await
            .map_err(|e| bad(format!("无法读取上传内容: {e}")))?
        {
            match field.name() {
                Some("csrf") => csrf = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let bytes = field
                        .bytes()
                        .await
                        .map_err(|e| bad(format!("无法读取文件: {e}")))?;
                    file = Some(bytes.to_vec());
                }
                _ => {}
            }
        }
        if !csrf_ok(&session, &csrf).await {
            return Err(rejected(&parts, stale_page()));
        }
        Ok(CsrfUpload { file })
    }
}

/// A field of a filter form's query string: blank (or absent) means "any".
pub fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A filter field parsed with its domain type's `parse`, the error naming the field; blank is
/// `None`.
pub fn filter_field<T>(
    field: &str, v: &Option<String>, parse: impl FnOnce(&str) -> Result<T, domain::ParseError>,
) -> Result<Option<T>, AppError> {
    filled(v)
        .map(|s| parse(s).map_err(|e| AppError::invalid(field, e.message)))
        .transpose()
}

/// An integer filter field; blank is `None`.
pub fn int_field<T: std::str::FromStr>(
    field: &str, v: &Option<String>,
) -> Result<Option<T>, AppError> {
    filled(v)
        .map(|s| {
            s.parse()
                .map_err(|_| AppError::invalid(field, format!("\"{s}\" 不是有效的整数")))
        })
        .transpose()
}
