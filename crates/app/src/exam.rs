//! 应知应会 monthly tests (issue 14 ③; rules in `domain::exam`).
//!
//! - **The bank** is kept by the marketing centre: single choice, multiple choice and true/false
//!   questions by category; a question is retired, never deleted (papers refer to it).
//! - **A month's paper** is drawn from the active bank (policy 「应知应会月度测试」: 20 questions,
//!   30 minutes, open 7 days), spread over the categories, opened for a window.
//! - **Taking it**: account managers and market managers, on the phone, once: starting opens the
//!   attempt (a reload within the time returns the same paper), the answers are scored at once;
//!   after the time limit the paper is closed with what was answered — nothing — and scores 0.
//! - **Results**: per person (the centre: everyone; a market manager: their area; oneself) and
//!   per question, the share who got it right, most missed first; the right answers are shown to
//!   the person once the window has closed.
use crate::access::CENTER;
use crate::{App, AppError, AppResult, CurrentUser};
use chrono::{Duration, NaiveDate};
use domain::Month;
use domain::exam::{self as rules, Category, QuestionKind};
use domain::org::Role;
use serde::{Deserialize, Serialize};
use store::repo::exam::{self as repo, AttemptRow, QuestionRow, TestRow};

/// Who sits the tests.
const TAKERS: [Role; 2] = [Role::AccountManager, Role::MarketManager];
/// Grace after the time limit for the submission to arrive, seconds.
const GRACE_SECONDS: i64 = 60;

/// A question in words (the answer only where the viewer may see it).
#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    pub id: i64,
    pub category: String,
    pub category_zh: String,
    pub kind: String,
    pub kind_zh: String,
    pub stem: String,
    pub options: Vec<String>,
    pub answer: Option<Vec<usize>>,
    pub explanation: Option<String>,
    pub active: bool,
}

fn question_view(q: &QuestionRow, with_answer: bool) -> QuestionView {
    QuestionView {
        id: q.id,
        category_zh: Category::parse(&q.category)
            .map(|c| c.zh().to_string())
            .unwrap_or_default(),
        category: q.category.clone(),
        kind_zh: QuestionKind::parse(&q.kind)
            .map(|c| c.zh().to_string())
            .unwrap_or_default(),
        kind: q.kind.clone(),
        stem: q.stem.clone(),
        options: serde_json::from_str(&q.options).unwrap_or_default(),
        answer: with_answer.then(|| serde_json::from_str(&q.answer).unwrap_or_default()),
        explanation: with_answer.then(|| q.explanation.clone()),
        active: q.active,
    }
}

/// The bank for the centre.
#[derive(Debug, Clone, Serialize)]
pub struct BankPage {
    pub questions: Vec<QuestionView>,
    /// (category, label, active questions).
    pub by_category: Vec<(String, String, usize)>,
}

pub async fn bank(app: &App, user: &CurrentUser) -> AppResult<BankPage> {
    user.require(&CENTER)?;
    let rows = repo::questions(&app.db, false).await?;
    let by_category = Category::ALL
        .iter()
        .map(|c| {
            let n = rows
                .iter()
                .filter(|q| q.active && q.category == c.code())
                .count();
            (c.code().to_string(), c.zh().to_string(), n)
        })
        .collect();
    Ok(BankPage {
        questions: rows.iter().map(|q| question_view(q, true)).collect(),
        by_category,
    })
}

/// A question as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct QuestionInput {
    pub category: String,
    pub kind: String,
    pub stem: String,
    pub options: Vec<String>,
    /// Indices of the right options (0-based).
    pub answer: Vec<usize>,
    pub explanation: String,
}

/// Add a question (centre).
pub async fn add_question(app: &App, user: &CurrentUser, q: &QuestionInput) -> AppResult<i64> {
    user.require(&CENTER)?;
    add_as(app, &user.actor(), Some(user.id), q).await
}

