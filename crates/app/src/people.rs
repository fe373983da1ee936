//! People for HR (domain.md §11): the account managers' records (education, certificates, years
//! in the post, employment type, level and step with their history), one's own record, and the
//! monthly payroll (§11.4, formulas in `domain::people`).
//!
//! Who: the marketing centre and the admin keep the records and run the payroll; everyone sees
//! their own record, grades and pay — and nobody else's pay.
use crate::access::CENTER as HR_KEEPERS;
use crate::{App, AppError, AppResult, CurrentUser};
use chrono::{Datelike, NaiveDate};
use domain::Month;
use domain::org::{EmploymentType, Role};
use domain::people::{self as rules, CertLevel, Education, Level, Step};
use serde::{Deserialize, Serialize};
use store::repo::people::{self as repo, GradeRow, HrRow, HrWrite, PayrollRow};

/// Most months of earlier experience one may enter (50 years).
const MAX_PRIOR_MONTHS: i64 = 600;

/// A person's record in words, with what follows from it.
#[derive(Debug, Clone, Serialize)]
pub struct HrView {
    #[serde(flatten)]
    pub row: HrRow,
    pub role_zh: String,
    pub employment_zh: String,
    pub education_zh: Option<String>,
    pub econ_cert_zh: Option<String>,
    pub marketer_cert_zh: Option<String>,
    /// 中级b档.
    pub grade_zh: Option<String>,
    /// Full years in the rep post today.
    pub years_in_post: Option<u32>,
    /// Education points and years points (§11.3) as of today.
    pub education_points: Option<f64>,
    pub years_points: Option<f64>,
    /// The paid step (one up for rural reps).
    pub paid_step_zh: Option<String>,
}

fn zh<T: Copy>(
    code: Option<&str>, parse: fn(&str) -> Result<T, domain::ParseError>, f: fn(T) -> &'static str,
) -> Option<String> {
    code.and_then(|c| parse(c).ok()).map(|v| f(v).to_string())
}

/// Full years in the post by `on` (the post entry date to `on`) plus earlier experience.
pub(crate) fn experience_years(row: &HrRow, on: NaiveDate) -> (u32, f64) {
    let in_post = row.rep_since.map(|d| rules::full_years(d, on)).unwrap_or(0);
    let prior = row.prior_months.unwrap_or(0) as f64 / 12.0;
    (in_post, in_post as f64 + prior)
}

fn view(
    row: HrRow, today: NaiveDate, grading: &rules::GradingPolicy, pay: &rules::PayPolicy,
) -> HrView {
    let education = row
        .education
        .as_deref()
        .and_then(|e| Education::parse(e).ok());
    let econ = row
        .econ_cert
        .as_deref()
        .and_then(|e| CertLevel::parse(e).ok());
    let level = row.level.as_deref().and_then(|e| Level::parse(e).ok());
    let step = row.step.as_deref().and_then(|e| Step::parse(e).ok());
    let (in_post, all_years) = experience_years(&row, today);
    let has_record = row.version.is_some();
    let paid = step.map(|s| {
        if row.rural.unwrap_or(false) && pay.rural_step_up {
            s.up()
        } else {
            s
        }
    });
    HrView {
        role_zh: Role::parse(&row.role)
            .map(|r| r.zh().to_string())
            .unwrap_or_else(|_| row.role.clone()),
        employment_zh: EmploymentType::parse(&row.employment_type)
            .map(|e| e.zh().to_string())
            .unwrap_or_default(),
        education_zh: education.map(|e| {
            format!(
                "{}{}",
                e.zh(),
                if row.matched.unwrap_or(false) {
                    "（对口）"
                } else {
                    ""
                }
            )
        }),
        econ_cert_zh: econ.map(|c| c.zh().to_string()),
        marketer_cert_zh: zh(
            row.marketer_cert.as_deref(),
            CertLevel::parse,
            CertLevel::zh,
        ),
        grade_zh: level.zip(step).map(|(l, s)| rules::grade_zh(l, s)),
        years_in_post: has_record.then_some(in_post),
        education_points: education
            .map(|e| rules::education_points(grading, e, row.matched.unwrap_or(false), econ)),
        years_points: has_record.then(|| rules::years_points(grading, all_years)),
        paid_step_zh: paid.map(|s| s.zh().to_string()),
        row,
    }
}

/// The account managers' records (HR keepers).
pub async fn hr_list(app: &App, user: &CurrentUser) -> AppResult<Vec<HrView>> {
    user.require(&HR_KEEPERS)?;
    let p = app.policy().await?;
    let today = app.clock.today();
    Ok(repo::hr_list(&app.db, Some(Role::AccountManager.code()))
        .await?
        .into_iter()
        .map(|r| view(r, today, &p.grading, &p.pay))
        .collect())
}

