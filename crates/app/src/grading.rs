//! 竞聘定级 (domain.md §11.3): a grading round from opening to approval.
//!
//! 1. **Open** (centre): every active account manager with a record is a candidate; eligible
//!    after `eligible_years` in the post or as much earlier experience; the basic score from the
//!    record as of the round's date. Reviewers are assigned: leaders (the market manager, the
//!    county's director, the centre), peer reps of the county, staff of the county and the
//!    company's brand managers — topped up from other counties when a county has fewer than the
//!    trimmed mean needs (and from anyone of the staff in a company too small for that) — and
//!    a customer panel (centre members) for `min_customers + 1`
//!    of the rep's retailers; the centre may add more.
//! 2. **Review**: each reviewer scores the 10-item rubric of their own assignments, once; exam
//!    scores are entered by the centre. Nobody sees another reviewer's scores, only the trimmed
//!    means once publicised.
//! 3. **Publicity** (centre): totals computed (every group needs its minimum of scores) and
//!    publicised for `publicity_days` days to every staff member of the candidate's county.
//! 4. **Appeals** by the candidate within the window; the panel upholds (with an optional
//!    corrected exam score) or rejects, with a written answer.
//! 5. **Decision** (centre) after the window with no appeal pending: grade from the cut-off table
//!    or overridden with a reason, the 营销员 certificate rule applied.
//! 6. **Approval** (centre, never a market manager): grades written to the records and their
//!    history.
use crate::access::CENTER;
use crate::{App, AppError, AppResult, CurrentUser};
use chrono::NaiveDate;
use domain::org::Role;
use domain::people::{self as rules, CertCheck, GradingScore, Level, ReviewGroup, Step};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use store::repo::people::{self as repo, AppealRow, AssignmentRow, CandidateRow, RoundRow};

/// Round states.
const REVIEW: &str = "REVIEW";
const PUBLICITY: &str = "PUBLICITY";
const DECIDED: &str = "DECIDED";
const APPROVED: &str = "APPROVED";

fn status_zh(s: &str) -> &'static str {
    match s {
        REVIEW => "评议中",
        PUBLICITY => "公示中",
        DECIDED => "已定级待审批",
        APPROVED => "已审批",
        _ => "—",
    }
}

fn grade_zh(level: Option<&str>, step: Option<&str>) -> Option<String> {
    let l = Level::parse(level?).ok()?;
    let s = Step::parse(step?).ok()?;
    Some(rules::grade_zh(l, s))
}

/// A round in words.
#[derive(Debug, Clone, Serialize)]
pub struct RoundView {
    #[serde(flatten)]
    pub row: RoundRow,
    pub status_zh: &'static str,
    /// Today is within the publicity window.
    pub in_publicity: bool,
}

fn round_view(row: RoundRow, today: NaiveDate) -> RoundView {
    let in_publicity = row.status == PUBLICITY && row.publicity_until.is_some_and(|u| today <= u);
    RoundView {
        status_zh: status_zh(&row.status),
        in_publicity,
        row,
    }
}

/// A candidate with the sheet once publicised.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateView {
    #[serde(flatten)]
    pub row: CandidateRow,
    pub score: Option<GradingScore>,
    pub proposed_zh: Option<String>,
    pub final_zh: Option<String>,
    /// Per group: (group, assigned, scored) — for the centre only.
    pub progress: Vec<(String, i64, i64)>,
}

fn candidate_view(row: CandidateRow, progress: Vec<(String, i64, i64)>) -> CandidateView {
    CandidateView {
        score: row
            .score_json
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok()),
        proposed_zh: grade_zh(row.proposed_level.as_deref(), row.proposed_step.as_deref()),
        final_zh: grade_zh(row.level.as_deref(), row.step.as_deref()),
        progress,
        row,
    }
}

/// One's candidacy on one's own page.
#[derive(Debug, Clone, Serialize)]
pub struct CandidacyView {
    pub round: RoundView,
    pub candidate: CandidateView,
}

/// The rounds one stood in (the sheet once publicised).
pub async fn candidacies(app: &App, staff_id: i64) -> AppResult<Vec<CandidacyView>> {
    let today = app.clock.today();
    let mut out = Vec::new();
    for c in repo::candidacies(&app.db, staff_id).await? {
        if let Some(r) = repo::round(&app.db, c.round_id).await? {
            let shown = r.status != REVIEW;
            let mut v = candidate_view(c, Vec::new());
            if !shown {
                v.score = None;
            }
            out.push(CandidacyView {
                round: round_view(r, today),
                candidate: v,
            });
        }
    }
    Ok(out)
}

/// The grading overview: rounds, one's review tasks, and the centre's forms.
#[derive(Debug, Clone, Serialize)]
pub struct RoundsPage {
    pub rounds: Vec<RoundView>,
    /// (round, open assignments) of the person as a reviewer.
    pub my_reviews: Vec<(i64, i64)>,
    pub can_open: bool,
    pub today: NaiveDate,
}

