//! Regional policy rows (`config` table), see `domain::config`.
use crate::audit::{self, Actor};
use crate::{Db, Result, StoreError, on_db, on_tx};
use chrono::Utc;
use domain::config::Policy;

/// The policy in force: stored rows over domain.md's defaults.
pub async fn load_policy(db: &Db) -> Result<Policy> {
    let rows: Vec<(String, String)> =
        on_db!(db, p => sqlx::query_as("SELECT key, value FROM config").fetch_all(p).await)?;
    let mut parsed = Vec::with_capacity(rows.len());
    for (k, v) in &rows {
        let v: serde_json::Value =
            serde_json::from_str(v).map_err(|e| StoreError::Corrupt(format!("config {k}: {e}")))?;
        parsed.push((k.as_str(), v));
    }
    Policy::from_rows(parsed).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Write the default rows that are missing (at set-up); existing rows are kept.
pub async fn seed_defaults(db: &Db) -> Result<()> {
    let now = Utc::now();
    for (k, v) in Policy::default().to_rows() {
        let q = "INSERT INTO config (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING";
        on_db!(db, p => sqlx::query(q).bind(k).bind(v.to_string()).bind(now).execute(p).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Replace one section, with its trace.
pub async fn set_section(
    db: &Db, actor: &Actor, key: &str, value: &serde_json::Value,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let before: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT value FROM config WHERE key = $1").bind(key).fetch_optional(c).await)?;
    let q = "INSERT INTO config (key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at";
    on_tx!(&mut tx, c => sqlx::query(q).bind(key).bind(value.to_string()).bind(actor.id).bind(Utc::now()).execute(c).await.map(|r| r.rows_affected()))?;
    let before: Option<serde_json::Value> = before.and_then(|b| serde_json::from_str(&b).ok());
    audit::record(
        &mut tx,
        actor,
        "update",
        "config",
        key,
        before.as_ref(),
        Some(value),
    )
    .await?;
    tx.commit().await
}
