//! What every request passes through before its handler, besides the session: the security
//! headers of every answer, the request timeout and the global concurrency limit. The limits are
//! [`crate::Options`] (the CLI reads them from flags or `M135_*` environment variables).
use crate::error::Problem;
use crate::page::ErrorPage;
use askama::Template;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The policy of every page and answer: scripts and styles only from this origin (htmx and
/// `app.css` under `/static/`; no inline `<script>`, `on…=` handler or `style=` attribute), no
/// plugins, no framing, forms posted only here.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The policy of the Swagger UI under `/api/docs/`: its scripts are files from here too, but its
/// stylesheet embeds `data:` images and its rendered descriptions carry `style` attributes, so
/// inline styles and `data:` images are allowed there (and only there).
pub const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// Security headers on every answer. Pages and API answers are never stored by a browser or a
/// proxy (`Cache-Control: no-store`: they hold a person's data and CSRF tokens); the embedded
/// static files (`/static/…`, which set their own `Cache-Control`) and the public API browser
/// (`/api/docs/…`) stay cacheable.
pub(crate) async fn security_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let docs = path.starts_with("/api/docs");
    let cacheable = docs || path.starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = if docs { DOCS_CSP } else { CSP };
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !cacheable {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// How long requests may run and how many run at once.
#[derive(Clone)]
pub(crate) struct Limits {
    pub timeout: Duration,
    pub long_timeout: Duration,
    /// Shared by every route: the limit is global, not per route.
    pub permits: Arc<Semaphore>,
}

/// Requests that legitimately run long get `long_timeout`: the MODEL forecast run in the request
/// (`POST /api/v1/forecasts/{month}/model?wait=true`; without `wait` it answers at once anyway)
/// and the Excel exports (`…/xlsx`).
fn is_long(matched: Option<&MatchedPath>) -> bool {
    matched.is_some_and(|m| m.as_str().ends_with("/model") || m.as_str().ends_with("/xlsx"))
}

/// The request timeout and the concurrency limit. A request waits for one of the permits (the
/// waiting counts against its timeout); one that takes longer than its limit, body included, is
/// dropped and answered 503 with a Chinese message: what it was writing in one transaction is
/// rolled back.
pub(crate) async fn limit(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let limit = if is_long(req.extensions().get::<MatchedPath>()) {
        limits.long_timeout
    } else {
        limits.timeout
    };
    let api = req.uri().path().starts_with("/api/");
    let path = req.uri().path().to_string();
    let run = async {
        // The semaphore is never closed, so acquiring only waits.
        let _permit = limits.permits.acquire().await.ok();
        next.run(req).await
    };
    match tokio::time::timeout(limit, run).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!("request to {path} timed out after {limit:?}");
            timed_out(api, limit)
        }
    }
}

/// 503 for a request over its time limit: a JSON problem under `/api/`, the error page elsewhere.
fn timed_out(api: bool, limit: Duration) -> Response {
    let status = StatusCode::SERVICE_UNAVAILABLE;
    let title = "服务繁忙";
    let detail = format!(
        "请求处理超过 {} 秒，已中止，请稍后重试",
        limit.as_secs_f64().ceil() as u64
    );
    if api {
        let body = Problem {
            kind: "about:blank",
            title: title.to_string(),
            status: status.as_u16(),
            detail,
            field: None,
        };
        let mut res = (status, axum::Json(body)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        return res;
    }
    let page = ErrorPage {
        chrome: None,
        status: status.as_u16(),
        title,
        message: detail,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, title).into_response(),
    }
}