pub async fn rounds(app: &App, user: &CurrentUser) -> AppResult<RoundsPage> {
    let today = app.clock.today();
    Ok(RoundsPage {
        rounds: repo::rounds(&app.db)
            .await?
            .into_iter()
            .map(|r| round_view(r, today))
            .collect(),
        my_reviews: repo::reviewer_rounds(&app.db, user.id).await?,
        can_open: CENTER.contains(&user.role),
        today,
    })
}

/// A round to open.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OpenInput {
    pub name: String,
    /// The date years are counted to (default today).
    pub as_of: String,
    /// Only these account managers (default: all active ones).
    pub usernames: Vec<String>,
}

/// Open a round (centre); one round at a time (409 while another is not approved).
pub async fn open(app: &App, user: &CurrentUser, input: &OpenInput) -> AppResult<i64> {
    user.require(&CENTER)?;
    open_as(app, user.id, &user.actor(), input).await
}

pub(crate) async fn open_as(
    app: &App, by: i64, actor: &store::audit::Actor, input: &OpenInput,
) -> AppResult<i64> {
    let p = app.policy().await?;
    let name = input.name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "轮次名称不能为空"));
    }
    crate::limits::text(&p.limits, "name", name)?;
    let today = app.clock.today();
    let as_of = match input.as_of.trim() {
        "" => today,
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|_| AppError::invalid("as_of", format!("日期 {t} 无效，应为 YYYY-MM-DD")))?,
    };
    if as_of > today {
        return Err(AppError::invalid("as_of", format!("{as_of} 晚于今天")));
    }
    let g = &p.grading;
    let all = store::repo::staff::list(&app.db, None, None).await?;
    let units = store::repo::staff::org_units(&app.db).await?;
    let county_of = |unit: Option<i64>| -> Option<i64> {
        let mut u = unit?;
        for _ in 0..8 {
            let x = units.iter().find(|x| x.id == u)?;
            if x.kind == domain::org::OrgKind::County.code() {
                return Some(x.id);
            }
            u = x.parent_id?;
        }
        None
    };
    let wanted: HashSet<&str> = input.usernames.iter().map(|u| u.trim()).collect();
    for u in &wanted {
        if !all
            .iter()
            .any(|s| s.username == *u && s.role == Role::AccountManager.code())
        {
            return Err(AppError::invalid("usernames", format!("{u} 不是客户经理")));
        }
    }
    let records = repo::hr_list(&app.db, Some(Role::AccountManager.code())).await?;
    let first_round = repo::first_approved(&app.db).await?.is_none();
    let mut tx = app.db.begin().await?;
    if let Some(id) = repo::open_round(&mut tx).await? {
        return Err(AppError::Conflict(format!(
            "第 {id} 轮定级尚未审批，不能再开新一轮"
        )));
    }
    let round = repo::round_insert(&mut tx, name, as_of, first_round, by, app.clock.now()).await?;
    let center: Vec<i64> = all
        .iter()
        .filter(|s| s.active && s.role == Role::MarketingCenter.code())
        .map(|s| s.id)
        .collect();
    let mut candidates = 0usize;
    for r in &records {
        if !r.active || (!wanted.is_empty() && !wanted.contains(r.username.as_str())) {
            continue;
        }
        let (eligible, why, edu, years) = match r.version {
            None => (false, "无人事档案".to_string(), 0.0, 0.0),
            Some(_) => {
                let (in_post, all_years) = crate::people::experience_years(r, as_of);
                let prior = r.prior_months.unwrap_or(0) as f64 / 12.0;
                let education = r
                    .education
                    .as_deref()
                    .and_then(|e| rules::Education::parse(e).ok())
                    .unwrap_or(rules::Education::HighSchool);
                let econ = r
                    .econ_cert
                    .as_deref()
                    .and_then(|e| rules::CertLevel::parse(e).ok());
                let edu = rules::education_points(g, education, r.matched.unwrap_or(false), econ);
                let years = rules::years_points(g, all_years);
                if in_post as f64 >= g.eligible_years {
                    (true, format!("任客户经理满 {in_post} 年"), edu, years)
                } else if prior >= g.eligible_years {
                    (
                        true,
                        format!("此前从业 {prior:.1} 年，可直接定级"),
                        edu,
                        years,
                    )
                } else {
                    (
                        false,
                        format!("任职未满 {} 年且无此前从业经历", g.eligible_years),
                        edu,
                        years,
                    )
                }
            }
        };
        let cand =
            repo::candidate_insert(&mut tx, round, r.staff_id, eligible, &why, edu, years).await?;
        candidates += 1;
        if !eligible {
            continue;
        }
        let me = all.iter().find(|s| s.id == r.staff_id);
        let county = county_of(r.org_unit_id);
        let mut leaders: Vec<i64> = me.and_then(|m| m.supervisor_id).into_iter().collect();
        let mut peers = Vec::new();
        let mut staff = Vec::new();
        // other counties' reps and staff: the reserve when a county has too few for the mean
        let mut far_peers = Vec::new();
        let mut far_staff = Vec::new();
        // … and, in a company too small for either, anyone else of the staff
        let mut anyone = Vec::new();
        for s in &all {
            if !s.active || s.id == r.staff_id {
                continue;
            }
            if s.role != Role::Admin.code() {
                anyone.push(s.id);
            }
            let same_county = county.is_some() && county_of(s.org_unit_id) == county;
            let role = Role::parse(&s.role).ok();
            match role {
                Some(Role::MarketingDirector) if same_county => leaders.push(s.id),
                Some(Role::MarketingCenter) => leaders.push(s.id),
                Some(Role::AccountManager) if same_county => peers.push(s.id),
                Some(Role::MarketManager | Role::MonopolyOfficer) if same_county => {
                    staff.push(s.id)
                }
                Some(Role::BrandManager) => staff.push(s.id),
                Some(Role::AccountManager) => far_peers.push(s.id),
                Some(Role::MarketManager | Role::MonopolyOfficer) => far_staff.push(s.id),
                _ => {}
            }
        }
        leaders.dedup();
        staff.retain(|s| !leaders.contains(s));
        let pick = |v: &[i64]| -> Vec<i64> {
            // spread the load: start at a place that moves with the candidate
            let n = v.len();
            if n <= g.reviewers_per_group {
                return v.to_vec();
            }
            let start = (r.staff_id as usize * 7) % n;
            (0..g.reviewers_per_group)
                .map(|i| v[(start + i) % n])
                .collect()
        };
        // the county's first; topped up from the reserve to the trimmed mean's minimum
        let top_up = |mut v: Vec<i64>, reserve: &[i64]| -> Vec<i64> {
            let need = g.min_scores.max(3);
            for id in pick(reserve) {
                if v.len() >= need {
                    break;
                }
                if !v.contains(&id) {
                    v.push(id);
                }
            }
            v
        };
        for (grp, ids) in [
            (ReviewGroup::Leaders, pick(&leaders)),
            (
                ReviewGroup::PeerReps,
                top_up(top_up(pick(&peers), &far_peers), &anyone),
            ),
            (
                ReviewGroup::Staff,
                top_up(top_up(pick(&staff), &far_staff), &anyone),
            ),
        ] {
            for id in ids {
                repo::assignment_insert(&mut tx, round, cand, id, grp.code(), None).await?;
            }
        }
        if !center.is_empty() {
            let retailers = store::repo::retailer::of_rep(&app.db, r.staff_id).await?;
            let n = retailers.len();
            let want = (g.min_customers + 1).min(n);
            for i in 0..want {
                // evenly through the rep's list
                let ret = &retailers[i * n / want.max(1)];
                let panel = center[i % center.len()];
                repo::assignment_insert(
                    &mut tx,
                    round,
                    cand,
                    panel,
                    ReviewGroup::Customers.code(),
                    Some(ret.id),
                )
                .await?;
            }
        }
    }
    if candidates == 0 {
        return Err(AppError::Rule("没有可参加定级的客户经理".into()));
    }
    store::audit::record(
        &mut tx,
        actor,
        "create",
        "grading_round",
        &round.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "name": name, "as_of": as_of, "candidates": candidates, "first_round": first_round })),
    )
    .await?;
    tx.commit().await?;
    Ok(round)
}