pub(crate) async fn add_as(
    app: &App, actor: &store::audit::Actor, by: Option<i64>, q: &QuestionInput,
) -> AppResult<i64> {
    let limits = app.policy().await?.limits;
    let category = Category::parse(&q.category)?;
    let kind = QuestionKind::parse(&q.kind)?;
    let options: Vec<String> = match kind {
        QuestionKind::TrueFalse if q.options.is_empty() => {
            rules::TRUE_FALSE.iter().map(|s| s.to_string()).collect()
        }
        _ => q.options.iter().map(|o| o.trim().to_string()).collect(),
    };
    crate::limits::text(&limits, "stem", &q.stem)?;
    crate::limits::text(&limits, "explanation", &q.explanation)?;
    for (i, o) in options.iter().enumerate() {
        crate::limits::text(&limits, format!("options[{i}]"), o)?;
    }
    rules::check_question(kind, &q.stem, &options, &q.answer)?;
    let options_json = serde_json::to_string(&options).unwrap_or_default();
    let answer_json = serde_json::to_string(&q.answer).unwrap_or_default();
    let mut tx = app.db.begin().await?;
    let id = repo::question_insert(
        &mut tx,
        category.code(),
        kind.code(),
        q.stem.trim(),
        &options_json,
        &answer_json,
        q.explanation.trim(),
        by,
        app.clock.now(),
    )
    .await?;
    store::audit::record(
        &mut tx,
        actor,
        "create",
        "test_question",
        &id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "category": category.code(), "kind": kind.code(), "stem": q.stem.trim(), "options": options, "answer": q.answer })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Retire (or restore) a question (centre).
