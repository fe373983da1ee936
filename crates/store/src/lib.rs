//! Persistence for m135 (design.md §3): one [`Db`] over SQLite or PostgreSQL, one migrations
//! folder per backend, repositories as free functions taking `&Db` (or a [`Tx`]).
//!
//! Queries are written once with `$1` placeholders and expanded once per backend by [`on_db!`]
//! and [`on_tx!`]. Conventions that keep one SQL text valid on both: integers are BIGINT on
//! PostgreSQL and `i64` in Rust; sums are wrapped as `CAST(COALESCE(SUM(x), 0) AS BIGINT)`;
//! averages as `CAST(AVG(x) AS DOUBLE PRECISION)`; placeholders are numbered in order of first use;
//! `execute` results are mapped with `.map(|r| r.rows_affected())` so both arms agree.
#![forbid(unsafe_code)]

pub mod audit;
pub mod bulk;
pub mod city;
pub mod history;
pub mod model;
pub mod repo;
pub mod rollup;
pub mod testdb;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// A database error; `Conflict` and `NotFound` are the ones callers branch on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL \"{0}\": use sqlite:PATH or postgres://…")]
    Url(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// True when the error is a unique-key violation.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Sqlx(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Which backend a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database: SQLite (embedded default) or PostgreSQL (what a company deploys).
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction on either backend.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Expand one query body per backend: `on_db!(db, pool => sqlx::query(..).execute(pool).await)`.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Expand one query body per backend inside a transaction: `on_tx!(tx, c => q.execute(c).await)`.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

/// Statements slower than this are logged, at debug level: a bulk load or a month's batch job
/// runs many long statements by design, and a person at a terminal should not read them as
/// warnings (`M135_LOG=debug` shows them).
const SLOW_STATEMENT: Duration = Duration::from_secs(1);

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connect to `sqlite:PATH` (created if missing; WAL, foreign keys on) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-65536")
                .pragma("temp_store", "memory")
                .log_slow_statements(log::LevelFilter::Debug, SLOW_STATEMENT);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            // Planner costs for a database held in memory or on SSD: with the default random
            // page cost (4, spinning disks) PostgreSQL reads a whole month of forecasts to find
            // one county's instead of probing its retailers' (60 ms against 16 ms). No JIT: it
            // compiles for seconds-long reports and only adds latency to the pages' queries.
            let opts = PgConnectOptions::from_str(url)?
                .options([("random_page_cost", "1.1"), ("jit", "off")])
                .log_slow_statements(log::LevelFilter::Debug, SLOW_STATEMENT);
            let pool = PgPoolOptions::new()
                .max_connections(10)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::Url(url.to_string()))
        }
    }

    /// Apply pending migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATOR.run(p).await?,
            Db::Postgres(p) => POSTGRES_MIGRATOR.run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A write transaction. On SQLite it is `BEGIN IMMEDIATE`: it takes the write lock at once,
    /// so a state read at its start is still true at its commit (a deferred transaction that
    /// reads then writes fails with `SQLITE_BUSY` when another writer came between). On
    /// PostgreSQL the repositories' `lock_*` functions take row locks where a check must hold.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Refresh the query planner's statistics (after a bulk load): without them SQLite scans a
    /// whole month of `sales_month` where an index on the retailer side would do. On
    /// PostgreSQL also `VACUUM`.
    pub async fn analyze(&self) -> Result<()> {
        match self {
            Db::Sqlite(p) => {
                // Every row read (`analysis_limit` is the connection's): see [`Db::optimize`].
                let mut c = p.acquire().await?;
                sqlx::query("PRAGMA analysis_limit = 0")
                    .execute(&mut *c)
                    .await?;
                sqlx::query("ANALYZE").execute(&mut *c).await?;
            }
            Db::Postgres(p) => {
                // VACUUM too: a bulk load leaves the visibility map unset, and until it is set
                // the covering indexes (migration 0009) still visit every row (the company's
                // SKU sums: 116 ms, 15 ms after). Outside any transaction, as VACUUM must be.
                sqlx::raw_sql("VACUUM ANALYZE").execute(p).await?;
            }
        }
        Ok(())
    }

    /// Planner upkeep at start-up: on SQLite, statistics for every table that holds rows but
    /// has none, or had none when last analysed (a table filled after the last `ANALYZE`, e.g.
    /// the forecasts a demo history writes: without them SQLite walks a whole month of
    /// forecasts to find one area's). Full statistics, not `PRAGMA optimize`'s: it analyses
    /// with a sampling limit, and sampled statistics of `forecast` make its month look
    /// selective, which brings the whole-month walk back. Nothing on PostgreSQL, whose autovacuum keeps statistics.
    pub async fn optimize(&self) -> Result<()> {
        let Db::Sqlite(p) = self else {
            return Ok(());
        };
        // One connection: `analysis_limit` is the connection's; 0 = read every row.
        let mut c = p.acquire().await?;
        sqlx::query("PRAGMA analysis_limit = 0")
            .execute(&mut *c)
            .await?;
        let q = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'";
        let has_stats: i64 = sqlx::query_scalar(q).fetch_one(&mut *c).await?;
        let q = if has_stats > 0 {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT IN (SELECT tbl FROM sqlite_stat1 WHERE CAST(stat AS INTEGER) > 0)"
        } else {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        };
        let tables: Vec<String> = sqlx::query_scalar(q).fetch_all(&mut *c).await?;
        for t in tables {
            // Names come from the schema itself; quoted all the same.
            let t = t.replace('"', "\"\"");
            let filled: Option<i64> = sqlx::query_scalar(&format!("SELECT 1 FROM \"{t}\" LIMIT 1"))
                .fetch_optional(&mut *c)
                .await?;
            if filled.is_some() {
                sqlx::query(&format!("ANALYZE \"{t}\""))
                    .execute(&mut *c)
                    .await?;
            }
        }
        Ok(())
    }

    /// Close the pool; on SQLite the write-ahead log is folded into the database file first, so
    /// the file alone is complete (it can be copied).
    pub async fn close(&self) {
        if let Db::Sqlite(p) = self {
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await;
        }
        on_db!(self, p => p.close().await)
    }

    /// True when no organisation exists yet (a fresh database).
    pub async fn is_empty(&self) -> Result<bool> {
        let n: i64 = on_db!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM org_unit").fetch_one(p).await)?;
        Ok(n == 0)
    }
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}