async fn round_or_404(app: &App, id: i64) -> AppResult<RoundRow> {
    repo::round(&app.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("定级轮次 {id} 不存在")))
}

/// A round's page.
#[derive(Debug, Clone, Serialize)]
pub struct RoundPage {
    pub round: RoundView,
    /// All candidates for the centre; once publicised, the candidates of one's county for
    /// everyone else; before that none.
    pub candidates: Vec<CandidateView>,
    pub appeals: Vec<AppealRow>,
    pub is_center: bool,
    /// One's own candidacy in this round.
    pub mine: Option<CandidateView>,
    /// Open assignments of the person in this round.
    pub my_open_reviews: i64,
    pub groups: Vec<(String, String, f64)>,
}

pub async fn round(app: &App, user: &CurrentUser, id: i64) -> AppResult<RoundPage> {
    let r = round_or_404(app, id).await?;
    let is_center = CENTER.contains(&user.role);
    let p = app.policy().await?;
    let mut progress: HashMap<i64, Vec<(String, i64, i64)>> = HashMap::new();
    if is_center {
        for (c, g, a, s) in repo::progress(&app.db, id).await? {
            progress.entry(c).or_default().push((g, a, s));
        }
        for v in progress.values_mut() {
            v.sort();
        }
    }
    let rows = repo::candidates(&app.db, id).await?;
    let mine = rows
        .iter()
        .find(|c| c.staff_id == user.id)
        .cloned()
        .map(|c| {
            let mut v = candidate_view(c, Vec::new());
            if r.status == REVIEW {
                v.score = None;
            }
            v
        });
    let candidates: Vec<CandidateView> = if is_center {
        rows.into_iter()
            .map(|c| {
                let pr = progress.remove(&c.id).unwrap_or_default();
                candidate_view(c, pr)
            })
            .collect()
    } else if r.status == REVIEW {
        Vec::new()
    } else {
        // publicity: the candidates of one's county (company-wide roles: everyone)
        let mine_county = match user.org_unit_id {
            Some(u) if !matches!(user.role, Role::BrandManager | Role::Admin) => {
                crate::access::county_of(&app.db, u).await.ok()
            }
            _ => None,
        };
        let mut out = Vec::new();
        let mut cache: HashMap<i64, Option<i64>> = HashMap::new();
        for c in rows.into_iter().filter(|c| c.eligible) {
            let keep = match (mine_county, c.org_unit_id) {
                (None, _) => true,
                (Some(mc), Some(u)) => {
                    if let std::collections::hash_map::Entry::Vacant(e) = cache.entry(u) {
                        e.insert(crate::access::county_of(&app.db, u).await.ok());
                    }
                    cache[&u] == Some(mc)
                }
                (Some(_), None) => false,
            };
            if keep {
                out.push(candidate_view(c, Vec::new()));
            }
        }
        out
    };
    let appeals = repo::appeals(&app.db, id)
        .await?
        .into_iter()
        .filter(|a| is_center || a.staff_id == user.id)
        .collect();
    let my_open_reviews = repo::reviewer_rounds(&app.db, user.id)
        .await?
        .into_iter()
        .find(|(rid, _)| *rid == id)
        .map(|(_, n)| n)
        .unwrap_or(0);
    Ok(RoundPage {
        round: round_view(r, app.clock.today()),
        candidates,
        appeals,
        is_center,
        mine,
        my_open_reviews,
        groups: rules::groups(&p.grading)
            .iter()
            .map(|(g, w)| (g.code().to_string(), g.zh().to_string(), *w))
            .collect(),
    })
}