/// One person's record: HR keepers, or the person themself.
pub async fn hr_of(app: &App, user: &CurrentUser, username: &str) -> AppResult<HrView> {
    let s = store::repo::staff::by_username(&app.db, username.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("用户 {} 不存在", username.trim())))?;
    if s.id != user.id {
        user.require(&HR_KEEPERS)?;
    }
    let p = app.policy().await?;
    let row = repo::hr_of(&app.db, s.id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("用户 {username} 不存在")))?;
    Ok(view(row, app.clock.today(), &p.grading, &p.pay))
}

/// A record as typed (codes or Chinese labels; dates YYYY-MM-DD; empty = none).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HrInput {
    pub education: String,
    pub matched: bool,
    pub econ_cert: String,
    pub marketer_cert: String,
    pub marketer_cert_on: String,
    pub rep_since: String,
    pub prior_months: i64,
    pub employment_type: String,
    pub level: String,
    pub step: String,
    pub rural: bool,
    /// Why the grade changed (needed when it does).
    pub reason: String,
    /// The record's version as read (0 for a new record).
    pub version: i64,
}

fn opt<T>(s: &str, parse: fn(&str) -> Result<T, domain::ParseError>) -> AppResult<Option<T>> {
    match s.trim() {
        "" => Ok(None),
        t => Ok(Some(parse(t)?)),
    }
}

fn date(field: &str, s: &str, today: NaiveDate) -> AppResult<Option<NaiveDate>> {
    match s.trim() {
        "" => Ok(None),
        t => {
            let d = NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map_err(|_| AppError::invalid(field, format!("日期 {t} 无效，应为 YYYY-MM-DD")))?;
            if d > today {
                return Err(AppError::invalid(field, format!("{d} 晚于今天")));
            }
            if d.year_ce().1 < 1950 {
                return Err(AppError::invalid(field, format!("{d} 早于 1950 年")));
            }
            Ok(Some(d))
        }
    }
}

/// Keep a person's record (HR keepers): every field checked, the grade's change into its
/// history with the reason, a stale version → 409, the before and after in the audit trail.
pub async fn hr_save(
    app: &App, user: &CurrentUser, username: &str, input: &HrInput,
) -> AppResult<HrView> {
    user.require(&HR_KEEPERS)?;
    let staff = store::repo::staff::by_username(&app.db, username.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("用户 {} 不存在", username.trim())))?;
    let p = app.policy().await?;
    let today = app.clock.today();
    let education = Education::parse(&input.education)?;
    let econ = opt(&input.econ_cert, CertLevel::parse)?;
    let marketer = opt(&input.marketer_cert, CertLevel::parse)?;
    let marketer_on = date("marketer_cert_on", &input.marketer_cert_on, today)?;
    if marketer.is_none() && marketer_on.is_some() {
        return Err(AppError::invalid(
            "marketer_cert_on",
            "未填写营销员证书等级，不能填写取证日期",
        ));
    }
    let rep_since = date("rep_since", &input.rep_since, today)?;
    if !(0..=MAX_PRIOR_MONTHS).contains(&input.prior_months) {
        return Err(AppError::invalid(
            "prior_months",
            format!("应在 0–{MAX_PRIOR_MONTHS} 个月之间"),
        ));
    }
    let employment = match input.employment_type.trim() {
        "" => EmploymentType::parse(&staff.employment_type)?,
        t => EmploymentType::parse(t)?,
    };
    let level = opt(&input.level, Level::parse)?;
    let step = opt(&input.step, Step::parse)?;
    if level.is_some() != step.is_some() {
        return Err(AppError::invalid("step", "级别与档次须同时填写或同时留空"));
    }
    crate::limits::text(&p.limits, "reason", &input.reason)?;
    let write = HrWrite {
        education: education.code().into(),
        matched: input.matched,
        econ_cert: econ.map(|c| c.code().into()),
        marketer_cert: marketer.map(|c| c.code().into()),
        marketer_cert_on: marketer_on,
        rep_since,
        prior_months: input.prior_months,
        level: level.map(|l| l.code().into()),
        step: step.map(|s| s.code().into()),
        rural: input.rural,
    };
    let mut tx = app.db.begin().await?;
    let before = repo::hr_of_tx(&mut tx, staff.id).await?;
    let version = before.as_ref().and_then(|b| b.version);
    if version.unwrap_or(0) != input.version {
        return Err(AppError::Conflict(format!(
            "{} 的档案已被他人修改，请刷新后重试",
            staff.name
        )));
    }
    let grade_changed = before
        .as_ref()
        .map(|b| (b.level.clone(), b.step.clone()) != (write.level.clone(), write.step.clone()))
        .unwrap_or(write.level.is_some());
    if grade_changed && write.level.is_some() && input.reason.trim().is_empty() {
        return Err(AppError::invalid("reason", "调整级别或档次须填写原因"));
    }
    if !repo::hr_write(&mut tx, staff.id, version, &write, user.id, app.clock.now()).await? {
        return Err(AppError::Conflict(format!(
            "{} 的档案已被他人修改，请刷新后重试",
            staff.name
        )));
    }
    if employment.code() != staff.employment_type {
        repo::set_employment(&mut tx, staff.id, employment.code()).await?;
    }
    if let (true, Some(l), Some(s)) = (grade_changed, level, step) {
        repo::grade_insert(
            &mut tx,
            staff.id,
            l.code(),
            s.code(),
            today,
            None,
            input.reason.trim(),
            Some(user.id),
            app.clock.now(),
        )
        .await?;
    }
    let after = repo::hr_of_tx(&mut tx, staff.id).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        if version.is_some() {
            "update"
        } else {
            "create"
        },
        "staff_hr",
        &staff.username,
        before.as_ref(),
        after.as_ref(),
    )
    .await?;
    tx.commit().await?;
    let row = after.ok_or_else(|| AppError::NotFound(format!("用户 {username} 不存在")))?;
    Ok(view(row, today, &p.grading, &p.pay))
}

