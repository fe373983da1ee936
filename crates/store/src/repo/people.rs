//! People (domain.md §11): HR records, grades and their history, grading rounds (candidates,
//! review assignments, appeals) and the monthly payroll.
use crate::{Db, Result, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};

/// A person with their HR record (the record's fields `None` until one is kept).
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct HrRow {
    pub staff_id: i64,
    pub username: String,
    pub name: String,
    pub role: String,
    pub org_unit_id: Option<i64>,
    pub org_unit: Option<String>,
    pub employment_type: String,
    pub hired_on: Option<NaiveDate>,
    pub active: bool,
    pub education: Option<String>,
    pub matched: Option<bool>,
    pub econ_cert: Option<String>,
    pub marketer_cert: Option<String>,
    pub marketer_cert_on: Option<NaiveDate>,
    pub rep_since: Option<NaiveDate>,
    pub prior_months: Option<i64>,
    pub level: Option<String>,
    pub step: Option<String>,
    pub rural: Option<bool>,
    pub version: Option<i64>,
}

const HR: &str = "SELECT s.id AS staff_id, s.username, s.name, s.role, s.org_unit_id, o.name AS org_unit, \
     s.employment_type, s.hired_on, s.active, h.education, h.matched, h.econ_cert, h.marketer_cert, \
     h.marketer_cert_on, h.rep_since, h.prior_months, h.level, h.step, h.rural, h.version \
     FROM staff s LEFT JOIN staff_hr h ON h.staff_id = s.id LEFT JOIN org_unit o ON o.id = s.org_unit_id";

/// Everyone of a role (all roles: `None`), by unit and name.
pub async fn hr_list(db: &Db, role: Option<&str>) -> Result<Vec<HrRow>> {
    let cond = match role {
        Some(_) => "s.role = $1",
        None => "CAST($1 AS TEXT) IS NULL",
    };
    let q = format!("{HR} WHERE {cond} ORDER BY o.code, s.username");
    Ok(on_db!(db, p => sqlx::query_as::<_, HrRow>(&q).bind(role).fetch_all(p).await)?)
}