/// One's review assignments in a round, with the rubric.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewsPage {
    pub round: RoundView,
    pub assignments: Vec<ReviewView>,
    pub rubric: Vec<(String, f64)>,
    pub open: bool,
}

/// An assignment as its reviewer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    #[serde(flatten)]
    pub row: AssignmentRow,
    pub group_zh: String,
    pub items: Vec<f64>,
}

pub async fn reviews(app: &App, user: &CurrentUser, id: i64) -> AppResult<ReviewsPage> {
    let r = round_or_404(app, id).await?;
    let p = app.policy().await?;
    let assignments = repo::assignments_of(&app.db, user.id, id)
        .await?
        .into_iter()
        .map(|a| ReviewView {
            group_zh: ReviewGroup::parse(&a.grp)
                .map(|g| g.zh().to_string())
                .unwrap_or_default(),
            items: a
                .items_json
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or_default(),
            row: a,
        })
        .collect();
    let open = r.status == REVIEW;
    Ok(ReviewsPage {
        round: round_view(r, app.clock.today()),
        assignments,
        rubric: p.grading.rubric,
        open,
    })
}

/// Score one's assignment: the rubric's items in order, each within its full marks; once.
pub async fn score(
    app: &App, user: &CurrentUser, assignment: i64, items: &[f64],
) -> AppResult<f64> {
    let a = repo::assignment(&app.db, assignment)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("评议任务 {assignment} 不存在")))?;
    if a.reviewer_id != user.id {
        return Err(AppError::Forbidden("这不是您的评议任务".into()));
    }
    let rubric = app.policy().await?.grading.rubric;
    if items.len() != rubric.len() {
        return Err(AppError::invalid(
            "items",
            format!("应为 {} 项评分，收到 {} 项", rubric.len(), items.len()),
        ));
    }
    for (i, (x, (name, max))) in items.iter().zip(&rubric).enumerate() {
        if !x.is_finite() || *x < 0.0 || *x > *max {
            return Err(AppError::invalid(
                format!("items[{i}]"),
                format!("「{name}」应在 0–{max} 分之间"),
            ));
        }
    }
    let total = rules::round2(items.iter().sum());
    let mut tx = app.db.begin().await?;
    let r = repo::round_tx(&mut tx, a.round_id)
        .await?
        .ok_or_else(|| AppError::NotFound("定级轮次不存在".into()))?;
    if r.status != REVIEW {
        return Err(AppError::Conflict(format!(
            "本轮{}，评议已结束",
            status_zh(&r.status)
        )));
    }
    let items_json = serde_json::to_string(items).unwrap_or_default();
    if !repo::assignment_score(&mut tx, assignment, &items_json, total, app.clock.now()).await? {
        return Err(AppError::Conflict("该评议已提交，不能修改".into()));
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "score",
        "grading_assignment",
        &assignment.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "round": a.round_id, "candidate": a.candidate_id, "group": a.grp, "score": total })),
    )
    .await?;
    tx.commit().await?;
    Ok(total)
}

