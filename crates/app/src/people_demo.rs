//! The demo city's people history (issue 14): every account manager's HR record, a grading round
//! worked through the platform from opening to approval (reviews, exams, publicity, one appeal
//! upheld and one rejected), the twelve months of payroll after it, and the 应知应会 question
//! bank with a paper for each of those months sat by the reps and market managers.
//!
//! The round runs on its own clock, a year before the last month with sales, so that the
//! payroll months all follow its approval.
use crate::grading::{self, AppealDecision, OpenInput};
use crate::{App, AppResult, Clock, CurrentUser};
use chrono::{Days, NaiveDate, TimeZone, Utc};
use domain::org::Role;
use domain::people::{CertLevel, Education};
use sim::rng::Rng;
use store::audit::Actor;
use store::repo::people::{self as repo, HrWrite};

const SEED: u64 = 0x0135_0014;

fn at(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).expect("valid time"))
}

/// Fill the people history; nothing when the city has no sales or no centre.
pub(crate) async fn demo_history(app: &App, actor: &Actor) -> AppResult<()> {
    let Some((end, center)) = crate::demo::close_basis(app).await? else {
        return Ok(());
    };
    if !repo::rounds(&app.db).await?.is_empty() {
        return Ok(());
    }
    let round_month = end.plus(-12);
    let opened = round_month.first_day();
    records(app, actor, center.id, opened).await?;
    let mut run = app.clone();
    run.clock = Clock::fixed(at(opened));
    round(&run, &center, opened).await?;
    for k in (0..12).rev() {
        let m = end.plus(-k);
        run.clock.set(Some(at(m.last_day())));
        crate::people::run_payroll_as(&run, actor, Some(center.id), m).await?;
    }
    tests(&run, actor, center.id, end).await?;
    Ok(())
}

/// The demo's question bank (40 questions over the five categories).
const BANK: &str = include_str!("../data/question_bank.json");

/// The bank, a paper for each of the twelve months up to `end` sat by every rep and market
/// manager (each with a standing that makes their answers right more or less often), and this
/// month's paper open when the real today falls in the month after `end`.
async fn tests(app: &App, actor: &Actor, by: i64, end: domain::Month) -> AppResult<()> {
    let bank: Vec<crate::exam::QuestionInput> = serde_json::from_str(BANK)
        .map_err(|e| crate::AppError::Rule(format!("题库数据无效: {e}")))?;
    for q in &bank {
        crate::exam::add_as(app, actor, Some(by), q).await?;
    }
    let takers: Vec<_> = store::repo::staff::list(&app.db, None, None)
        .await?
        .into_iter()
        .filter(|s| {
            s.active
                && (s.role == Role::AccountManager.code() || s.role == Role::MarketManager.code())
        })
        .collect();
    let questions = store::repo::exam::questions(&app.db, true).await?;
    for k in (0..12).rev() {
        let m = end.plus(-k);
        let opens = m.day(20);
        app.clock.set(Some(at(opens)));
        let id = crate::exam::create_as(
            app,
            actor,
            Some(by),
            &crate::exam::TestInput {
                month: m.to_string(),
                title: String::new(),
                opens_on: opens.to_string(),
            },
        )
        .await?;
        let Some(test) = store::repo::exam::test(&app.db, id).await? else {
            continue;
        };
        let ids: Vec<i64> = serde_json::from_str(&test.question_ids).unwrap_or_default();
        let mut tx = app.db.begin().await?;
        for s in &takers {
            let mut r = Rng::new(sim::rng::mix(SEED ^ 0x77, s.id as u64));
            let standing = r.uniform(0.6, 0.95);
            let mut r = Rng::new(sim::rng::mix(SEED ^ (m.index() as u64), s.id as u64));
            if r.chance(0.04) {
                continue; // on leave that week
            }
            let started = at(opens + Days::new(r.int(0, 5) as u64))
                + chrono::Duration::minutes(r.int(0, 480));
            let mut answers = Vec::new();
            let mut right = 0;
            for qid in &ids {
                let Some(q) = questions.iter().find(|q| q.id == *qid) else {
                    continue;
                };
                let key: Vec<usize> = serde_json::from_str(&q.answer).unwrap_or_default();
                let n: usize = serde_json::from_str::<Vec<String>>(&q.options)
                    .map(|o| o.len())
                    .unwrap_or(2);
                if r.chance(standing) {
                    right += 1;
                    answers.push(key);
                } else {
                    // a wrong answer: the first option that is not (or not only) the key
                    let wrong = (0..n).find(|i| !key.contains(i)).unwrap_or(0);
                    answers.push(vec![wrong]);
                }
            }
            let aid = store::repo::exam::attempt_insert(&mut tx, id, s.id, started).await?;
            let json = serde_json::to_string(&answers).unwrap_or_default();
            let score = domain::exam::score(right, ids.len());
            let done = started + chrono::Duration::minutes(r.int(8, 25));
            store::repo::exam::attempt_submit(&mut tx, aid, &json, right as i64, score, done)
                .await?;
        }
        tx.commit().await?;
    }
    // this month's paper, open now
    let today = Utc::now().date_naive();
    if domain::Month::of(today) == end.next() {
        app.clock.set(Some(at(today)));
        crate::exam::create_as(
            app,
            actor,
            Some(by),
            &crate::exam::TestInput {
                month: end.next().to_string(),
                title: String::new(),
                opens_on: today.to_string(),
            },
        )
        .await?;
    }
    Ok(())
}