pub async fn set_active(app: &App, user: &CurrentUser, id: i64, active: bool) -> AppResult<()> {
    user.require(&CENTER)?;
    let mut tx = app.db.begin().await?;
    if !repo::question_active(&mut tx, id, active).await? {
        return Err(AppError::NotFound(format!("试题 {id} 不存在")));
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "update",
        "test_question",
        &id.to_string(),
        Some(&!active),
        Some(&active),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A month's paper with where the viewer stands.
#[derive(Debug, Clone, Serialize)]
pub struct TestView {
    #[serde(flatten)]
    pub row: TestRow,
    pub questions: usize,
    pub open: bool,
    pub closed: bool,
    /// The viewer's attempt.
    pub mine: Option<AttemptRow>,
    /// Attempts submitted (the centre's view).
    pub submitted: usize,
}

fn ids_of(t: &TestRow) -> Vec<i64> {
    serde_json::from_str(&t.question_ids).unwrap_or_default()
}

/// The tests page.
#[derive(Debug, Clone, Serialize)]
pub struct TestsPage {
    pub tests: Vec<TestView>,
    pub can_manage: bool,
    pub can_take: bool,
    /// The next month without a paper (the centre's form).
    pub next_month: String,
    pub today: NaiveDate,
    pub bank_size: usize,
}

pub async fn tests(app: &App, user: &CurrentUser) -> AppResult<TestsPage> {
    let today = app.clock.today();
    let rows = repo::tests(&app.db).await?;
    let mine = repo::attempts_of(&app.db, user.id).await?;
    let can_manage = CENTER.contains(&user.role);
    let mut tests = Vec::new();
    for t in rows {
        let submitted = if can_manage {
            repo::attempts(&app.db, t.id)
                .await?
                .iter()
                .filter(|a| a.submitted_at.is_some())
                .count()
        } else {
            0
        };
        tests.push(TestView {
            questions: ids_of(&t).len(),
            open: t.opens_on <= today && today <= t.closes_on,
            closed: today > t.closes_on,
            mine: mine.iter().find(|a| a.test_id == t.id).cloned(),
            submitted,
            row: t,
        });
    }
    let this = Month::of(today);
    let next_month = if tests.iter().any(|t| t.row.month == this.to_string()) {
        this.next()
    } else {
        this
    };
    Ok(TestsPage {
        tests,
        can_manage,
        can_take: TAKERS.contains(&user.role),
        next_month: next_month.to_string(),
        today,
        bank_size: repo::questions(&app.db, true).await?.len(),
    })
}

/// A paper to set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TestInput {
    pub month: String,
    pub title: String,
    /// First day (default today); the window lasts the policy's days.
    pub opens_on: String,
}

/// Set a month's paper (centre): drawn from the active bank; a month with one → 409.
pub async fn create(app: &App, user: &CurrentUser, input: &TestInput) -> AppResult<i64> {
    user.require(&CENTER)?;
    create_as(app, &user.actor(), Some(user.id), input).await
}

pub(crate) async fn create_as(
    app: &App, actor: &store::audit::Actor, by: Option<i64>, input: &TestInput,
) -> AppResult<i64> {
    let p = app.policy().await?;
    let month = crate::error::month_field("month", &input.month)?;
    let today = app.clock.today();
    let opens_on = match input.opens_on.trim() {
        "" => today.max(month.first_day()),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
            AppError::invalid("opens_on", format!("日期 {t} 无效，应为 YYYY-MM-DD"))
        })?,
    };
    if Month::of(opens_on) != month {
        return Err(AppError::invalid(
            "opens_on",
            format!("开考日 {opens_on} 不在 {month} 内"),
        ));
    }
    let title = match input.title.trim() {
        "" => format!("{month} 客户经理应知应会测试"),
        t => t.to_string(),
    };
    crate::limits::text(&p.limits, "title", &title)?;
    let bank: Vec<(i64, Category)> = repo::questions(&app.db, true)
        .await?
        .iter()
        .filter_map(|q| Category::parse(&q.category).ok().map(|c| (q.id, c)))
        .collect();
    let paper = rules::draw(&bank, p.tests.questions, month.index() as u64);
    if paper.is_empty() {
        return Err(AppError::Rule("题库中没有可用试题，请先添加试题".into()));
    }
    let closes_on = opens_on + Duration::days(p.tests.open_days.max(1) as i64 - 1);
    let ids = serde_json::to_string(&paper).unwrap_or_default();
    let mut tx = app.db.begin().await?;
    let id = repo::test_insert(
        &mut tx,
        &month.to_string(),
        &title,
        opens_on,
        closes_on,
        p.tests.minutes as i64,
        &ids,
        by,
        app.clock.now(),
    )
    .await?
    .ok_or_else(|| AppError::Conflict(format!("{month} 的测试已设置")))?;
    store::audit::record(
        &mut tx,
        actor,
        "create",
        "monthly_test",
        &month.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "title": title, "opens_on": opens_on, "closes_on": closes_on, "questions": paper })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn test_or_404(app: &App, id: i64) -> AppResult<TestRow> {
    repo::test(&app.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("测试 {id} 不存在")))
}

/// The paper as the person taking it sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Paper {
    pub test: TestRow,
    pub attempt: AttemptRow,
    pub questions: Vec<QuestionView>,
    /// Until when answers are taken.
    pub deadline: chrono::DateTime<chrono::Utc>,
    /// The chosen options per question, once submitted; the right ones once the window closed.
    pub given: Vec<Vec<usize>>,
    pub right: Vec<bool>,
    pub show_answers: bool,
}