/// An added assignment (centre).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AssignInput {
    pub candidate: String,
    pub reviewer: String,
    pub group: String,
    /// The visited retailer (customer panel only).
    pub customer_code: String,
}

pub async fn assign(app: &App, user: &CurrentUser, id: i64, input: &AssignInput) -> AppResult<i64> {
    user.require(&CENTER)?;
    let group =
        ReviewGroup::parse(&input.group).map_err(|e| AppError::invalid("group", e.message))?;
    let cand = repo::candidates(&app.db, id)
        .await?
        .into_iter()
        .find(|c| c.username == input.candidate.trim())
        .ok_or_else(|| {
            AppError::invalid(
                "candidate",
                format!("{} 不是本轮候选人", input.candidate.trim()),
            )
        })?;
    if !cand.eligible {
        return Err(AppError::invalid(
            "candidate",
            format!("{} 不符合定级条件", cand.name),
        ));
    }
    let reviewer = store::repo::staff::by_username(&app.db, input.reviewer.trim())
        .await?
        .filter(|s| s.active)
        .ok_or_else(|| {
            AppError::invalid("reviewer", format!("用户 {} 不存在", input.reviewer.trim()))
        })?;
    if reviewer.id == cand.staff_id {
        return Err(AppError::invalid("reviewer", "不能评议自己"));
    }
    let retailer = match (group, input.customer_code.trim()) {
        (ReviewGroup::Customers, "") => {
            return Err(AppError::invalid(
                "customer_code",
                "零售客户评议须填写走访的客户编码",
            ));
        }
        (ReviewGroup::Customers, code) => {
            let r = store::repo::retailer::by_code(&app.db, code)
                .await?
                .ok_or_else(|| AppError::invalid("customer_code", format!("客户 {code} 不存在")))?;
            if r.account_manager_id != Some(cand.staff_id) {
                return Err(AppError::invalid(
                    "customer_code",
                    format!("客户 {code} 不是 {} 的服务客户", cand.name),
                ));
            }
            Some(r.id)
        }
        (_, "") => None,
        (_, _) => {
            return Err(AppError::invalid(
                "customer_code",
                "仅零售客户评议填写客户编码",
            ));
        }
    };
    let mut tx = app.db.begin().await?;
    let r = repo::round_tx(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("定级轮次 {id} 不存在")))?;
    if r.status != REVIEW {
        return Err(AppError::Conflict(format!(
            "本轮{}，不能再分配评议",
            status_zh(&r.status)
        )));
    }
    let aid = repo::assignment_insert(&mut tx, id, cand.id, reviewer.id, group.code(), retailer)
        .await?
        .ok_or_else(|| AppError::Conflict("该评议任务已存在".into()))?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "create",
        "grading_assignment",
        &aid.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "round": id, "candidate": cand.username, "reviewer": reviewer.username, "group": group.code() })),
    )
    .await?;
    tx.commit().await?;
    Ok(aid)
}

/// An exam score to enter (centre).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExamInput {
    pub username: String,
    pub score: f64,
}