/// A grade of one's history in words.
#[derive(Debug, Clone, Serialize)]
pub struct GradeView {
    #[serde(flatten)]
    pub row: GradeRow,
    pub grade_zh: String,
}

fn grade_view(row: GradeRow) -> GradeView {
    let grade_zh = Level::parse(&row.level)
        .ok()
        .zip(Step::parse(&row.step).ok())
        .map(|(l, s)| rules::grade_zh(l, s))
        .unwrap_or_default();
    GradeView { row, grade_zh }
}

/// A payroll line with its parts in words.
#[derive(Debug, Clone, Serialize)]
pub struct PayView {
    #[serde(flatten)]
    pub row: PayrollRow,
    pub grade_zh: String,
    pub paid_grade_zh: String,
    pub employment_zh: String,
    pub lines: Vec<String>,
}

pub(crate) fn pay_view(row: PayrollRow) -> PayView {
    let level = Level::parse(&row.level).ok();
    let g = |s: &str| {
        level
            .zip(Step::parse(s).ok())
            .map(|(l, s)| rules::grade_zh(l, s))
            .unwrap_or_default()
    };
    PayView {
        grade_zh: g(&row.assessed_step),
        paid_grade_zh: g(&row.paid_step),
        employment_zh: EmploymentType::parse(&row.employment_type)
            .map(|e| e.zh().to_string())
            .unwrap_or_default(),
        lines: serde_json::from_str(&row.lines_json).unwrap_or_default(),
        row,
    }
}

/// One's own page: the record, the grades, the pay and the grading rounds one stood in.
#[derive(Debug, Clone, Serialize)]
pub struct MyPage {
    pub hr: HrView,
    pub grades: Vec<GradeView>,
    pub pay: Vec<PayView>,
    pub candidacies: Vec<crate::grading::CandidacyView>,
    /// One's monthly test results, newest first: (month, title, score).
    pub tests: Vec<(String, String, Option<f64>)>,
}

/// Months of pay shown on one's page.
const MY_PAY_MONTHS: i64 = 12;

pub async fn me(app: &App, user: &CurrentUser) -> AppResult<MyPage> {
    let hr = hr_of(app, user, &user.username).await?;
    let grades = repo::grades_of(&app.db, user.id)
        .await?
        .into_iter()
        .map(grade_view)
        .collect();
    let pay = repo::pay_of(&app.db, user.id, MY_PAY_MONTHS)
        .await?
        .into_iter()
        .map(pay_view)
        .collect();
    let candidacies = crate::grading::candidacies(app, user.id).await?;
    let papers = store::repo::exam::tests(&app.db).await?;
    let tests = store::repo::exam::attempts_of(&app.db, user.id)
        .await?
        .into_iter()
        .filter_map(|a| {
            papers
                .iter()
                .find(|t| t.id == a.test_id)
                .map(|t| (t.month.clone(), t.title.clone(), a.score))
        })
        .take(MY_PAY_MONTHS as usize)
        .collect();
    Ok(MyPage {
        hr,
        grades,
        pay,
        candidacies,
        tests,
    })
}

