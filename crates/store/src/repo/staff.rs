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
    let q = "INSERT INTO staff (username, name, role, org_unit_id, supervisor_id, employment_type, hired_on, phone, password_hash, active, \
             created_at, must_change_password) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q)
        .bind(&s.username).bind(&s.name).bind(&s.role).bind(s.org_unit_id).bind(s.supervisor_id)
        .bind(&s.employment_type).bind(s.hired_on).bind(&s.phone).bind(&s.password_hash).bind(s.active).bind(s.created_at)
        .bind(s.must_change_password)
        .fetch_one(c).await)?)
}

/// A new password hash, in the caller's transaction; `must_change` says whether its owner has to
/// change it at the next sign-in (an issued one) or chose it (a change).
pub async fn set_password_hash(tx: &mut Tx, id: i64, hash: &str, must_change: bool) -> Result<()> {
    let q = "UPDATE staff SET password_hash = $1, must_change_password = $2 WHERE id = $3";
    on_tx!(tx, c => sqlx::query(q).bind(hash).bind(must_change).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Password hashes that more than one active account shares, with how many share each: a
/// generated city's accounts share one (their salt is drawn once); people's own never do.
pub async fn shared_password_hashes(db: &Db) -> Result<Vec<(String, i64)>> {
    let q = "SELECT password_hash, COUNT(*) FROM staff WHERE active = $1 GROUP BY password_hash HAVING COUNT(*) > 1";
    Ok(on_db!(db, p => sqlx::query_as::<_, (String, i64)>(q).bind(true).fetch_all(p).await)?)
}
