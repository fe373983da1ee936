//! tower-sessions over whichever database the platform runs on.
use async_trait::async_trait;
use sqlx_sessions::{PostgresStore, SqliteStore};
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store as ts;
use tower_sessions::{ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store as sqlx_sessions;

/// The same call on whichever store this is.
macro_rules! either {
    ($store:expr, $s:ident => $call:expr) => {
        match $store {
            AnyStore::Sqlite($s) => $call,
            AnyStore::Postgres($s) => $call,
        }
    };
}

#[derive(Debug, Clone)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl AnyStore {
    /// The store on the platform's own database, its table created if missing.
    pub async fn on(pool: app::SessionsPool) -> std::io::Result<AnyStore> {
        Ok(match pool {
            app::SessionsPool::Sqlite(p) => {
                let s = SqliteStore::new(p);
                s.migrate().await.map_err(std::io::Error::other)?;
                AnyStore::Sqlite(s)
            }
            app::SessionsPool::Postgres(p) => {
                let s = PostgresStore::new(p);
                s.migrate().await.map_err(std::io::Error::other)?;
                AnyStore::Postgres(s)
            }
        })
    }

    /// Remove expired sessions periodically (runs until the process ends).
    pub async fn delete_expired_every(self, period: Duration) {
        loop {
            tokio::time::sleep(period).await;
            if let Err(e) = self.delete_expired().await {
                tracing::warn!("deleting expired sessions: {e}");
            }
        }
    }
}

#[async_trait]
impl SessionStore for AnyStore {
    async fn create(&self, record: &mut Record) -> ts::Result<()> {
        either!(self, s => s.create(record).await)
    }
    async fn save(&self, record: &Record) -> ts::Result<()> {
        either!(self, s => s.save(record).await)
    }
    async fn load(&self, id: &Id) -> ts::Result<Option<Record>> {
        either!(self, s => s.load(id).await)
    }
    async fn delete(&self, id: &Id) -> ts::Result<()> {
        either!(self, s => s.delete(id).await)
    }
}

#[async_trait]
impl ExpiredDeletion for AnyStore {
    async fn delete_expired(&self) -> ts::Result<()> {
        either!(self, s => s.delete_expired().await)
    }
}