/// A month's payroll for HR.
#[derive(Debug, Clone, Serialize)]
pub struct PayrollPage {
    pub months: Vec<(String, i64, i64)>,
    pub month: Option<String>,
    pub lines: Vec<PayView>,
    pub total_fen: i64,
    /// Account managers left out, with why (no record, no grade).
    pub skipped: Vec<(String, String)>,
    pub seniority_mode_zh: String,
}

fn month_field(s: &str) -> AppResult<Month> {
    crate::error::month_field("month", s)
}

/// The payroll page (HR keepers): a month (default the latest computed).
pub async fn payroll(app: &App, user: &CurrentUser, month: Option<&str>) -> AppResult<PayrollPage> {
    user.require(&HR_KEEPERS)?;
    let months = repo::payroll_months(&app.db).await?;
    let month = match month.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Some(month_field(m)?.to_string()),
        None => months.first().map(|m| m.0.clone()),
    };
    let lines: Vec<PayView> = match &month {
        Some(m) => repo::payroll(&app.db, m, None)
            .await?
            .into_iter()
            .map(pay_view)
            .collect(),
        None => Vec::new(),
    };
    let total_fen = lines.iter().map(|l| l.row.total_fen).sum();
    let (_, skipped) = pay_rows(app, Month::of(app.clock.today())).await?;
    Ok(PayrollPage {
        months,
        month,
        lines,
        total_fen,
        skipped,
        seniority_mode_zh: app.policy().await?.pay.seniority_mode.zh().to_string(),
    })
}

/// The lines of a month's payroll from the records in force, and who is left out.
async fn pay_rows(app: &App, month: Month) -> AppResult<(Vec<PayrollRow>, Vec<(String, String)>)> {
    let policy = app.policy().await?.pay;
    let on = month.last_day();
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for r in repo::hr_list(&app.db, Some(Role::AccountManager.code())).await? {
        if !r.active {
            continue;
        }
        let label = format!("{}（{}）", r.name, r.username);
        if r.version.is_none() {
            skipped.push((label, "无人事档案".into()));
            continue;
        }
        let grade = r
            .level
            .as_deref()
            .and_then(|l| Level::parse(l).ok())
            .zip(r.step.as_deref().and_then(|s| Step::parse(s).ok()));
        let Some((level, step)) = grade else {
            skipped.push((label, "未定级".into()));
            continue;
        };
        let employment = EmploymentType::parse(&r.employment_type)?;
        let (years, _) = experience_years(&r, on);
        let input = rules::PayInput {
            employment,
            level,
            assessed_step: step,
            rural: r.rural.unwrap_or(false),
            years,
            appraisal_score: None,
        };
        let p = rules::pay(&policy, &input);
        rows.push(PayrollRow {
            month: month.to_string(),
            staff_id: r.staff_id,
            username: r.username.clone(),
            name: r.name.clone(),
            org_unit: r.org_unit.clone(),
            employment_type: employment.code().into(),
            level: level.code().into(),
            assessed_step: step.code().into(),
            paid_step: p.paid_step.code().into(),
            years: years as i64,
            base_fen: p.base_fen,
            allowance_fen: p.allowance_fen,
            seniority_fen: p.seniority_fen,
            perf_base_fen: p.performance_base_fen,
            coefficient: p.coefficient,
            factor: p.factor,
            performance_fen: p.performance_fen,
            total_fen: p.total_fen,
            lines_json: serde_json::to_string(&p.lines).unwrap_or_default(),
        });
    }
    Ok((rows, skipped))
}

/// Compute (or recompute) a month's payroll from the records in force (HR keepers); the count
/// and total go to the audit trail.
pub async fn run_payroll(
    app: &App, user: &CurrentUser, month: &str,
) -> AppResult<(String, usize, i64)> {
    user.require(&HR_KEEPERS)?;
    let month = month_field(month)?;
    if month > Month::of(app.clock.today()) {
        return Err(AppError::invalid("month", format!("{month} 晚于本月")));
    }
    run_payroll_as(app, &user.actor(), Some(user.id), month).await
}

/// The payroll run itself (also the demo's).
pub(crate) async fn run_payroll_as(
    app: &App, actor: &store::audit::Actor, by: Option<i64>, month: Month,
) -> AppResult<(String, usize, i64)> {
    let (rows, _) = pay_rows(app, month).await?;
    let total: i64 = rows.iter().map(|r| r.total_fen).sum();
    let m = month.to_string();
    let mut tx = app.db.begin().await?;
    let n = repo::payroll_replace(&mut tx, &m, &rows, by, app.clock.now()).await?;
    store::audit::record(
        &mut tx,
        actor,
        "compute",
        "payroll",
        &m,
        None::<&()>,
        Some(&serde_json::json!({ "lines": n, "total_fen": total })),
    )
    .await?;
    tx.commit().await?;
    Ok((m, n, total))
}