async fn paper_of(
    app: &App, test: TestRow, attempt: AttemptRow, show_answers: bool,
) -> AppResult<Paper> {
    let ids = ids_of(&test);
    let rows = repo::questions_by_ids(&app.db, &ids).await?;
    let ordered: Vec<&QuestionRow> = ids
        .iter()
        .filter_map(|id| rows.iter().find(|q| q.id == *id))
        .collect();
    let given: Vec<Vec<usize>> = attempt
        .answers
        .as_deref()
        .and_then(|a| serde_json::from_str(a).ok())
        .unwrap_or_default();
    let right = ordered
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let answer: Vec<usize> = serde_json::from_str(&q.answer).unwrap_or_default();
            given.get(i).is_some_and(|g| rules::is_right(&answer, g))
        })
        .collect();
    Ok(Paper {
        deadline: attempt.started_at + Duration::minutes(test.minutes),
        questions: ordered
            .iter()
            .map(|q| question_view(q, show_answers))
            .collect(),
        given,
        right: if attempt.submitted_at.is_some() {
            right
        } else {
            Vec::new()
        },
        show_answers,
        test,
        attempt,
    })
}

/// Start (or resume within the time) one's attempt: inside the window, once.
pub async fn start(app: &App, user: &CurrentUser, id: i64) -> AppResult<Paper> {
    user.require(&TAKERS)?;
    let test = test_or_404(app, id).await?;
    let today = app.clock.today();
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let attempt = match repo::attempt_tx(&mut tx, id, user.id).await? {
        Some(a) => a,
        None => {
            if today < test.opens_on || today > test.closes_on {
                return Err(AppError::Conflict(format!(
                    "测试开放时间为 {} 至 {}",
                    test.opens_on, test.closes_on
                )));
            }
            repo::attempt_insert(&mut tx, id, user.id, now).await?;
            repo::attempt_tx(&mut tx, id, user.id)
                .await?
                .ok_or_else(|| AppError::NotFound("答卷不存在".into()))?
        }
    };
    tx.commit().await?;
    let show = attempt.submitted_at.is_some() && today > test.closes_on;
    paper_of(app, test, attempt, show).await
}

/// One's paper (started): what was answered and, after the window, the right answers.
pub async fn paper(app: &App, user: &CurrentUser, id: i64) -> AppResult<Option<Paper>> {
    let test = test_or_404(app, id).await?;
    let mine = repo::attempts_of(&app.db, user.id)
        .await?
        .into_iter()
        .find(|a| a.test_id == id);
    match mine {
        None => Ok(None),
        Some(a) => {
            let show = a.submitted_at.is_some() && app.clock.today() > test.closes_on;
            Ok(Some(paper_of(app, test, a, show).await?))
        }
    }
}

/// Submit one's answers (per question the chosen option indices), once, within the time.
pub async fn submit(
    app: &App, user: &CurrentUser, id: i64, answers: &[Vec<usize>],
) -> AppResult<f64> {
    user.require(&TAKERS)?;
    let test = test_or_404(app, id).await?;
    let ids = ids_of(&test);
    let rows = repo::questions_by_ids(&app.db, &ids).await?;
    let ordered: Vec<&QuestionRow> = ids
        .iter()
        .filter_map(|i| rows.iter().find(|q| q.id == *i))
        .collect();
    if answers.len() != ordered.len() {
        return Err(AppError::invalid(
            "answers",
            format!("应作答 {} 题，收到 {} 题", ordered.len(), answers.len()),
        ));
    }
    let mut right = 0usize;
    for (i, (q, a)) in ordered.iter().zip(answers).enumerate() {
        let n = serde_json::from_str::<Vec<String>>(&q.options)
            .map(|o| o.len())
            .unwrap_or(0);
        if a.iter().any(|x| *x >= n) || a.len() > n {
            return Err(AppError::invalid(
                format!("answers[{i}]"),
                format!("第 {} 题的选项超出范围", i + 1),
            ));
        }
        let answer: Vec<usize> = serde_json::from_str(&q.answer).unwrap_or_default();
        if rules::is_right(&answer, a) {
            right += 1;
        }
    }
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let attempt = repo::attempt_tx(&mut tx, id, user.id)
        .await?
        .ok_or_else(|| AppError::Conflict("请先开始答题".into()))?;
    if attempt.submitted_at.is_some() {
        return Err(AppError::Conflict(
            "答卷已提交，每月测试只能作答一次".into(),
        ));
    }
    let deadline =
        attempt.started_at + Duration::minutes(test.minutes) + Duration::seconds(GRACE_SECONDS);
    let late = now > deadline;
    let (json, right, score) = if late {
        ("[]".to_string(), 0usize, 0.0)
    } else {
        (
            serde_json::to_string(answers).unwrap_or_default(),
            right,
            rules::score(right, ordered.len()),
        )
    };
    if !repo::attempt_submit(&mut tx, attempt.id, &json, right as i64, score, now).await? {
        return Err(AppError::Conflict(
            "答卷已提交，每月测试只能作答一次".into(),
        ));
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "submit",
        "test_attempt",
        &attempt.id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "test": id, "right": right, "score": score, "late": late })),
    )
    .await?;
    tx.commit().await?;
    if late {
        return Err(AppError::Conflict(format!(
            "答题时间（{} 分钟）已到，答卷按 0 分计",
            test.minutes
        )));
    }
    Ok(score)
}

