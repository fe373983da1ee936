//! The web face of m135 (design.md §5): server-rendered pages in Chinese (askama + htmx, usable at
//! 360 px, printable), and the JSON API under `/api/v1` described at `/api/openapi.json`. Both call
//! the same application layer. [`serve`] is the one start-up seam: it takes a bound listener, so
//! tests start the real app on port 0.
#![forbid(unsafe_code)]

mod account;
mod assets;
mod auth;
mod balance;
mod benchmarks;
mod chart;
mod cultivation;
mod cycle;
mod docs;
mod error;
mod export;
mod extract;
mod feedback;
mod filters;
mod forecasts;
mod home;
mod inbox;
mod inventory;
mod kpi;
mod layers;
mod meeting;
mod method135;
mod new_sku;
mod page;
mod people;
mod pos;
mod products;
mod profit;
mod reports;
mod retailers;
mod rollup;
mod routes;
mod satisfaction;
mod sessions;
mod sheets;
mod staff;
mod supply;
mod tests;
mod visits;
mod warnings;

pub use docs::ApiDoc;

use app::App;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// How the web face runs. The CLI (`m135 serve`, `m135 demo`) fills it from flags or `M135_*`
/// environment variables; [`Options::default`] is what tests and a plain start get.
#[derive(Debug, Clone)]
pub struct Options {
    /// Mark the session cookie (and the login form's cookie) `Secure`: set it when the platform
    /// is reached over HTTPS (a TLS-terminating proxy in front), never over plain HTTP, where a
    /// browser would then not send the cookie back. Default: off.
    pub secure_cookies: bool,
    /// Longest time a request may take, reading its body included; past it the answer is 503
    /// with a Chinese message. Default: 30 s.
    pub request_timeout: Duration,
    /// The limit of the requests that legitimately run long: the MODEL forecast run in the
    /// request (`POST /api/v1/forecasts/{month}/model?wait=true`) and the Excel exports
    /// (`…/xlsx`). Default: 30 min.
    pub long_request_timeout: Duration,
    /// Requests handled at once over the whole server; the others wait their turn (the wait
    /// counts against their timeout). Default: 256.
    pub max_concurrent_requests: usize,
    /// The platform sits behind a reverse proxy that appends the client's address to
    /// `X-Forwarded-For`: the sign-in's lockout per address then counts that address (the last
    /// one in the header) instead of the proxy's, which every client would share. Default: off
    /// (the header is not trusted: a client could write anything in it).
    pub trusted_proxy: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            secure_cookies: false,
            request_timeout: Duration::from_secs(30),
            long_request_timeout: Duration::from_secs(30 * 60),
            max_concurrent_requests: 256,
            trusted_proxy: false,
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Whether cookies are `Secure` ([`Options::secure_cookies`]).
    pub secure_cookies: bool,
    /// Whether the client's address is the last of `X-Forwarded-For` ([`Options::trusted_proxy`]).
    pub trusted_proxy: bool,
}

/// Build the whole application with the default [`Options`].
pub async fn router(app: App) -> std::io::Result<Router> {
    router_with(app, &Options::default()).await
}

/// Build the whole application: pages, API, static assets, sessions, and around them the
/// security headers, the request timeout and the concurrency limit of `options`.
pub async fn router_with(app: App, options: &Options) -> std::io::Result<Router> {
    let sessions = sessions::AnyStore::on(app.sessions_pool()).await?;
    // A session unused for `signin.session_idle_minutes` ends: checked per request against
    // its last use (refreshed at most once a minute, which also saves it and so extends this
    // store expiry), and the absolute limit against the moment stored at sign-in.
    let idle = app
        .policy()
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .signin
        .session_idle_minutes;
    let cleanup = sessions.clone();
    tokio::spawn(async move {
        cleanup
            .delete_expired_every(Duration::from_secs(3600))
            .await
    });
    let layer = SessionManagerLayer::new(sessions)
        .with_name("m135_session")
        .with_secure(options.secure_cookies)
        .with_same_site(SameSite::Lax)
        .with_http_only(true)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::minutes(i64::from(idle.max(1))),
        ));
    let limits = layers::Limits {
        timeout: options.request_timeout,
        long_timeout: options.long_request_timeout,
        permits: Arc::new(tokio::sync::Semaphore::new(
            options.max_concurrent_requests.max(1),
        )),
    };
    let state = AppState {
        app,
        secure_cookies: options.secure_cookies,
        trusted_proxy: options.trusted_proxy,
    };
    let (routes, doc) = routes::all();
    // Served over HTTPS (the cookies are `Secure`): browsers are told to come back only so.
    let hsts = options.secure_cookies.then(|| {
        tower_http::set_header::SetResponseHeaderLayer::overriding(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            axum::http::HeaderValue::from_static("max-age=31536000"),
        )
    });
    // Outermost last: tracing sees every request, the security headers go on every answer (a
    // timeout's 503 included), and the session is loaded only once a request has its permit.
    Ok(routes
        .merge(docs::router(doc))
        .layer(tower::util::option_layer(hsts))
        .layer(axum_messages::MessagesManagerLayer)
        .layer(layer)
        .layer(axum::middleware::from_fn_with_state(limits, layers::limit))
        .layer(axum::middleware::from_fn(layers::security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state))
}

/// Serve on a bound listener until the process is asked to stop (Ctrl-C, or SIGTERM as a service
/// manager or a container runtime sends it).
///
/// On that signal the listener stops accepting, idle connections close, and the requests
/// already running finish (each within its [`Options`] timeout) before this returns.
///
/// A background job of `app::jobs` (the company-wide MODEL forecast started from the page, or
/// from the API without `wait`) is not waited for: it runs on its own task, which the runtime
/// drops when the process ends, and the job registry lives in memory, so the job is simply gone
/// after the restart. Its forecasts are written in one transaction at its end, so a job stopped
/// before then leaves the month's forecasts as they were; the marketing center starts it again
/// (re-running the model rewrites nothing already written).
pub async fn serve(
    listener: tokio::net::TcpListener, app: App, options: &Options,
) -> std::io::Result<()> {
    let router = router_with(app, options).await?;
    // The client's address reaches the handlers (the sign-in's lockout per address).
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            // No SIGTERM handler could be installed: only Ctrl-C stops the server.
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("stopping: finishing the running requests");
}
