//! The web face of m135 (design.md §5): server-rendered pages in Chinese (askama + htmx, usable at
//! 360 px, printable), and the JSON API under `/api/v1` described at `/api/openapi.json`. Both call
//! the same application layer. [`serve`] is the one start-up seam: it takes a bound listener, so
//! tests start the real app on port 0.
#![forbid(unsafe_code)]

mod assets;
mod auth;
mod balance;
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
mod meeting;
mod method135;
mod page;
mod pos;
mod products;
mod retailers;
mod rollup;
mod routes;
mod sessions;
mod sheets;
mod staff;
mod supply;
mod visits;

pub use docs::ApiDoc;

use app::App;
use axum::Router;
use std::time::Duration;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
}

/// Build the whole application: pages, API, static assets, sessions.
pub async fn router(app: App) -> std::io::Result<Router> {
    let sessions = sessions::AnyStore::on(app.sessions_pool()).await?;
    let cleanup = sessions.clone();
    tokio::spawn(async move {
        cleanup
            .delete_expired_every(Duration::from_secs(3600))
            .await
    });
    let layer = SessionManagerLayer::new(sessions)
        .with_name("m135_session")
        .with_secure(false)
        .with_same_site(SameSite::Lax)
        .with_http_only(true)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::hours(12),
        ));
    let state = AppState { app };
    let (routes, doc) = routes::all();
    Ok(routes
        .merge(docs::router(doc))
        .layer(axum_messages::MessagesManagerLayer)
        .layer(layer)
        .layer(TraceLayer::new_for_http())
        .with_state(state))
}

/// Serve on a bound listener until the process is stopped (Ctrl-C).
pub async fn serve(listener: tokio::net::TcpListener, app: App) -> std::io::Result<()> {
    let router = router(app).await?;
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
