//! One start-up for every face (design.md §4.2): connect to the database named by a URL
//! (`sqlite:PATH`, created if missing, or `postgres://…`), bring its schema up to date, do the
//! planner's cheap upkeep and write the default configuration rows that are missing. The CLI's
//! commands and the tests' set-up both start here.
use crate::{App, AppResult};
use store::Db;

pub use store::audit::Actor;

/// Open the platform on the database at `url`, ready to serve (the clock is the system's).
pub async fn open(url: &str) -> AppResult<App> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    store::rollup::ensure(&db).await?;
    db.optimize().await?;
    store::repo::config::seed_defaults(&db).await?;
    let app = App::new(db);
    crate::accuracy::refresh_missing(&app).await?;
    crate::warnings::refresh_missing(&app).await?;
    crate::new_sku::refresh_stale(&app).await?;
    Ok(app)
}

/// The actor of a command run by the system (not by a signed-in person), for the audit trail.
pub fn system_actor(name: &str) -> Actor {
    Actor::system(name)
}

impl App {
    /// True when the database holds no organisation yet (a fresh database).
    pub async fn is_empty(&self) -> AppResult<bool> {
        Ok(self.db.is_empty().await?)
    }

    /// Refresh the query planner's statistics (after a bulk load).
    pub async fn analyze(&self) -> AppResult<()> {
        Ok(self.db.analyze().await?)
    }

    /// Close the database; on SQLite the write-ahead log is folded into the file first, so the
    /// file alone is complete and can be copied.
    pub async fn close(&self) {
        self.db.close().await
    }
}
