//! 痕迹 — the append-only audit trail (design.md §4.6). Every write a person makes calls
//! [`record`] inside the same transaction as the write, so the trace and the change land together.
use crate::model::AuditEntry;
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::Utc;
use serde::Serialize;

/// Who made a change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<i64>,
    pub username: String,
}

impl Actor {
    pub fn system(name: &str) -> Actor {
        Actor {
            id: None,
            username: name.to_string(),
        }
    }
}

/// Append one entry: who, when (now), what (action on entity/key), before → after (JSON).
pub async fn record<B: Serialize, A: Serialize>(
    tx: &mut Tx, actor: &Actor, action: &str, entity: &str, entity_key: &str, before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    let before = before.map(|b| serde_json::to_string(b).unwrap_or_default());
    let after = after.map(|a| serde_json::to_string(a).unwrap_or_default());
    let q = "INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_key, before_json, after_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_tx!(tx, c => sqlx::query(q)
        .bind(Utc::now())
        .bind(actor.id)
        .bind(&actor.username)
        .bind(action)
        .bind(entity)
        .bind(entity_key)
        .bind(&before)
        .bind(&after)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Entries for one entity, newest first.
pub async fn for_entity(
    db: &Db, entity: &str, entity_key: &str, limit: i64,
) -> Result<Vec<AuditEntry>> {
    let q =
        "SELECT * FROM audit_log WHERE entity = $1 AND entity_key = $2 ORDER BY id DESC LIMIT $3";
    Ok(
        on_db!(db, p => sqlx::query_as::<_, AuditEntry>(q).bind(entity).bind(entity_key).bind(limit).fetch_all(p).await)?,
    )
}

/// The newest entries, optionally of one actor.
pub async fn recent(db: &Db, actor_id: Option<i64>, limit: i64) -> Result<Vec<AuditEntry>> {
    let q = "SELECT * FROM audit_log WHERE ($1 IS NULL OR actor_id = $1) ORDER BY id DESC LIMIT $2";
    Ok(
        on_db!(db, p => sqlx::query_as::<_, AuditEntry>(q).bind(actor_id).bind(limit).fetch_all(p).await)?,
    )
}
