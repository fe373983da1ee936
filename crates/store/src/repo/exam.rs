//! 应知应会 monthly tests: the question bank, the months' papers and the attempts.
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};

/// A question as stored (options and answer as JSON text).
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct QuestionRow {
    pub id: i64,
    pub category: String,
    pub kind: String,
    pub stem: String,
    pub options: String,
    pub answer: String,
    pub explanation: String,
    pub active: bool,
}

const QUESTION: &str =
    "SELECT id, category, kind, stem, options, answer, explanation, active FROM test_question";

/// The bank (active ones only: `active_only`), by category and id.
pub async fn questions(db: &Db, active_only: bool) -> Result<Vec<QuestionRow>> {
    let q = format!("{QUESTION} ORDER BY category, id");
    let all = on_db!(db, p => sqlx::query_as::<_, QuestionRow>(&q).fetch_all(p).await)?;
    Ok(all
        .into_iter()
        .filter(|x| x.active || !active_only)
        .collect())
}

pub async fn questions_by_ids(db: &Db, ids: &[i64]) -> Result<Vec<QuestionRow>> {
    let q = format!("{QUESTION} WHERE id IN {}", super::id_list(ids));
    Ok(on_db!(db, p => sqlx::query_as::<_, QuestionRow>(&q).fetch_all(p).await)?)
}

/// A new question written as is (checked by the caller).
#[allow(clippy::too_many_arguments)]
pub async fn question_insert(
    tx: &mut Tx, category: &str, kind: &str, stem: &str, options: &str, answer: &str,
    explanation: &str, by: Option<i64>, at: DateTime<Utc>,
) -> Result<i64> {
    let q = "INSERT INTO test_question (category, kind, stem, options, answer, explanation, active, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(q).bind(category).bind(kind).bind(stem).bind(options).bind(answer)
        .bind(explanation).bind(true).bind(by).bind(at).fetch_one(c).await)?,
    )
}

/// Retire or restore a question; false when there is none.
pub async fn question_active(tx: &mut Tx, id: i64, active: bool) -> Result<bool> {
    let q = "UPDATE test_question SET active = $2 WHERE id = $1";
    let n = on_tx!(tx, c => sqlx::query(q).bind(id).bind(active).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A month's paper.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct TestRow {
    pub id: i64,
    pub month: String,
    pub title: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub minutes: i64,
    pub question_ids: String,
}

const TEST: &str =
    "SELECT id, month, title, opens_on, closes_on, minutes, question_ids FROM monthly_test";

pub async fn tests(db: &Db) -> Result<Vec<TestRow>> {
    let q = format!("{TEST} ORDER BY month DESC");
    Ok(on_db!(db, p => sqlx::query_as::<_, TestRow>(&q).fetch_all(p).await)?)
}

pub async fn test(db: &Db, id: i64) -> Result<Option<TestRow>> {
    let q = format!("{TEST} WHERE id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, TestRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// A new paper; `None` when the month has one.
#[allow(clippy::too_many_arguments)]
pub async fn test_insert(
    tx: &mut Tx, month: &str, title: &str, opens_on: NaiveDate, closes_on: NaiveDate, minutes: i64,
    question_ids: &str, by: Option<i64>, at: DateTime<Utc>,
) -> Result<Option<i64>> {
    let q = "SELECT id FROM monthly_test WHERE month = $1";
    let exists: Option<i64> =
        on_tx!(tx, c => sqlx::query_scalar(q).bind(month).fetch_optional(c).await)?;
    if exists.is_some() {
        return Ok(None);
    }
    let q = "INSERT INTO monthly_test (month, title, opens_on, closes_on, minutes, question_ids, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    Ok(Some(
        on_tx!(tx, c => sqlx::query_scalar(q).bind(month).bind(title).bind(opens_on).bind(closes_on)
        .bind(minutes).bind(question_ids).bind(by).bind(at).fetch_one(c).await)?,
    ))
}

/// An attempt with the person's name and unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct AttemptRow {
    pub id: i64,
    pub test_id: i64,
    pub staff_id: i64,
    pub username: String,
    pub name: String,
    pub org_unit_id: Option<i64>,
    pub org_unit: Option<String>,
    pub started_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub answers: Option<String>,
    pub right_count: Option<i64>,
    pub score: Option<f64>,
}

const ATTEMPT: &str = "SELECT a.id, a.test_id, a.staff_id, s.username, s.name, s.org_unit_id, o.name AS org_unit, \
     a.started_at, a.submitted_at, a.answers, a.right_count, a.score FROM test_attempt a JOIN staff s ON s.id = a.staff_id \
     LEFT JOIN org_unit o ON o.id = s.org_unit_id";

/// A test's attempts, best score first.
pub async fn attempts(db: &Db, test_id: i64) -> Result<Vec<AttemptRow>> {
    let q = format!("{ATTEMPT} WHERE a.test_id = $1 ORDER BY a.score DESC, s.username");
    Ok(on_db!(db, p => sqlx::query_as::<_, AttemptRow>(&q).bind(test_id).fetch_all(p).await)?)
}

/// A person's attempts: (test, score) for every test they sat.
pub async fn attempts_of(db: &Db, staff_id: i64) -> Result<Vec<AttemptRow>> {
    let q = format!("{ATTEMPT} WHERE a.staff_id = $1 ORDER BY a.test_id DESC");
    Ok(on_db!(db, p => sqlx::query_as::<_, AttemptRow>(&q).bind(staff_id).fetch_all(p).await)?)
}

pub async fn attempt_tx(tx: &mut Tx, test_id: i64, staff_id: i64) -> Result<Option<AttemptRow>> {
    let q = format!("{ATTEMPT} WHERE a.test_id = $1 AND a.staff_id = $2");
    Ok(
        on_tx!(tx, c => sqlx::query_as::<_, AttemptRow>(&q).bind(test_id).bind(staff_id).fetch_optional(c).await)?,
    )
}

pub async fn attempt_insert(
    tx: &mut Tx, test_id: i64, staff_id: i64, at: DateTime<Utc>,
) -> Result<i64> {
    let q =
        "INSERT INTO test_attempt (test_id, staff_id, started_at) VALUES ($1, $2, $3) RETURNING id";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(q).bind(test_id).bind(staff_id).bind(at).fetch_one(c).await)?,
    )
}

/// Close an open attempt with its answers and score; false when it was closed first.
pub async fn attempt_submit(
    tx: &mut Tx, id: i64, answers: &str, right: i64, score: f64, at: DateTime<Utc>,
) -> Result<bool> {
    let q = "UPDATE test_attempt SET answers = $2, right_count = $3, score = $4, submitted_at = $5 \
             WHERE id = $1 AND submitted_at IS NULL";
    let n = on_tx!(tx, c => sqlx::query(q).bind(id).bind(answers).bind(right).bind(score).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