/// Enter exam scores (0–100) while the round is in review; all or none.
pub async fn exams(
    app: &App, user: &CurrentUser, id: i64, input: &[ExamInput],
) -> AppResult<usize> {
    user.require(&CENTER)?;
    let rows = repo::candidates(&app.db, id).await?;
    let mut set = Vec::new();
    for (i, e) in input.iter().enumerate() {
        let c = rows
            .iter()
            .find(|c| c.username == e.username.trim())
            .ok_or_else(|| {
                AppError::invalid(
                    format!("exams[{i}].username"),
                    format!("{} 不是本轮候选人", e.username.trim()),
                )
            })?;
        if !e.score.is_finite() || !(0.0..=100.0).contains(&e.score) {
            return Err(AppError::invalid(
                format!("exams[{i}].score"),
                "考试成绩应在 0–100 分之间",
            ));
        }
        set.push((
            c.id,
            c.username.clone(),
            c.exam_score,
            rules::round2(e.score),
        ));
    }
    let mut tx = app.db.begin().await?;
    let r = repo::round_tx(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("定级轮次 {id} 不存在")))?;
    if r.status != REVIEW {
        return Err(AppError::Conflict(format!(
            "本轮{}，不能再录入考试成绩",
            status_zh(&r.status)
        )));
    }
    for (cid, username, before, score) in &set {
        repo::set_exam(&mut tx, *cid, *score).await?;
        store::audit::record(
            &mut tx,
            &user.actor(),
            "update",
            "grading_exam",
            username,
            before.as_ref(),
            Some(score),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(set.len())
}

/// Compute a candidate's sheet from the round's scores.
fn sheet(
    g: &rules::GradingPolicy, c: &CandidateRow, exam: f64,
    scores: &[(i64, String, Option<i64>, Option<f64>)],
) -> AppResult<GradingScore> {
    let mut by_group: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut customers: HashSet<i64> = HashSet::new();
    for (cid, grp, retailer, score) in scores {
        if *cid != c.id {
            continue;
        }
        if let Some(s) = score {
            by_group.entry(grp.as_str()).or_default().push(*s);
            if grp == ReviewGroup::Customers.code()
                && let Some(r) = retailer
            {
                customers.insert(*r);
            }
        }
    }
    let mut parts = Vec::new();
    for (group, _) in rules::groups(g) {
        let s = by_group.get(group.code()).cloned().unwrap_or_default();
        let part = rules::group_part(g, group, &s)
            .map_err(|e| AppError::Conflict(format!("{}的{}{}", c.name, group.zh(), e)))?;
        if group == ReviewGroup::Customers && customers.len() < g.min_customers {
            return Err(AppError::Conflict(format!(
                "{}的零售客户评议只走访了 {} 户，需至少 {} 户",
                c.name,
                customers.len(),
                g.min_customers
            )));
        }
        parts.push(part);
    }
    Ok(rules::grading_score(
        g,
        c.education_pts,
        c.years_pts,
        exam,
        parts,
    ))
}

/// Publicise a round (centre): every eligible candidate's sheet computed — a missing exam score
/// or a group short of scores → 409 naming whom — and the window opened from today.
pub async fn publicize(app: &App, user: &CurrentUser, id: i64) -> AppResult<NaiveDate> {
    user.require(&CENTER)?;
    let g = app.policy().await?.grading;
    let today = app.clock.today();
    let mut tx = app.db.begin().await?;
    let r = repo::round_tx(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("定级轮次 {id} 不存在")))?;
    if r.status != REVIEW {
        return Err(AppError::Conflict(format!(
            "本轮{}，不能公示",
            status_zh(&r.status)
        )));
    }
    let scores = repo::scores_tx(&mut tx, id).await?;
    for c in repo::candidates_tx(&mut tx, id)
        .await?
        .iter()
        .filter(|c| c.eligible)
    {
        let exam = c
            .exam_score
            .ok_or_else(|| AppError::Conflict(format!("{}尚无考试成绩", c.name)))?;
        let s = sheet(&g, c, exam, &scores)?;
        let (level, step) = rules::grade_of(&g, s.total);
        let json = serde_json::to_string(&s).unwrap_or_default();
        repo::set_result(&mut tx, c.id, &json, s.total, level.code(), step.code()).await?;
    }
    let until = today + chrono::Days::new(g.publicity_days.max(1) as u64 - 1);
    if !repo::round_move(
        &mut tx,
        id,
        r.version,
        REVIEW,
        PUBLICITY,
        Some((today, until)),
        user.id,
        app.clock.now(),
    )
    .await?
    {
        return Err(AppError::Conflict("本轮状态已被他人更改，请刷新".into()));
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "publicize",
        "grading_round",
        &id.to_string(),
        Some(&r.status),
        Some(&serde_json::json!({ "from": today, "until": until })),
    )
    .await?;
    tx.commit().await?;
    Ok(until)
}

/// File an appeal: the candidate, within the window, with a reason; one pending at a time.
pub async fn appeal(app: &App, user: &CurrentUser, id: i64, reason: &str) -> AppResult<i64> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "请填写申诉理由"));
    }
    crate::limits::text(&app.policy().await?.limits, "reason", reason)?;
    let today = app.clock.today();
    round_or_404(app, id).await?;
    let cand = repo::candidates(&app.db, id)
        .await?
        .into_iter()
        .find(|c| c.staff_id == user.id)
        .ok_or_else(|| AppError::Forbidden("您不是本轮定级的候选人".into()))?;
    let mut tx = app.db.begin().await?;
    let r = repo::round_tx(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("定级轮次 {id} 不存在")))?;
    let open = r.status == PUBLICITY && r.publicity_until.is_some_and(|u| today <= u);
    if !open {
        return Err(AppError::Conflict(match r.publicity_until {
            Some(u) if r.status != REVIEW => format!("公示期已于 {u} 结束，不能再申诉"),
            _ => "本轮尚未公示，不能申诉".into(),
        }));
    }
    let pending = repo::appeals_of_tx(&mut tx, cand.id).await?;
    if pending > 0 {
        return Err(AppError::Conflict("您已有一条待处理的申诉".into()));
    }
    let aid = repo::appeal_insert(&mut tx, cand.id, reason, app.clock.now()).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "create",
        "grading_appeal",
        &aid.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "round": id, "reason": reason })),
    )
    .await?;
    tx.commit().await?;
    Ok(aid)
}