pub async fn hr_of(db: &Db, staff_id: i64) -> Result<Option<HrRow>> {
    let q = format!("{HR} WHERE s.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, HrRow>(&q).bind(staff_id).fetch_optional(p).await)?)
}

/// … as the transaction sees it.
pub async fn hr_of_tx(tx: &mut Tx, staff_id: i64) -> Result<Option<HrRow>> {
    let q = format!("{HR} WHERE s.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as::<_, HrRow>(&q).bind(staff_id).fetch_optional(c).await)?)
}

/// The fields of an HR record as written.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HrWrite {
    pub education: String,
    pub matched: bool,
    pub econ_cert: Option<String>,
    pub marketer_cert: Option<String>,
    pub marketer_cert_on: Option<NaiveDate>,
    pub rep_since: Option<NaiveDate>,
    pub prior_months: i64,
    pub level: Option<String>,
    pub step: Option<String>,
    pub rural: bool,
}

/// Write a record: a new one when `version` is `None` (false if one exists), else the one at
/// `version` (false when someone changed it first).
pub async fn hr_write(
    tx: &mut Tx, staff_id: i64, version: Option<i64>, w: &HrWrite, by: i64, at: DateTime<Utc>,
) -> Result<bool> {
    let n = match version {
        None => {
            let q = "INSERT INTO staff_hr (staff_id, education, matched, econ_cert, marketer_cert, marketer_cert_on, \
                     rep_since, prior_months, level, step, rural, version, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13) ON CONFLICT (staff_id) DO NOTHING";
            on_tx!(tx, c => sqlx::query(q).bind(staff_id).bind(&w.education).bind(w.matched).bind(&w.econ_cert)
                .bind(&w.marketer_cert).bind(w.marketer_cert_on).bind(w.rep_since).bind(w.prior_months)
                .bind(&w.level).bind(&w.step).bind(w.rural).bind(by).bind(at).execute(c).await.map(|r| r.rows_affected()))?
        }
        Some(v) => {
            let q = "UPDATE staff_hr SET education = $2, matched = $3, econ_cert = $4, marketer_cert = $5, \
                     marketer_cert_on = $6, rep_since = $7, prior_months = $8, level = $9, step = $10, rural = $11, \
                     version = version + 1, updated_by = $12, updated_at = $13 WHERE staff_id = $1 AND version = $14";
            on_tx!(tx, c => sqlx::query(q).bind(staff_id).bind(&w.education).bind(w.matched).bind(&w.econ_cert)
                .bind(&w.marketer_cert).bind(w.marketer_cert_on).bind(w.rep_since).bind(w.prior_months)
                .bind(&w.level).bind(&w.step).bind(w.rural).bind(by).bind(at).bind(v).execute(c).await.map(|r| r.rows_affected()))?
        }
    };
    Ok(n == 1)
}

pub async fn set_employment(tx: &mut Tx, staff_id: i64, employment_type: &str) -> Result<()> {
    let q = "UPDATE staff SET employment_type = $2 WHERE id = $1";
    on_tx!(tx, c => sqlx::query(q).bind(staff_id).bind(employment_type).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Set a person's grade on the record (which must exist).
pub async fn set_grade(tx: &mut Tx, staff_id: i64, level: &str, step: &str) -> Result<()> {
    let q = "UPDATE staff_hr SET level = $2, step = $3, version = version + 1 WHERE staff_id = $1";
    on_tx!(tx, c => sqlx::query(q).bind(staff_id).bind(level).bind(step).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// A grade in a person's history.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct GradeRow {
    pub id: i64,
    pub staff_id: i64,
    pub level: String,
    pub step: String,
    pub since: NaiveDate,
    pub round_id: Option<i64>,
    pub reason: String,
    pub decided_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[allow(clippy::too_many_arguments)]
pub async fn grade_insert(
    tx: &mut Tx, staff_id: i64, level: &str, step: &str, since: NaiveDate, round_id: Option<i64>,
    reason: &str, by: Option<i64>, at: DateTime<Utc>,
) -> Result<()> {
    let q = "INSERT INTO staff_grade (staff_id, level, step, since, round_id, reason, decided_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_tx!(tx, c => sqlx::query(q).bind(staff_id).bind(level).bind(step).bind(since).bind(round_id)
        .bind(reason).bind(by).bind(at).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// A person's grades, newest first.
pub async fn grades_of(db: &Db, staff_id: i64) -> Result<Vec<GradeRow>> {
    let q = "SELECT id, staff_id, level, step, since, round_id, reason, decided_by, created_at FROM staff_grade \
             WHERE staff_id = $1 ORDER BY since DESC, id DESC";
    Ok(on_db!(db, p => sqlx::query_as::<_, GradeRow>(q).bind(staff_id).fetch_all(p).await)?)
}

/// A grading round.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct RoundRow {
    pub id: i64,
    pub name: String,
    pub as_of: NaiveDate,
    pub first_round: bool,
    pub status: String,
    pub publicity_from: Option<NaiveDate>,
    pub publicity_until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub version: i64,
}

const ROUND: &str = "SELECT id, name, as_of, first_round, status, publicity_from, publicity_until, created_at, \
     approved_at, version FROM grading_round";

pub async fn rounds(db: &Db) -> Result<Vec<RoundRow>> {
    let q = format!("{ROUND} ORDER BY as_of DESC, id DESC");
    Ok(on_db!(db, p => sqlx::query_as::<_, RoundRow>(&q).fetch_all(p).await)?)
}

pub async fn round(db: &Db, id: i64) -> Result<Option<RoundRow>> {
    let q = format!("{ROUND} WHERE id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, RoundRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// The round as the transaction sees it (for state checks inside the write).
pub async fn round_tx(tx: &mut Tx, id: i64) -> Result<Option<RoundRow>> {
    let q = format!("{ROUND} WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as::<_, RoundRow>(&q).bind(id).fetch_optional(c).await)?)
}

/// Whether any round was approved before (the first round waives the certificate rule).
pub async fn first_approved(db: &Db) -> Result<Option<NaiveDate>> {
    let q = "SELECT MIN(as_of) FROM grading_round WHERE status = 'APPROVED'";
    Ok(on_db!(db, p => sqlx::query_scalar(q).fetch_one(p).await)?)
}

/// An open round's id (at most one is open at a time).
pub async fn open_round(tx: &mut Tx) -> Result<Option<i64>> {
    let q = "SELECT id FROM grading_round WHERE status <> 'APPROVED' LIMIT 1";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q).fetch_optional(c).await)?)
}

pub async fn round_insert(
    tx: &mut Tx, name: &str, as_of: NaiveDate, first_round: bool, by: i64, at: DateTime<Utc>,
) -> Result<i64> {
    let q = "INSERT INTO grading_round (name, as_of, first_round, status, created_by, created_at) \
             VALUES ($1, $2, $3, 'REVIEW', $4, $5) RETURNING id";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(q).bind(name).bind(as_of).bind(first_round).bind(by).bind(at).fetch_one(c).await)?,
    )
}

/// Move a round from `from` at `version` to `to`; false when it moved first.
#[allow(clippy::too_many_arguments)]
pub async fn round_move(
    tx: &mut Tx, id: i64, version: i64, from: &str, to: &str,
    publicity: Option<(NaiveDate, NaiveDate)>, by: i64, at: DateTime<Utc>,
) -> Result<bool> {
    let (pf, pu) = publicity.unzip();
    let q = "UPDATE grading_round SET status = $4, version = version + 1, \
             publicity_from = COALESCE($5, publicity_from), publicity_until = COALESCE($6, publicity_until), \
             decided_by = CASE WHEN $4 = 'DECIDED' THEN $7 ELSE decided_by END, \
             approved_by = CASE WHEN $4 = 'APPROVED' THEN $7 ELSE approved_by END, \
             approved_at = CASE WHEN $4 = 'APPROVED' THEN $8 ELSE approved_at END \
             WHERE id = $1 AND version = $2 AND status = $3";
    let n = on_tx!(tx, c => sqlx::query(q).bind(id).bind(version).bind(from).bind(to).bind(pf).bind(pu)
        .bind(by).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A candidate with their name and unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct CandidateRow {
    pub id: i64,
    pub round_id: i64,
    pub staff_id: i64,
    pub username: String,
    pub name: String,
    pub org_unit: Option<String>,
    pub org_unit_id: Option<i64>,
    pub eligible: bool,
    pub eligibility: String,
    pub education_pts: f64,
    pub years_pts: f64,
    pub exam_score: Option<f64>,
    pub score_json: Option<String>,
    pub total: Option<f64>,
    pub proposed_level: Option<String>,
    pub proposed_step: Option<String>,
    pub level: Option<String>,
    pub step: Option<String>,
    pub override_reason: Option<String>,
    pub cert_note: Option<String>,
}

const CANDIDATE: &str = "SELECT c.id, c.round_id, c.staff_id, s.username, s.name, o.name AS org_unit, s.org_unit_id, \
     c.eligible, c.eligibility, c.education_pts, c.years_pts, c.exam_score, c.score_json, c.total, c.proposed_level, \
     c.proposed_step, c.level, c.step, c.override_reason, c.cert_note \
     FROM grading_candidate c JOIN staff s ON s.id = c.staff_id LEFT JOIN org_unit o ON o.id = s.org_unit_id";

/// A round's candidates, by unit and username.
pub async fn candidates(db: &Db, round_id: i64) -> Result<Vec<CandidateRow>> {
    let q = format!("{CANDIDATE} WHERE c.round_id = $1 ORDER BY o.code, s.username");
    Ok(on_db!(db, p => sqlx::query_as::<_, CandidateRow>(&q).bind(round_id).fetch_all(p).await)?)
}

/// … as the transaction sees them.
pub async fn candidates_tx(tx: &mut Tx, round_id: i64) -> Result<Vec<CandidateRow>> {
    let q = format!("{CANDIDATE} WHERE c.round_id = $1 ORDER BY o.code, s.username");
    Ok(on_tx!(tx, c => sqlx::query_as::<_, CandidateRow>(&q).bind(round_id).fetch_all(c).await)?)
}

pub async fn candidate(db: &Db, id: i64) -> Result<Option<CandidateRow>> {
    let q = format!("{CANDIDATE} WHERE c.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, CandidateRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// A person's candidacies, newest round first.
pub async fn candidacies(db: &Db, staff_id: i64) -> Result<Vec<CandidateRow>> {
    let q = format!("{CANDIDATE} WHERE c.staff_id = $1 ORDER BY c.round_id DESC");
    Ok(on_db!(db, p => sqlx::query_as::<_, CandidateRow>(&q).bind(staff_id).fetch_all(p).await)?)
}

pub async fn candidate_insert(
    tx: &mut Tx, round_id: i64, staff_id: i64, eligible: bool, eligibility: &str,
    education_pts: f64, years_pts: f64,
) -> Result<i64> {
    let q = "INSERT INTO grading_candidate (round_id, staff_id, eligible, eligibility, education_pts, years_pts) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(q).bind(round_id).bind(staff_id).bind(eligible).bind(eligibility)
        .bind(education_pts).bind(years_pts).fetch_one(c).await)?,
    )
}

pub async fn set_exam(tx: &mut Tx, id: i64, score: f64) -> Result<()> {
    let q = "UPDATE grading_candidate SET exam_score = $2 WHERE id = $1";
    on_tx!(tx, c => sqlx::query(q).bind(id).bind(score).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Store the computed sheet, total and the cut-off table's grade.
pub async fn set_result(
    tx: &mut Tx, id: i64, score_json: &str, total: f64, level: &str, step: &str,
) -> Result<()> {
    let q = "UPDATE grading_candidate SET score_json = $2, total = $3, proposed_level = $4, proposed_step = $5 WHERE id = $1";
    on_tx!(tx, c => sqlx::query(q).bind(id).bind(score_json).bind(total).bind(level).bind(step)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Store the decided grade.
pub async fn set_final(
    tx: &mut Tx, id: i64, level: &str, step: &str, override_reason: Option<&str>,
    cert_note: Option<&str>,
) -> Result<()> {
    let q = "UPDATE grading_candidate SET level = $2, step = $3, override_reason = $4, cert_note = $5 WHERE id = $1";
    on_tx!(tx, c => sqlx::query(q).bind(id).bind(level).bind(step).bind(override_reason).bind(cert_note)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// A review assignment with the names a reviewer needs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct AssignmentRow {
    pub id: i64,
    pub round_id: i64,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub reviewer_id: i64,
    pub reviewer_name: String,
    pub grp: String,
    pub retailer_id: Option<i64>,
    pub customer_code: Option<String>,
    pub retailer_name: Option<String>,
    pub items_json: Option<String>,
    pub score: Option<f64>,
    pub scored_at: Option<DateTime<Utc>>,
}

const ASSIGNMENT: &str = "SELECT a.id, a.round_id, a.candidate_id, cs.name AS candidate_name, a.reviewer_id, \
     rs.name AS reviewer_name, a.grp, a.retailer_id, r.customer_code, r.name AS retailer_name, a.items_json, a.score, \
     a.scored_at FROM grading_assignment a JOIN grading_candidate c ON c.id = a.candidate_id \
     JOIN staff cs ON cs.id = c.staff_id JOIN staff rs ON rs.id = a.reviewer_id LEFT JOIN retailer r ON r.id = a.retailer_id";

/// A reviewer's assignments in a round.
pub async fn assignments_of(
    db: &Db, reviewer_id: i64, round_id: i64,
) -> Result<Vec<AssignmentRow>> {
    let q = format!(
        "{ASSIGNMENT} WHERE a.reviewer_id = $1 AND a.round_id = $2 ORDER BY a.score IS NOT NULL, cs.name, a.grp, a.id"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, AssignmentRow>(&q).bind(reviewer_id).bind(round_id).fetch_all(p).await)?,
    )
}

pub async fn assignment(db: &Db, id: i64) -> Result<Option<AssignmentRow>> {
    let q = format!("{ASSIGNMENT} WHERE a.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, AssignmentRow>(&q).bind(id).fetch_optional(p).await)?)
}

/// Add an assignment; false when the same one exists.
pub async fn assignment_insert(
    tx: &mut Tx, round_id: i64, candidate_id: i64, reviewer_id: i64, grp: &str,
    retailer_id: Option<i64>,
) -> Result<Option<i64>> {
    let q = "SELECT id FROM grading_assignment WHERE candidate_id = $1 AND reviewer_id = $2 AND grp = $3 \
             AND COALESCE(retailer_id, 0) = COALESCE($4, 0)";
    let exists: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(q).bind(candidate_id).bind(reviewer_id).bind(grp)
        .bind(retailer_id).fetch_optional(c).await)?;
    if exists.is_some() {
        return Ok(None);
    }
    let q = "INSERT INTO grading_assignment (round_id, candidate_id, reviewer_id, grp, retailer_id) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id";
    Ok(Some(
        on_tx!(tx, c => sqlx::query_scalar(q).bind(round_id).bind(candidate_id).bind(reviewer_id).bind(grp)
        .bind(retailer_id).fetch_one(c).await)?,
    ))
}

/// A round's assignments with their candidate's person: (assignment, staff).
pub async fn assignments_of_round_tx(tx: &mut Tx, round_id: i64) -> Result<Vec<(i64, i64)>> {
    let q = "SELECT a.id, c.staff_id FROM grading_assignment a JOIN grading_candidate c ON c.id = a.candidate_id \
             WHERE a.round_id = $1 ORDER BY a.id";
    Ok(on_tx!(tx, c => sqlx::query_as(q).bind(round_id).fetch_all(c).await)?)
}

/// Record a score (only once: false when scored already).
pub async fn assignment_score(
    tx: &mut Tx, id: i64, items_json: &str, score: f64, at: DateTime<Utc>,
) -> Result<bool> {
    let q = "UPDATE grading_assignment SET items_json = $2, score = $3, scored_at = $4 WHERE id = $1 AND score IS NULL";
    let n = on_tx!(tx, c => sqlx::query(q).bind(id).bind(items_json).bind(score).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A round's assignments in counts and scores: (candidate, group, retailer, score).
pub async fn scores_tx(
    tx: &mut Tx, round_id: i64,
) -> Result<Vec<(i64, String, Option<i64>, Option<f64>)>> {
    let q = "SELECT candidate_id, grp, retailer_id, score FROM grading_assignment WHERE round_id = $1 ORDER BY id";
    Ok(on_tx!(tx, c => sqlx::query_as(q).bind(round_id).fetch_all(c).await)?)
}

/// Assigned and scored per candidate and group: (candidate, group, assigned, scored).
pub async fn progress(db: &Db, round_id: i64) -> Result<Vec<(i64, String, i64, i64)>> {
    let q = "SELECT candidate_id, grp, CAST(COUNT(*) AS BIGINT), CAST(COUNT(score) AS BIGINT) FROM grading_assignment \
             WHERE round_id = $1 GROUP BY candidate_id, grp";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(round_id).fetch_all(p).await)?)
}

/// The rounds a person reviews in, with their open assignments: (round, open).
pub async fn reviewer_rounds(db: &Db, reviewer_id: i64) -> Result<Vec<(i64, i64)>> {
    let q = "SELECT round_id, CAST(SUM(CASE WHEN score IS NULL THEN 1 ELSE 0 END) AS BIGINT) FROM grading_assignment \
             WHERE reviewer_id = $1 GROUP BY round_id ORDER BY round_id DESC";
    Ok(on_db!(db, p => sqlx::query_as(q).bind(reviewer_id).fetch_all(p).await)?)
}

/// An appeal with its candidate.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct AppealRow {
    pub id: i64,
    pub candidate_id: i64,
    pub staff_id: i64,
    pub name: String,
    pub reason: String,
    pub filed_at: DateTime<Utc>,
    pub status: String,
    pub answer: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

const APPEAL: &str = "SELECT g.id, g.candidate_id, c.staff_id, s.name, g.reason, g.filed_at, g.status, g.answer, \
     g.decided_at FROM grading_appeal g JOIN grading_candidate c ON c.id = g.candidate_id JOIN staff s ON s.id = c.staff_id";

pub async fn appeals(db: &Db, round_id: i64) -> Result<Vec<AppealRow>> {
    let q = format!("{APPEAL} WHERE c.round_id = $1 ORDER BY g.id");
    Ok(on_db!(db, p => sqlx::query_as::<_, AppealRow>(&q).bind(round_id).fetch_all(p).await)?)
}

pub async fn appeal(db: &Db, id: i64) -> Result<Option<AppealRow>> {
    let q = format!("{APPEAL} WHERE g.id = $1");
    Ok(on_db!(db, p => sqlx::query_as::<_, AppealRow>(&q).bind(id).fetch_optional(p).await)?)
}

pub async fn appeal_insert(
    tx: &mut Tx, candidate_id: i64, reason: &str, at: DateTime<Utc>,
) -> Result<i64> {
    let q = "INSERT INTO grading_appeal (candidate_id, reason, filed_at, status) VALUES ($1, $2, $3, 'PENDING') RETURNING id";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(q).bind(candidate_id).bind(reason).bind(at).fetch_one(c).await)?,
    )
}

/// Decide a pending appeal; false when it was decided first.
pub async fn appeal_decide(
    tx: &mut Tx, id: i64, status: &str, answer: &str, by: i64, at: DateTime<Utc>,
) -> Result<bool> {
    let q = "UPDATE grading_appeal SET status = $2, answer = $3, decided_by = $4, decided_at = $5 \
             WHERE id = $1 AND status = 'PENDING'";
    let n = on_tx!(tx, c => sqlx::query(q).bind(id).bind(status).bind(answer).bind(by).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Pending appeals of a candidate.
pub async fn appeals_of_tx(tx: &mut Tx, candidate_id: i64) -> Result<i64> {
    let q = "SELECT CAST(COUNT(*) AS BIGINT) FROM grading_appeal WHERE candidate_id = $1 AND status = 'PENDING'";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q).bind(candidate_id).fetch_one(c).await)?)
}

/// Pending appeals of a round.
pub async fn pending_appeals(tx: &mut Tx, round_id: i64) -> Result<i64> {
    let q = "SELECT CAST(COUNT(*) AS BIGINT) FROM grading_appeal g JOIN grading_candidate c ON c.id = g.candidate_id \
             WHERE c.round_id = $1 AND g.status = 'PENDING'";
    Ok(on_tx!(tx, c => sqlx::query_scalar(q).bind(round_id).fetch_one(c).await)?)
}

/// A payroll line with the person's name.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct PayrollRow {
    pub month: String,
    pub staff_id: i64,
    pub username: String,
    pub name: String,
    pub org_unit: Option<String>,
    pub employment_type: String,
    pub level: String,
    pub assessed_step: String,
    pub paid_step: String,
    pub years: i64,
    pub base_fen: i64,
    pub allowance_fen: i64,
    pub seniority_fen: i64,
    pub perf_base_fen: i64,
    pub coefficient: f64,
    pub factor: f64,
    pub performance_fen: i64,
    pub total_fen: i64,
    pub lines_json: String,
}

const PAYROLL: &str = "SELECT p.month, p.staff_id, s.username, s.name, o.name AS org_unit, p.employment_type, p.level, \
     p.assessed_step, p.paid_step, p.years, p.base_fen, p.allowance_fen, p.seniority_fen, p.perf_base_fen, \
     p.coefficient, p.factor, p.performance_fen, p.total_fen, p.lines_json \
     FROM payroll_line p JOIN staff s ON s.id = p.staff_id LEFT JOIN org_unit o ON o.id = s.org_unit_id";

/// A month's payroll (one person's: `staff`).
pub async fn payroll(db: &Db, month: &str, staff: Option<i64>) -> Result<Vec<PayrollRow>> {
    let one = match staff {
        Some(_) => "p.staff_id = $2",
        None => "CAST($2 AS BIGINT) IS NULL",
    };
    let q = format!("{PAYROLL} WHERE p.month = $1 AND {one} ORDER BY o.code, s.username");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, PayrollRow>(&q).bind(month).bind(staff).fetch_all(p).await)?,
    )
}

/// A person's pay, newest month first.
pub async fn pay_of(db: &Db, staff_id: i64, limit: i64) -> Result<Vec<PayrollRow>> {
    let q = format!("{PAYROLL} WHERE p.staff_id = $1 ORDER BY p.month DESC LIMIT $2");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, PayrollRow>(&q).bind(staff_id).bind(limit).fetch_all(p).await)?,
    )
}

/// The months with a payroll, newest first, with their line count and total.
pub async fn payroll_months(db: &Db) -> Result<Vec<(String, i64, i64)>> {
    let q = "SELECT month, CAST(COUNT(*) AS BIGINT), CAST(SUM(total_fen) AS BIGINT) FROM payroll_line \
             GROUP BY month ORDER BY month DESC";
    Ok(on_db!(db, p => sqlx::query_as(q).fetch_all(p).await)?)
}

/// Replace a month's payroll with `rows`.
pub async fn payroll_replace(
    tx: &mut Tx, month: &str, rows: &[PayrollRow], by: Option<i64>, at: DateTime<Utc>,
) -> Result<usize> {
    on_tx!(tx, c => sqlx::query("DELETE FROM payroll_line WHERE month = $1").bind(month).execute(c).await.map(|_| ()))?;
    let q = "INSERT INTO payroll_line (month, staff_id, employment_type, level, assessed_step, paid_step, years, base_fen, \
             allowance_fen, seniority_fen, perf_base_fen, coefficient, factor, performance_fen, total_fen, lines_json, \
             computed_by, computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";
    for r in rows {
        on_tx!(tx, c => sqlx::query(q).bind(month).bind(r.staff_id).bind(&r.employment_type).bind(&r.level)
            .bind(&r.assessed_step).bind(&r.paid_step).bind(r.years).bind(r.base_fen).bind(r.allowance_fen)
            .bind(r.seniority_fen).bind(r.perf_base_fen).bind(r.coefficient).bind(r.factor).bind(r.performance_fen)
            .bind(r.total_fen).bind(&r.lines_json).bind(by).bind(at).execute(c).await.map(|_| ()))?;
    }
    Ok(rows.len())
}
