//! 客户满意度 (domain.md §6): survey waves, the retailers each samples, and the answers — kept
//! without the retailer (anonymous to the rep); the invitation records that it answered, once.
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};

/// A wave as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct WaveRow {
    pub id: i64,
    pub title: String,
    pub month: String,
    /// The questionnaire as it was when the wave opened (JSON).
    pub questionnaire: String,
    pub sample_pct: f64,
    pub closes_on: NaiveDate,
    pub invited: i64,
    pub answered: i64,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

const WAVE: &str = "SELECT w.id, w.title, w.month, w.questionnaire, w.sample_pct, w.closes_on, \
     CAST((SELECT COUNT(*) FROM satisfaction_invite i WHERE i.wave_id = w.id) AS BIGINT) AS invited, \
     CAST((SELECT COUNT(*) FROM satisfaction_invite i WHERE i.wave_id = w.id AND i.answered = TRUE) AS BIGINT) AS answered, \
     w.created_by, w.created_at FROM satisfaction_wave w";

pub async fn waves(db: &Db) -> Result<Vec<WaveRow>> {
    let q = format!("{WAVE} ORDER BY w.id DESC LIMIT 50");
    Ok(on_db!(db, p => sqlx::query_as::<_, WaveRow>(&q).fetch_all(p).await)?)
}

pub async fn wave(db: &Db, id: i64) -> Result<Option<WaveRow>> {
    let q = format!("{WAVE} WHERE w.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, WaveRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// A new wave with its invitations: (retailer, rep).
#[allow(clippy::too_many_arguments)]
pub async fn insert_wave(
    tx: &mut Tx, title: &str, month: &str, questionnaire: &str, sample_pct: f64,
    closes_on: NaiveDate, invites: &[(i64, i64)], by: i64, at: DateTime<Utc>,
) -> Result<i64> {
    let q = "INSERT INTO satisfaction_wave (title, month, questionnaire, sample_pct, closes_on, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(q).bind(title).bind(month).bind(questionnaire)
        .bind(sample_pct).bind(closes_on).bind(by).bind(at).fetch_one(c).await)?;
    for chunk in invites.chunks(500) {
        // integers read from the database, written as literals
        let values: Vec<String> = chunk
            .iter()
            .map(|(r, rep)| format!("({id}, {r}, {rep}, $1)"))
            .collect();
        let q = format!(
            "INSERT INTO satisfaction_invite (wave_id, retailer_id, rep_id, answered) VALUES {}",
            values.join(", ")
        );
        on_tx!(tx, c => sqlx::query(&q).bind(false).execute(c).await.map(|_| ()))?;
    }
    Ok(id)
}

/// The open wave (closing today or later) that invited a retailer and that it has not answered.
pub async fn open_invite(db: &Db, retailer_id: i64, today: NaiveDate) -> Result<Option<i64>> {
    let q = "SELECT w.id FROM satisfaction_wave w JOIN satisfaction_invite i ON i.wave_id = w.id \
             WHERE i.retailer_id = $1 AND i.answered = $2 AND w.closes_on >= $3 ORDER BY w.id DESC LIMIT 1";
    Ok(
        on_db!(db, p => sqlx::query_scalar(q).bind(retailer_id).bind(false).bind(today).fetch_optional(p).await)?,
    )
}

/// Whether a retailer was invited by a wave: Some(answered) or None.
pub async fn invite(db: &Db, wave_id: i64, retailer_id: i64) -> Result<Option<bool>> {
    let q = "SELECT answered FROM satisfaction_invite WHERE wave_id = $1 AND retailer_id = $2";
    Ok(
        on_db!(db, p => sqlx::query_scalar(q).bind(wave_id).bind(retailer_id).fetch_optional(p).await)?,
    )
}

/// Mark the invitation answered if it was not (the one-answer check, inside the transaction).
pub async fn take_invite(tx: &mut Tx, wave_id: i64, retailer_id: i64) -> Result<bool> {
    let q = "UPDATE satisfaction_invite SET answered = $1 WHERE wave_id = $2 AND retailer_id = $3 AND answered = $4";
    let n = on_tx!(tx, c => sqlx::query(q).bind(true).bind(wave_id).bind(retailer_id).bind(false)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// An answer as stored (no retailer).
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct AnswerRow {
    pub rep_id: Option<i64>,
    pub area_id: Option<i64>,
    pub county_id: Option<i64>,
    pub channel: String,
    pub total: f64,
    /// Item scores in questionnaire order (JSON array, null for an item left blank).
    pub item_scores: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_answer(
    tx: &mut Tx, wave_id: i64, a: &AnswerRow, answers: &str, by: Option<i64>, at: DateTime<Utc>,
) -> Result<()> {
    let q = "INSERT INTO satisfaction_answer (wave_id, rep_id, area_id, county_id, channel, total, item_scores, answers, \
             entered_by, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    on_tx!(tx, c => sqlx::query(q).bind(wave_id).bind(a.rep_id).bind(a.area_id).bind(a.county_id)
        .bind(&a.channel).bind(a.total).bind(&a.item_scores).bind(answers).bind(by).bind(at)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// A wave's answers in a scope (by the rep, area and county of the retailer when it answered).
pub async fn answers(db: &Db, wave_id: i64, scope: super::ScopeIds) -> Result<Vec<AnswerRow>> {
    let part = |v: Option<i64>, n: u8, col: &str| match v {
        Some(_) => format!("a.{col} = ${n}"),
        None => format!("CAST(${n} AS BIGINT) IS NULL"),
    };
    let q = format!(
        "SELECT a.rep_id, a.area_id, a.county_id, a.channel, a.total, a.item_scores FROM satisfaction_answer a \
         WHERE {} AND {} AND {} AND a.wave_id = $4",
        part(scope.rep_id, 1, "rep_id"),
        part(scope.area_id, 2, "area_id"),
        part(scope.county_id, 3, "county_id")
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, AnswerRow>(&q).bind(scope.rep_id).bind(scope.area_id)
        .bind(scope.county_id).bind(wave_id).fetch_all(p).await)?,
    )
}

/// The retailers a wave invited, with their rep, area and county and whether they answered.
pub async fn invited(db: &Db, wave_id: i64) -> Result<Vec<(i64, Option<i64>, i64, i64, bool)>> {
    let q = "SELECT i.retailer_id, r.account_manager_id, r.area_id, r.county_id, i.answered FROM satisfaction_invite i \
             JOIN retailer r ON r.id = i.retailer_id WHERE i.wave_id = $1 ORDER BY i.retailer_id";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(wave_id).fetch_all(p).await)?)
}

/// The open retailers per rep (the frame of a wave's sample): (rep, retailer).
pub async fn frame(db: &Db) -> Result<Vec<(i64, i64)>> {
    let q = "SELECT account_manager_id, id FROM retailer WHERE business_status <> 'CLOSED' \
             AND account_manager_id IS NOT NULL ORDER BY account_manager_id, id";
    Ok(on_db!(db, p => sqlx::query_as(q).fetch_all(p).await)?)
}
