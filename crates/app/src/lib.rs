//! The application layer of m135 (design.md §2): use cases called by the web pages, the JSON API
//! and the CLI alike. It loads from the store, applies the domain rules and the engines, checks
//! permissions (row-level access) and records every write a person makes in the audit trail.
#![forbid(unsafe_code)]

pub mod access;
pub mod accuracy;
pub mod auth;
pub mod balancing;
pub mod benchmark;
pub mod bootstrap;
pub mod cache;
pub mod clock;
pub mod cultivation;
pub mod cycle;
pub mod dashboard;
pub mod demo;
pub mod error;
pub mod exam;
pub mod forecasting;
pub mod grading;
pub mod inventory;
pub mod jobs;
pub mod kpi;
pub mod limits;
pub mod month_run;
pub mod new_sku;
pub mod people;
mod people_demo;
pub mod products;
pub mod profit;
pub mod report;
pub mod retailers;
pub mod satisfaction;
pub mod sheets;
pub mod staff;
pub mod throttle;
pub mod views;
pub mod visits;
pub mod warnings;
pub mod xlsx_in;

pub use access::{CurrentUser, Scope};
pub use bootstrap::open;
pub use clock::Clock;
pub use error::{AppError, AppResult};

use store::Db;

/// Everything a use case needs: the database and the clock.
#[derive(Clone)]
pub struct App {
    pub(crate) db: Db,
    pub clock: Clock,
    /// Figures that change only when sales data is loaded (role homes), for 10 minutes.
    pub cache: cache::Cache,
    /// Background jobs (the company-wide MODEL forecast) with their progress.
    pub jobs: jobs::Jobs,
    /// Failed POS credential attempts per retailer, for the lockout of §5.1's POS endpoint.
    pub pos_failures: throttle::Failures,
    /// Failed sign-ins per user name and per client address (`auth::login`'s lockout).
    pub signin_failures: throttle::Failures,
}

impl App {
    pub fn new(db: Db) -> App {
        App {
            db,
            clock: Clock::system(),
            cache: cache::Cache::new(std::time::Duration::from_secs(600)),
            jobs: jobs::Jobs::default(),
            pos_failures: Default::default(),
            signin_failures: Default::default(),
        }
    }

    /// The same application with figure caching for `ttl` (zero: no caching, every page computed
    /// on each request, as a benchmark of first loads wants).
    pub fn with_cache_ttl(mut self, ttl: std::time::Duration) -> App {
        self.cache = cache::Cache::new(ttl);
        self
    }

    /// The policy in force (configuration rows over domain.md's defaults).
    pub async fn policy(&self) -> AppResult<domain::config::Policy> {
        Ok(store::repo::config::load_policy(&self.db).await?)
    }

    /// The connection pool the web's session store keeps its table in (the platform's own
    /// database), so the web needs no door to the store.
    pub fn sessions_pool(&self) -> SessionsPool {
        match &self.db {
            Db::Sqlite(p) => SessionsPool::Sqlite(p.clone()),
            Db::Postgres(p) => SessionsPool::Postgres(p.clone()),
        }
    }
}

/// The platform's database pool, for the web's session store (tower-sessions' sqlx stores).
#[derive(Debug, Clone)]
pub enum SessionsPool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Whether the platform can serve: the database answers.
pub async fn health(app: &App) -> AppResult<()> {
    app.db.is_empty().await?;
    Ok(())
}