/// Every account manager's record: education, certificates, the post since the hiring date,
/// rural from the area's market; new reps provisionally 初级c档.
async fn records(app: &App, actor: &Actor, by: i64, opened: NaiveDate) -> AppResult<()> {
    let units = store::repo::staff::org_units(&app.db).await?;
    let reps = store::repo::staff::list(&app.db, Some(Role::AccountManager.code()), None).await?;
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    for s in &reps {
        let mut r = Rng::new(sim::rng::mix(SEED, s.id as u64));
        let education = Education::ALL[r.weighted(&[0.15, 0.25, 0.4, 0.2])];
        let cert = |r: &mut Rng, p: f64| {
            r.chance(p).then(|| {
                CertLevel::ALL[r.weighted(&[0.5, 0.35, 0.15])]
                    .code()
                    .to_string()
            })
        };
        let econ_cert = cert(&mut r, 0.2);
        let marketer_cert = cert(&mut r, 0.7);
        let rep_since = s.hired_on;
        let marketer_cert_on = marketer_cert
            .as_ref()
            .and(rep_since)
            .map(|d| d + Days::new(r.int(200, 1500) as u64))
            .filter(|d| *d <= opened);
        let rural = s
            .org_unit_id
            .and_then(|u| units.iter().find(|x| x.id == u))
            .and_then(|u| u.market_type.clone())
            .is_some_and(|m| m == domain::retailer::MarketType::Rural.code());
        let young = rep_since.is_none_or(|d| domain::people::full_years(d, opened) < 1);
        let w = HrWrite {
            education: education.code().into(),
            matched: r.chance(0.4),
            econ_cert,
            marketer_cert: marketer_cert_on.and(marketer_cert),
            marketer_cert_on,
            rep_since,
            prior_months: if r.chance(0.2) { r.int(6, 60) } else { 0 },
            level: young.then(|| domain::people::Level::Junior.code().into()),
            step: young.then(|| domain::people::Step::C.code().into()),
            rural,
        };
        repo::hr_write(&mut tx, s.id, None, &w, by, now).await?;
        if young {
            repo::grade_insert(
                &mut tx,
                s.id,
                "JUNIOR",
                "C",
                rep_since.unwrap_or(opened),
                None,
                "新任客户经理，定级前暂按初级c档",
                Some(by),
                now,
            )
            .await?;
        }
    }
    store::audit::record(
        &mut tx,
        actor,
        "create",
        "staff_hr",
        "demo",
        None::<&()>,
        Some(&serde_json::json!({ "records": reps.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The round: opened on `opened`, scored and examined, publicised on the 20th, two appeals,
/// decided after the window and approved.
async fn round(app: &App, center: &CurrentUser, opened: NaiveDate) -> AppResult<()> {
    let name = format!("{} 年度客户经理竞聘定级", opened.format("%Y"));
    let id = grading::open(
        app,
        center,
        &OpenInput {
            name,
            as_of: opened.to_string(),
            usernames: Vec::new(),
        },
    )
    .await?;
    let candidates = repo::candidates(&app.db, id).await?;
    let rubric = app.policy().await?.grading.rubric;
    // each candidate's standing, around which the reviewers' scores and the exam fall
    let standing = |staff: i64| {
        let mut r = Rng::new(sim::rng::mix(SEED ^ 0xA5, staff as u64));
        r.uniform(72.0, 94.0)
    };
    let mut tx = app.db.begin().await?;
    for c in candidates.iter().filter(|c| c.eligible) {
        let q = standing(c.staff_id);
        let mut r = Rng::new(sim::rng::mix(SEED ^ 0x5A, c.staff_id as u64));
        let exam = (q + 6.0 * r.normal()).clamp(40.0, 100.0).round();
        repo::set_exam(&mut tx, c.id, exam).await?;
    }
    let scores = repo::assignments_of_round_tx(&mut tx, id).await?;
    for (aid, candidate_staff) in scores {
        let q = standing(candidate_staff);
        let mut r = Rng::new(sim::rng::mix(SEED ^ 0x33, aid as u64));
        let total = (q + 5.0 * r.normal()).clamp(50.0, 100.0) / 100.0;
        let items: Vec<f64> = rubric
            .iter()
            .map(|(_, max)| ((max * total * 2.0).round() / 2.0).min(*max))
            .collect();
        let sum = domain::people::round2(items.iter().sum());
        let json = serde_json::to_string(&items).unwrap_or_default();
        repo::assignment_score(&mut tx, aid, &json, sum, app.clock.now()).await?;
    }
    tx.commit().await?;
    let day = |n: u64| opened + Days::new(n);
    app.clock.set(Some(at(day(19))));
    let until = grading::publicize(app, center, id).await?;
    // two appeals on the window's first day: the lowest total's is upheld (the exam re-marked),
    // the next one's rejected
    let mut ranked: Vec<_> = repo::candidates(&app.db, id)
        .await?
        .into_iter()
        .filter(|c| c.eligible && c.total.is_some())
        .collect();
    ranked.sort_by(|a, b| a.total.unwrap_or(0.0).total_cmp(&b.total.unwrap_or(0.0)));
    for (k, c) in ranked.iter().take(2).enumerate() {
        let Some(staff) = store::repo::staff::by_id(&app.db, c.staff_id).await? else {
            continue;
        };
        let me = CurrentUser::from_staff(&staff)?;
        let reason = if k == 0 {
            "考试第三大题阅卷漏计一小题，申请复核"
        } else {
            "认为同岗评议分偏低，申请复核"
        };
        let aid = grading::appeal(app, &me, id, reason).await?;
        let d = if k == 0 {
            AppealDecision {
                upheld: true,
                answer: "经复核，第三大题漏计 4 分，更正考试成绩".into(),
                exam_score: c.exam_score.map(|e| (e + 4.0).min(100.0)),
            }
        } else {
            AppealDecision {
                upheld: false,
                answer: "经评议组复核，同岗评议按规则去掉最高最低分后计算无误，维持原结果".into(),
                exam_score: None,
            }
        };
        grading::decide_appeal(app, center, aid, &d).await?;
    }
    app.clock.set(Some(at(until + Days::new(1))));
    grading::decide(app, center, id, &[]).await?;
    grading::approve(app, center, id).await?;
    Ok(())
}
