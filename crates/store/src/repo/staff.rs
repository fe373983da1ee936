//! Staff and their organisation.
use crate::model::{OrgUnit, Staff};
use crate::{Db, Result, Tx, on_db, on_tx};

pub async fn by_username(db: &Db, username: &str) -> Result<Option<Staff>> {
    let q = "SELECT * FROM staff WHERE username = $1";
    Ok(on_db!(db, p => sqlx::query_as::<_, Staff>(q).bind(username).fetch_optional(p).await)?)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<Staff>> {
    let q = "SELECT * FROM staff WHERE id = $1";
    Ok(on_db!(db, p => sqlx::query_as::<_, Staff>(q).bind(id).fetch_optional(p).await)?)
}

/// Everyone, optionally of one role and/or under one org unit, ordered by role then name.
pub async fn list(db: &Db, role: Option<&str>, org_unit_id: Option<i64>) -> Result<Vec<Staff>> {
    let q = "SELECT * FROM staff WHERE ($1 IS NULL OR role = $1) AND ($2 IS NULL OR org_unit_id = $2) ORDER BY role, username";
    Ok(
        on_db!(db, p => sqlx::query_as::<_, Staff>(q).bind(role).bind(org_unit_id).fetch_all(p).await)?,
    )
}

/// The people a supervisor supervises directly.
pub async fn supervised_by(db: &Db, supervisor_id: i64) -> Result<Vec<Staff>> {
    let q = "SELECT * FROM staff WHERE supervisor_id = $1 ORDER BY username";
    Ok(on_db!(db, p => sqlx::query_as::<_, Staff>(q).bind(supervisor_id).fetch_all(p).await)?)
}

pub async fn org_unit(db: &Db, id: i64) -> Result<Option<OrgUnit>> {
    let q = "SELECT * FROM org_unit WHERE id = $1";
    Ok(on_db!(db, p => sqlx::query_as::<_, OrgUnit>(q).bind(id).fetch_optional(p).await)?)
}

pub async fn org_units(db: &Db) -> Result<Vec<OrgUnit>> {
    Ok(
        on_db!(db, p => sqlx::query_as::<_, OrgUnit>("SELECT * FROM org_unit ORDER BY id").fetch_all(p).await)?,
    )
}

/// Insert a person in the caller's transaction (the caller records the trace in it); returns the
/// new id.
pub async fn insert(tx: &mut Tx, s: &Staff) -> Result<i64> {
    let q = "INSERT INTO staff (username, name, role, org_unit_id, supervisor_id, employment_type, hired_on, phone, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q)
        .bind(&s.username).bind(&s.name).bind(&s.role).bind(s.org_unit_id).bind(s.supervisor_id)
        .bind(&s.employment_type).bind(s.hired_on).bind(&s.phone).bind(&s.password_hash).bind(s.active).bind(s.created_at)
        .fetch_one(c).await)?)
}

pub async fn set_password_hash(db: &Db, id: i64, hash: &str) -> Result<()> {
    on_db!(db, p => sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2").bind(hash).bind(id).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}