/// A question's result: how many got it right.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionResult {
    pub question: QuestionView,
    pub answered: usize,
    pub right: usize,
    pub right_pct: Option<f64>,
}

/// A test's results.
#[derive(Debug, Clone, Serialize)]
pub struct ResultsPage {
    pub test: TestRow,
    pub attempts: Vec<AttemptRow>,
    pub mean: Option<f64>,
    /// Most missed first.
    pub questions: Vec<QuestionResult>,
}

/// Results: the centre everyone's, a market manager their area's, a rep their own.
pub async fn results(app: &App, user: &CurrentUser, id: i64) -> AppResult<ResultsPage> {
    if matches!(user.role, Role::MonopolyOfficer | Role::BrandManager) {
        return Err(AppError::Forbidden(format!(
            "{}无权查看测试成绩",
            user.role.zh()
        )));
    }
    let test = test_or_404(app, id).await?;
    let scope = crate::Scope::of(&app.db, user).await?;
    let mut attempts = Vec::new();
    for a in repo::attempts(&app.db, id).await? {
        if a.submitted_at.is_none() {
            continue;
        }
        let keep = match scope {
            crate::Scope::Company => true,
            crate::Scope::Area(area) => a.org_unit_id == Some(area),
            crate::Scope::County(c) => match a.org_unit_id {
                Some(u) => crate::access::county_of(&app.db, u).await.ok() == Some(c),
                None => false,
            },
            crate::Scope::Rep(me) => a.staff_id == me,
        };
        if keep {
            attempts.push(a);
        }
    }
    let ids = ids_of(&test);
    let rows = repo::questions_by_ids(&app.db, &ids).await?;
    let closed = app.clock.today() > test.closes_on || CENTER.contains(&user.role);
    let mut questions = Vec::new();
    for (i, qid) in ids.iter().enumerate() {
        let Some(q) = rows.iter().find(|q| q.id == *qid) else {
            continue;
        };
        let answer: Vec<usize> = serde_json::from_str(&q.answer).unwrap_or_default();
        let mut answered = 0;
        let mut right = 0;
        for a in &attempts {
            let given: Vec<Vec<usize>> = a
                .answers
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or_default();
            if let Some(g) = given.get(i) {
                answered += 1;
                if rules::is_right(&answer, g) {
                    right += 1;
                }
            }
        }
        questions.push(QuestionResult {
            question: question_view(q, closed),
            answered,
            right,
            right_pct: (answered > 0).then(|| right as f64 / answered as f64 * 100.0),
        });
    }
    questions.sort_by(|a, b| {
        a.right_pct
            .unwrap_or(101.0)
            .total_cmp(&b.right_pct.unwrap_or(101.0))
    });
    let scores: Vec<f64> = attempts.iter().filter_map(|a| a.score).collect();
    let mean = (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
    Ok(ResultsPage {
        test,
        attempts,
        mean,
        questions,
    })
}