/// The panel's answer to an appeal.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AppealDecision {
    pub upheld: bool,
    pub answer: String,
    /// An upheld appeal may correct the exam score; the sheet is recomputed.
    pub exam_score: Option<f64>,
}

pub async fn decide_appeal(
    app: &App, user: &CurrentUser, appeal: i64, d: &AppealDecision,
) -> AppResult<()> {
    user.require(&CENTER)?;
    let answer = d.answer.trim();
    if answer.is_empty() {
        return Err(AppError::invalid("answer", "请填写书面答复"));
    }
    let g = app.policy().await?;
    crate::limits::text(&g.limits, "answer", answer)?;
    if d.exam_score.is_some() && !d.upheld {
        return Err(AppError::invalid("exam_score", "驳回的申诉不能更正成绩"));
    }
    if let Some(s) = d.exam_score
        && (!s.is_finite() || !(0.0..=100.0).contains(&s))
    {
        return Err(AppError::invalid("exam_score", "考试成绩应在 0–100 分之间"));
    }
    let a = repo::appeal(&app.db, appeal)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("申诉 {appeal} 不存在")))?;
    let cand = repo::candidate(&app.db, a.candidate_id)
        .await?
        .ok_or_else(|| AppError::NotFound("候选人不存在".into()))?;
    let mut tx = app.db.begin().await?;
    let r = repo::round_tx(&mut tx, cand.round_id)
        .await?
        .ok_or_else(|| AppError::NotFound("定级轮次不存在".into()))?;
    if r.status != PUBLICITY {
        return Err(AppError::Conflict(format!(
            "本轮{}，不能处理申诉",
            status_zh(&r.status)
        )));
    }
    let status = if d.upheld { "UPHELD" } else { "REJECTED" };
    if !repo::appeal_decide(&mut tx, appeal, status, answer, user.id, app.clock.now()).await? {
        return Err(AppError::Conflict("该申诉已处理".into()));
    }
    if let Some(exam) = d.exam_score {
        let scores = repo::scores_tx(&mut tx, cand.round_id).await?;
        let exam = rules::round2(exam);
        repo::set_exam(&mut tx, cand.id, exam).await?;
        let s = sheet(&g.grading, &cand, exam, &scores)?;
        let (level, step) = rules::grade_of(&g.grading, s.total);
        let json = serde_json::to_string(&s).unwrap_or_default();
        repo::set_result(&mut tx, cand.id, &json, s.total, level.code(), step.code()).await?;
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "decide",
        "grading_appeal",
        &appeal.to_string(),
        Some(&a),
        Some(
            &serde_json::json!({ "status": status, "answer": answer, "exam_score": d.exam_score }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A grade set by hand, with its reason.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Override {
    pub username: String,
    pub level: String,
    pub step: String,
    pub reason: String,
}

/// Decide the grades (centre) once the window is over and no appeal is pending.
pub async fn decide(
    app: &App, user: &CurrentUser, id: i64, overrides: &[Override],
) -> AppResult<usize> {
    user.require(&CENTER)?;
    let p = app.policy().await?;
    let g = &p.grading;
    let today = app.clock.today();
    let rows = repo::candidates(&app.db, id).await?;
    let mut by_user: HashMap<String, (Level, Step, String)> = HashMap::new();
    for (i, o) in overrides.iter().enumerate() {
        let c = rows
            .iter()
            .find(|c| c.username == o.username.trim() && c.eligible)
            .ok_or_else(|| {
                AppError::invalid(
                    format!("overrides[{i}].username"),
                    format!("{} 不是本轮符合条件的候选人", o.username.trim()),
                )
            })?;
        let level = Level::parse(&o.level)
            .map_err(|e| AppError::invalid(format!("overrides[{i}].level"), e.message))?;
        let step = Step::parse(&o.step)
            .map_err(|e| AppError::invalid(format!("overrides[{i}].step"), e.message))?;
        let reason = o.reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid(
                format!("overrides[{i}].reason"),
                "调整定级须填写理由",
            ));
        }
        crate::limits::text(&p.limits, format!("overrides[{i}].reason"), reason)?;
        by_user.insert(c.username.clone(), (level, step, reason.to_string()));
    }
    let first = repo::first_approved(&app.db).await?;
    let mut tx = app.db.begin().await?;
    let r = repo::round_tx(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("定级轮次 {id} 不存在")))?;
    if r.status != PUBLICITY {
        return Err(AppError::Conflict(format!(
            "本轮{}，不能定级",
            status_zh(&r.status)
        )));
    }
    if let Some(u) = r.publicity_until
        && today <= u
    {
        return Err(AppError::Conflict(format!(
            "公示期至 {u}，公示期满后才能定级"
        )));
    }
    let pending = repo::pending_appeals(&mut tx, id).await?;
    if pending > 0 {
        return Err(AppError::Conflict(format!("尚有 {pending} 条申诉未处理")));
    }
    let years_since_first = if r.first_round {
        0
    } else {
        first.map(|f| rules::full_years(f, r.as_of)).unwrap_or(0)
    };
    let mut n = 0;
    for c in repo::candidates_tx(&mut tx, id)
        .await?
        .iter()
        .filter(|c| c.eligible)
    {
        let proposed = c
            .proposed_level
            .as_deref()
            .and_then(|l| Level::parse(l).ok())
            .zip(c.proposed_step.as_deref().and_then(|s| Step::parse(s).ok()))
            .ok_or_else(|| AppError::Conflict(format!("{}尚无总分", c.name)))?;
        let (mut level, step, reason) = match by_user.get(&c.username) {
            Some((l, s, why)) => (*l, *s, Some(why.clone())),
            None => (proposed.0, proposed.1, None),
        };
        let hr = repo::hr_of_tx(&mut tx, c.staff_id).await?;
        let cert = hr
            .as_ref()
            .and_then(|h| h.marketer_cert.as_deref())
            .and_then(|c| rules::CertLevel::parse(c).ok());
        let note = match rules::cert_check(g, level, cert, years_since_first) {
            CertCheck::Ok => None,
            CertCheck::Warning(w) => Some(w),
            CertCheck::Capped { level: l, note } => {
                level = l;
                Some(note)
            }
        };
        repo::set_final(
            &mut tx,
            c.id,
            level.code(),
            step.code(),
            reason.as_deref(),
            note.as_deref(),
        )
        .await?;
        n += 1;
    }
    if !repo::round_move(
        &mut tx,
        id,
        r.version,
        PUBLICITY,
        DECIDED,
        None,
        user.id,
        app.clock.now(),
    )
    .await?
    {
        return Err(AppError::Conflict("本轮状态已被他人更改，请刷新".into()));
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "decide",
        "grading_round",
        &id.to_string(),
        Some(&r.status),
        Some(&serde_json::json!({ "candidates": n, "overrides": overrides.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Approve a decided round (the marketing centre, the admin): grades into the records and their
/// history.
pub async fn approve(app: &App, user: &CurrentUser, id: i64) -> AppResult<usize> {
    user.require(&CENTER)?;
    approve_as(app, user.id, &user.actor(), id).await
}

pub(crate) async fn approve_as(
    app: &App, by: i64, actor: &store::audit::Actor, id: i64,
) -> AppResult<usize> {
    let mut tx = app.db.begin().await?;
    let r = repo::round_tx(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("定级轮次 {id} 不存在")))?;
    if r.status != DECIDED {
        return Err(AppError::Conflict(format!(
            "本轮{}，不能审批",
            status_zh(&r.status)
        )));
    }
    let mut n = 0;
    for c in repo::candidates_tx(&mut tx, id)
        .await?
        .iter()
        .filter(|c| c.eligible)
    {
        let (Some(level), Some(step)) = (c.level.as_deref(), c.step.as_deref()) else {
            continue;
        };
        let before = repo::hr_of_tx(&mut tx, c.staff_id).await?;
        repo::set_grade(&mut tx, c.staff_id, level, step).await?;
        let reason = match &c.override_reason {
            Some(o) => format!("{}（调整：{o}）", r.name),
            None => r.name.clone(),
        };
        repo::grade_insert(
            &mut tx,
            c.staff_id,
            level,
            step,
            r.as_of,
            Some(id),
            &reason,
            Some(by),
            app.clock.now(),
        )
        .await?;
        let after = repo::hr_of_tx(&mut tx, c.staff_id).await?;
        store::audit::record(
            &mut tx,
            actor,
            "update",
            "staff_hr",
            &c.username,
            before.as_ref(),
            after.as_ref(),
        )
        .await?;
        n += 1;
    }
    if !repo::round_move(
        &mut tx,
        id,
        r.version,
        DECIDED,
        APPROVED,
        None,
        by,
        app.clock.now(),
    )
    .await?
    {
        return Err(AppError::Conflict("本轮状态已被他人更改，请刷新".into()));
    }
    store::audit::record(
        &mut tx,
        actor,
        "approve",
        "grading_round",
        &id.to_string(),
        Some(&r.status),
        Some(&serde_json::json!({ "graded": n })),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}
