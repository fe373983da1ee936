//! 客户经理一张纸工作法 (domain.md §8): the weekly sheet from draft to review, its green channel,
//! and the market manager's roll-up and month close (§8.4).
//!
//! Draft generation (月目标→周计划→日落实): there is no monthly plan table yet, so the monthly
//! volume goal is last year's same month of the rep's retailers, or — when that is empty — the
//! mean of the last three complete months; the week's share is by working days
//! ([`domain::one_sheet::weekly_share`]). Key-brand share takes the KPI target (§6), the average
//! price per 条 last year's same month, visits one per active retailer per week (weekly routes),
//! field hours the §2.3 minimum × working days. Carried-over problems come from last week's B4;
//! proposed priorities from the §6 warnings, overdue visit cycles and the brand managers'
//! cultivation tasks ([`crate::cultivation`], proposed with their source, never ticked); the visit
//! plan from the route weekdays.
use crate::visits::{can_read_rep, staff_named};
use crate::{App, AppError, AppResult, CurrentUser};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::one_sheet::{
    self, Channel, Counterpart, DayPlan, GreenKind, GreenStatus, PlannedVisit, SheetContent,
    SheetError, SheetStatus, Target,
};
use domain::org::Role;
use domain::visit;
use domain::warning::WarningKind;
use domain::{IsoWeek, Month};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use store::model::Staff;
use store::repo::sheets::{self as repo, GreenRow, NewGreen, SheetRow};
use store::repo::visits as vrepo;

/// B1 row with the actual from data and the gap (= actual − target).
#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    pub code: String,
    pub indicator: String,
    pub unit: String,
    pub target: f64,
    pub actual: f64,
    pub gap: f64,
}

/// A planned customer with its done status (visited that day).
#[derive(Debug, Clone, Serialize)]
pub struct PlannedView {
    pub customer_code: String,
    pub name: String,
    pub service_focus: String,
    pub done: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayPlanView {
    pub day: u32,
    pub weekday_zh: &'static str,
    pub date: NaiveDate,
    pub focus: String,
    pub visits: Vec<PlannedView>,
}

/// B3 row: the rep's notes and the plan vs done from the visits.
#[derive(Debug, Clone, Serialize)]
pub struct DayTrackView {
    pub day: u32,
    pub weekday_zh: &'static str,
    pub date: NaiveDate,
    pub main_indicators: String,
    pub adhoc: String,
    pub problem: String,
    pub improvement: String,
    pub planned: usize,
    pub done: usize,
    pub unplanned: usize,
    pub field_hours: f64,
    pub plan_vs_done: String,
}

/// A green-channel item with its labels.
#[derive(Debug, Clone, Serialize)]
pub struct GreenView {
    #[serde(flatten)]
    pub row: GreenRow,
    pub counterpart_zh: String,
    pub kind_zh: String,
    pub channel_zh: String,
    pub status_zh: String,
}

impl GreenView {
    fn of(row: GreenRow) -> GreenView {
        GreenView {
            counterpart_zh: Counterpart::parse(&row.counterpart)
                .map(|c| c.zh().to_string())
                .unwrap_or_default(),
            kind_zh: GreenKind::parse(&row.kind)
                .map(|c| c.zh().to_string())
                .unwrap_or_default(),
            channel_zh: Channel::parse(&row.channel)
                .map(|c| c.zh().to_string())
                .unwrap_or_default(),
            status_zh: GreenStatus::parse(&row.status)
                .map(|c| c.zh().to_string())
                .unwrap_or_default(),
            row,
        }
    }
}

/// The whole sheet as read: the six blocks with computed figures.
#[derive(Debug, Clone, Serialize)]
pub struct SheetView {
    pub username: String,
    pub rep_name: String,
    pub week: String,
    pub month: String,
    pub monday: NaiveDate,
    pub sunday: NaiveDate,
    pub status: SheetStatus,
    pub status_zh: &'static str,
    /// False while the sheet is a generated draft not yet saved.
    pub stored: bool,
    /// The version a write of this sheet names (`If-Match`, the form's `version`): 0 for a
    /// draft never saved.
    pub version: i64,
    pub deadline: DateTime<Utc>,
    pub late: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewer: Option<String>,
    pub review_comment: String,
    pub max_ticks: usize,
    // B1
    pub targets: Vec<TargetView>,
    // B2
    pub carried_over: Vec<String>,
    pub proposed_priorities: Vec<String>,
    pub top_priority: String,
    pub checklist: Vec<one_sheet::Tick>,
    pub visit_plan: Vec<DayPlanView>,
    // B3
    pub tracking: Vec<DayTrackView>,
    // B4
    pub improvement: one_sheet::Improvement,
    // B5
    pub green_channel: Vec<GreenView>,
    // B6
    pub links: Vec<(String, String)>,
}

fn rep_only(user: &CurrentUser, rep: &Staff) -> AppResult<()> {
    if user.id == rep.id {
        return Ok(());
    }
    Err(AppError::Forbidden(match user.role {
        Role::MarketManager => "市场经理只能审阅和批注，不能修改客户经理的一张纸".into(),
        _ => "只有客户经理本人可以填写自己的一张纸".into(),
    }))
}

async fn rep_named(app: &App, username: &domain::Username) -> AppResult<Staff> {
    let s = staff_named(app, username.as_str()).await?;
    if s.role != Role::AccountManager.code() {
        return Err(AppError::NotFound(format!(
            "{} 不是客户经理，没有一张纸",
            s.username
        )));
    }
    Ok(s)
}

fn parse_content(row: &SheetRow) -> AppResult<SheetContent> {
    serde_json::from_str(&row.content).map_err(|e| {
        AppError::Store(store::StoreError::Corrupt(format!(
            "one_sheet {}: {e}",
            row.id
        )))
    })
}

/// The monthly volume goal of a rep (see the module doc): (条, amount fen).
async fn monthly_goal(app: &App, rep_id: i64, m: Month) -> AppResult<(i64, i64)> {
    let ly = repo::rep_month_sales(&app.db, rep_id, &m.same_month_last_year().to_string()).await?;
    if ly.0 > 0 {
        return Ok(ly);
    }
    let last = crate::retailers::last_complete_month(app).await?;
    let mut q = (0, 0);
    for i in 0..3 {
        let s = repo::rep_month_sales(&app.db, rep_id, &last.plus(-i).to_string()).await?;
        q.0 += s.0;
        q.1 += s.1;
    }
    Ok(goal_of(ly, q))
}

/// The goal rule of the module doc: last year's same month (条, fen) when it has purchases, else
/// the mean of the last three complete months (`recent` is their sum).
fn goal_of(last_year: (i64, i64), recent: (i64, i64)) -> (i64, i64) {
    if last_year.0 > 0 {
        last_year
    } else {
        (recent.0 / 3, recent.1 / 3)
    }
}

/// [`monthly_goal`] of the reps `reps` at once: four grouped reads whatever their number.
async fn monthly_goals(app: &App, m: Month, reps: &[Staff]) -> AppResult<HashMap<i64, (i64, i64)>> {
    let ids: Vec<i64> = reps.iter().map(|r| r.id).collect();
    let by_rep = |rows: Vec<repo::RepMonthSales>| -> HashMap<i64, (i64, i64)> {
        rows.into_iter()
            .map(|r| (r.rep_id, (r.supplied, r.amount_fen)))
            .collect()
    };
    let ly = by_rep(
        repo::month_sales_by_rep(&app.db, &m.same_month_last_year().to_string(), &ids).await?,
    );
    let last = crate::retailers::last_complete_month(app).await?;
    let mut recent: HashMap<i64, (i64, i64)> = HashMap::new();
    for i in 0..3 {
        for (rep, (q, a)) in
            by_rep(repo::month_sales_by_rep(&app.db, &last.plus(-i).to_string(), &ids).await?)
        {
            let e = recent.entry(rep).or_default();
            e.0 += q;
            e.1 += a;
        }
    }
    let reps: HashSet<i64> = ly.keys().chain(recent.keys()).copied().collect();
    Ok(reps
        .into_iter()
        .map(|rep| {
            let get = |m: &HashMap<i64, (i64, i64)>| m.get(&rep).copied().unwrap_or_default();
            (rep, goal_of(get(&ly), get(&recent)))
        })
        .collect())
}

/// B1's five targets of a generated draft (see the module doc) from the rep's monthly goal
/// (条, amount fen) and the number of active retailers on the rep's routes.
fn draft_targets(
    policy: &domain::config::Policy, week: IsoWeek, (goal, goal_amount): (i64, i64),
    route_size: usize,
) -> Vec<Target> {
    let p = &policy.one_sheet;
    vec![
        Target {
            code: "VOLUME".into(),
            indicator: "销量".into(),
            unit: "条".into(),
            target: one_sheet::weekly_share(goal as f64, week, p).round(),
        },
        Target {
            code: "KEY_BRAND_SHARE".into(),
            indicator: "重点品牌销售比重".into(),
            unit: "%".into(),
            target: policy.kpi_targets.key_brand_share_pct,
        },
        Target {
            code: "AVG_PRICE".into(),
            indicator: "条均价".into(),
            unit: "元".into(),
            target: if goal > 0 {
                (goal_amount as f64 / goal as f64 / 100.0 * 100.0).round() / 100.0
            } else {
                0.0
            },
        },
        Target {
            code: "VISITS".into(),
            indicator: "拜访客户".into(),
            unit: "户".into(),
            target: route_size as f64,
        },
        Target {
            code: "FIELD_HOURS".into(),
            indicator: "在岗时间".into(),
            unit: "小时".into(),
            target: policy.staffing.min_daily_field_hours * p.working_days as f64,
        },
    ]
}

/// What a week's data says against B1: purchases, distinct retailers visited, field hours.
#[derive(Debug, Clone, Copy, Default)]
struct WeekActuals {
    sales: repo::RepSales,
    visited: usize,
    field_hours: f64,
}

/// B1 rows: each target with its actual from data and the gap.
fn target_views(targets: &[Target], a: &WeekActuals) -> Vec<TargetView> {
    let (qty, key_qty, amount) = (a.sales.supplied, a.sales.key_brand, a.sales.amount_fen);
    targets
        .iter()
        .map(|t| {
            let actual = match t.code.as_str() {
                "VOLUME" => qty as f64,
                "KEY_BRAND_SHARE" if qty > 0 => {
                    (key_qty as f64 * 1000.0 / qty as f64).round() / 10.0
                }
                "AVG_PRICE" if qty > 0 => (amount as f64 / qty as f64).round() / 100.0,
                "VISITS" => a.visited as f64,
                "FIELD_HOURS" => (a.field_hours * 10.0).round() / 10.0,
                _ => 0.0,
            };
            TargetView {
                code: t.code.clone(),
                indicator: t.indicator.clone(),
                unit: t.unit.clone(),
                target: t.target,
                actual,
                gap: ((actual - t.target) * 100.0).round() / 100.0,
            }
        })
        .collect()
}

/// Generate the draft of a week (see the module doc).
pub async fn draft(app: &App, rep: &Staff, week: IsoWeek) -> AppResult<SheetContent> {
    let policy = app.policy().await?;
    let p = &policy.one_sheet;
    let goal = monthly_goal(app, rep.id, week.month()).await?;
    let retailers = vrepo::route_retailers(&app.db, rep.id).await?;
    let targets = draft_targets(&policy, week, goal, retailers.len());
    let prev = repo::get(&app.db, rep.id, &week.prev().to_string()).await?;
    let carried_over = match &prev {
        Some(row) => one_sheet::carry_over(&parse_content(row)?),
        None => Vec::new(),
    };
    // Open warnings of the rep's retailers (§6: customer and 千条户, the last month detected) and
    // overdue visit cycles.
    let last = crate::retailers::last_complete_month(app).await?;
    let mut warnings = crate::warnings::open_for(
        app,
        crate::access::Scope::Rep(rep.id),
        last,
        &[WarningKind::Customer, WarningKind::LargeAccount],
    )
    .await?;
    // 千条户 first: rare, and what they buy is checked before the month's orders.
    warnings.sort_by_key(|w| w.row.kind != WarningKind::LargeAccount.code());
    let warned: HashSet<&str> = warnings
        .iter()
        .filter(|w| w.row.kind == WarningKind::Customer.code())
        .filter_map(|w| w.row.customer_code.as_deref())
        .collect();
    let today = app.clock.today();
    let starts = vrepo::starts_since(
        &app.db,
        rep.id,
        visit::china_day_start(today - Duration::days(84)),
    )
    .await?;
    let mut by_r: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    for (rid, at) in starts {
        by_r.entry(rid).or_default().push(visit::china_day(at));
    }
    let overdue = retailers
        .iter()
        .filter(|r| {
            visit::visit_cycle(
                by_r.get(&r.id).map(|v| v.as_slice()).unwrap_or(&[]),
                week.monday(),
                p.visit_cycle_days,
            )
            .overdue
        })
        .count();
    let mut proposed: Vec<String> = warnings
        .iter()
        .take(3)
        .map(|w| match w.row.kind.as_str() {
            "LARGE_ACCOUNT" => format!(
                "千条户预警 {}：{} 月购进 {} 条，核实需求真实性与货源去向",
                w.unit, w.row.month, w.row.qty
            ),
            _ => format!(
                "预警客户 {}上月销量环比低于同类客户，上门查明原因并指导订货",
                w.unit
            ),
        })
        .collect();
    if overdue > 0 {
        proposed.push(format!(
            "{overdue} 户客户超过 {} 天未拜访，按线路补访",
            p.visit_cycle_days
        ));
    }
    // Brand managers' cultivation tasks: proposed only, never ticked (the rep keeps ≤ 5 ticks).
    proposed.extend(crate::cultivation::proposals(app, rep, week).await?);
    // New-SKU listing programmes: the rep's unlisted targets, proposed the same way.
    proposed.extend(crate::new_sku::proposals(app, rep, week).await?);
    if let Some(c) = carried_over.first() {
        proposed.insert(0, format!("落实上周遗留：{c}"));
    }
    let visit_plan = (1..=p.working_days.min(7))
        .map(|d| {
            let day: Vec<_> = retailers
                .iter()
                .filter(|r| r.weekday == Some(d as i64))
                .collect();
            let n_warn = day
                .iter()
                .filter(|r| warned.contains(r.customer_code.as_str()))
                .count();
            DayPlan {
                day: d,
                focus: if n_warn > 0 {
                    format!("线路拜访 {} 户，预警客户 {n_warn} 户重点回访", day.len())
                } else {
                    format!("线路拜访 {} 户", day.len())
                },
                visits: day
                    .iter()
                    .map(|r| PlannedVisit {
                        customer_code: r.customer_code.clone(),
                        service_focus: if warned.contains(r.customer_code.as_str()) {
                            "查明销量下滑原因".into()
                        } else if r.is_sample_point {
                            "采集进销存价".into()
                        } else {
                            String::new()
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(SheetContent {
        targets,
        carried_over,
        top_priority: proposed.first().cloned().unwrap_or_default(),
        proposed_priorities: proposed,
        checklist: Vec::new(),
        visit_plan,
        tracking: Vec::new(),
        improvement: Default::default(),
    })
}

/// Build the view of a sheet: the stored content (or a draft) with the figures from data.
async fn view(
    app: &App, rep: &Staff, week: IsoWeek, row: Option<&SheetRow>, content: SheetContent,
) -> AppResult<SheetView> {
    let policy = app.policy().await?;
    let p = &policy.one_sheet;
    let now = app.clock.now();
    let monday = week.monday();
    let sunday = week.day(6);
    // Visits of the week.
    let visits = vrepo::of_person(
        &app.db,
        rep.id,
        visit::china_day_start(monday),
        visit::china_day_start(sunday + Duration::days(1)),
    )
    .await?;
    let visits: Vec<_> = visits
        .into_iter()
        .filter(|v| {
            let d = visit::china_day(v.started_at);
            d >= monday && d <= sunday
        })
        .collect();
    let closed: Vec<_> = visits
        .iter()
        .filter_map(|v| v.ended_at.map(|e| (v.started_at, e)))
        .collect();
    let hours = visit::field_hours_by_day(&closed);
    let visited_on: HashSet<(NaiveDate, &str)> = visits
        .iter()
        .map(|v| (visit::china_day(v.started_at), v.customer_code.as_str()))
        .collect();
    // B1 actuals.
    let actuals = WeekActuals {
        sales: repo::rep_sales_between(&app.db, rep.id, monday, sunday).await?,
        visited: visits
            .iter()
            .map(|v| v.retailer_id)
            .collect::<HashSet<_>>()
            .len(),
        field_hours: hours.values().sum::<f64>(),
    };
    let targets = target_views(&content.targets, &actuals);
    // Names of the planned customers.
    let retailers = vrepo::route_retailers(&app.db, rep.id).await?;
    let names: HashMap<&str, &str> = retailers
        .iter()
        .map(|r| (r.customer_code.as_str(), r.name.as_str()))
        .collect();
    let visit_plan: Vec<DayPlanView> = content
        .visit_plan
        .iter()
        .map(|d| {
            let date = one_sheet::date_of(week, d.day);
            DayPlanView {
                day: d.day,
                weekday_zh: one_sheet::weekday_zh(d.day),
                date,
                focus: d.focus.clone(),
                visits: d
                    .visits
                    .iter()
                    .map(|v| PlannedView {
                        customer_code: v.customer_code.clone(),
                        name: names
                            .get(v.customer_code.as_str())
                            .map(|s| s.to_string())
                            .unwrap_or_default(),
                        service_focus: v.service_focus.clone(),
                        done: visited_on.contains(&(date, v.customer_code.as_str())),
                    })
                    .collect(),
            }
        })
        .collect();
    // B3: the working days, plus weekend days with notes or visits.
    let mut days: Vec<u32> = (1..=p.working_days.min(7)).collect();
    for d in 6..=7 {
        let date = one_sheet::date_of(week, d);
        if !days.contains(&d)
            && (content.tracking.iter().any(|t| t.day == d && t.is_filled())
                || visited_on.iter().any(|(x, _)| *x == date))
        {
            days.push(d);
        }
    }
    let tracking = days
        .into_iter()
        .map(|d| {
            let date = one_sheet::date_of(week, d);
            let t = content
                .tracking
                .iter()
                .find(|t| t.day == d)
                .cloned()
                .unwrap_or_default();
            let plan: HashSet<&str> = content
                .visit_plan
                .iter()
                .filter(|x| x.day == d)
                .flat_map(|x| x.visits.iter().map(|v| v.customer_code.as_str()))
                .collect();
            let today_codes: HashSet<&str> = visited_on
                .iter()
                .filter(|(x, _)| *x == date)
                .map(|(_, c)| *c)
                .collect();
            let done = plan.iter().filter(|c| today_codes.contains(*c)).count();
            let unplanned = today_codes.iter().filter(|c| !plan.contains(*c)).count();
            let fh = hours.get(&date).copied().unwrap_or(0.0);
            DayTrackView {
                day: d,
                weekday_zh: one_sheet::weekday_zh(d),
                date,
                plan_vs_done: format!(
                    "计划 {} 户，完成 {done} 户{}；在岗 {fh:.1} 小时",
                    plan.len(),
                    if unplanned > 0 {
                        format!("，计划外 {unplanned} 户")
                    } else {
                        String::new()
                    }
                ),
                planned: plan.len(),
                done,
                unplanned,
                field_hours: fh,
                main_indicators: t.main_indicators,
                adhoc: t.adhoc,
                problem: t.problem,
                improvement: t.improvement,
            }
        })
        .collect();
    let green = repo::green_of_sheet(&app.db, rep.id, &week.to_string())
        .await?
        .into_iter()
        .map(GreenView::of)
        .collect();
    let status = row
        .and_then(|r| SheetStatus::parse(&r.status).ok())
        .unwrap_or(SheetStatus::Draft);
    let deadline = one_sheet::deadline(week, p);
    let submitted_at = row.and_then(|r| r.submitted_at);
    let late = match submitted_at {
        Some(s) => s > deadline,
        None => now > deadline,
    };
    let reviewer = match row.and_then(|r| r.reviewer_id) {
        Some(id) => store::repo::staff::by_id(&app.db, id)
            .await?
            .map(|s| s.name),
        None => None,
    };
    let w = week.to_string();
    let u = &rep.username;
    Ok(SheetView {
        username: rep.username.clone(),
        rep_name: rep.name.clone(),
        week: w.clone(),
        month: week.month().to_string(),
        monday,
        sunday,
        status,
        status_zh: status.zh(),
        stored: row.is_some(),
        version: row.map_or(0, |r| r.version),
        deadline,
        late,
        submitted_at,
        reviewed_at: row.and_then(|r| r.reviewed_at),
        reviewer,
        review_comment: row.map(|r| r.review_comment.clone()).unwrap_or_default(),
        max_ticks: p.max_ticks,
        targets,
        carried_over: content.carried_over,
        proposed_priorities: content.proposed_priorities,
        top_priority: content.top_priority,
        checklist: content.checklist,
        visit_plan,
        tracking,
        improvement: content.improvement,
        green_channel: green,
        links: vec![
            ("辖区基本情况".into(), "/".into()),
            ("客户经营情况".into(), "/retailers".into()),
            ("今日拜访".into(), "/today".into()),
            ("历史一张纸".into(), format!("/sheets/{u}/{}", week.prev())),
            ("打印（A4）".into(), format!("/sheets/{u}/{w}/print")),
            ("导出 Excel".into(), format!("/sheets/{u}/{w}/xlsx")),
        ],
    })
}

/// The sheet of a rep's week: the stored one, or a generated draft (not saved until the rep saves).
pub async fn get(
    app: &App, user: &CurrentUser, username: &domain::Username, week: IsoWeek,
) -> AppResult<SheetView> {
    let rep = rep_named(app, username).await?;
    can_read_rep(app, user, &rep).await?;
    let row = repo::get(&app.db, rep.id, &week.to_string()).await?;
    let content = match &row {
        Some(r) => parse_content(r)?,
        None => draft(app, &rep, week).await?,
    };
    view(app, &rep, week, row.as_ref(), content).await
}

fn sheet_error(e: SheetError) -> AppError {
    match e {
        SheetError::Invalid { field, message } => AppError::Invalid { field, message },
        SheetError::Rule(m) => AppError::Rule(m),
    }
}

/// Save what the rep wrote (replaces B1 targets, B2, B3, B4). Only the rep, and not once reviewed.
pub async fn save(
    app: &App, user: &CurrentUser, username: &domain::Username, week: IsoWeek,
    mut content: SheetContent, expected: Option<i64>,
) -> AppResult<SheetView> {
    let rep = rep_named(app, username).await?;
    can_read_rep(app, user, &rep).await?;
    rep_only(user, &rep)?;
    let policy = app.policy().await?;
    one_sheet::validate(&content, &policy.one_sheet).map_err(sheet_error)?;
    let json = serde_json::to_string(&content).unwrap_or_default();
    crate::limits::document(&policy.limits, "body", &json)?;
    // Every planned customer must be the rep's own (§8.2).
    let codes: Vec<String> = content
        .visit_plan
        .iter()
        .flat_map(|d| d.visits.iter().map(|v| v.customer_code.trim().to_string()))
        .collect();
    let own: HashSet<String> = vrepo::route_retailers(&app.db, rep.id)
        .await?
        .into_iter()
        .map(|r| r.customer_code)
        .collect();
    for d in content.visit_plan.iter_mut() {
        for v in d.visits.iter_mut() {
            v.customer_code = v.customer_code.trim().to_string();
        }
    }
    if let Some(bad) = codes.iter().find(|c| !own.contains(*c)) {
        let exists = !vrepo::retailers_by_codes(&app.db, std::slice::from_ref(bad))
            .await?
            .is_empty();
        return Err(AppError::Rule(if exists {
            format!("拜访计划中的零售客户 {bad} 不属于您的辖区，不能列入拜访计划")
        } else {
            format!("拜访计划中的零售客户 {bad} 不存在")
        }));
    }
    let w = week.to_string();
    let row = repo::get(&app.db, rep.id, &w).await?;
    if row
        .as_ref()
        .is_some_and(|r| r.status == SheetStatus::Reviewed.code())
    {
        return Err(AppError::Conflict("本周一张纸已审阅，不能再修改".into()));
    }
    let json =
        serde_json::to_string(&content).map_err(|e| AppError::invalid("body", e.to_string()))?;
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let before = row.as_ref().map(|r| r.content.clone());
    let top = content.top_priority.trim();
    let written = match &row {
        Some(r) => repo::update_content(&mut tx, r.id, top, &json, now, expected).await? == 1,
        // A sheet never saved is version 0: saving it expects nobody saved it meanwhile.
        None if expected.is_some_and(|v| v != 0) => false,
        None => {
            let month = week.month().to_string();
            let draft = SheetStatus::Draft.code();
            repo::insert(&mut tx, rep.id, &w, &month, draft, top, &json, now)
                .await?
                .is_some()
        }
    };
    if !written {
        // The transaction ends first: the reason is read on another connection.
        drop(tx);
        return Err(stale_sheet(app, rep.id, &w, expected).await);
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "sheet.save",
        "one_sheet",
        &format!("{}/{w}", rep.username),
        before.as_ref(),
        Some(&content),
    )
    .await?;
    tx.commit().await?;
    get(app, user, username, week).await
}

/// Why a sheet's write found it changed (409): reviewed meanwhile, or saved elsewhere since the
/// version the person was editing.
async fn stale_sheet(app: &App, rep_id: i64, week: &str, expected: Option<i64>) -> AppError {
    let now = repo::get(&app.db, rep_id, week).await.ok().flatten();
    match now {
        Some(r) if r.status == SheetStatus::Reviewed.code() => {
            AppError::Conflict("本周一张纸已审阅，不能再修改".into())
        }
        Some(r) if r.status == SheetStatus::Submitted.code() && expected.is_none() => {
            AppError::Conflict("本周一张纸已提交，不能重复提交".into())
        }
        Some(r) => AppError::Conflict(format!(
            "本周一张纸已在别处保存（现为第 {} 版，您修改的是第 {} 版），请刷新页面看到最新内容后再修改",
            r.version,
            expected.unwrap_or(0)
        )),
        None => AppError::Conflict("本周一张纸已变动，请刷新页面后再修改".into()),
    }
}

/// Submit the week's sheet (every working day needs its tracking entry, §8.2). A draft never
/// saved is saved as generated first.
pub async fn submit(
    app: &App, user: &CurrentUser, username: &domain::Username, week: IsoWeek,
) -> AppResult<SheetView> {
    let rep = rep_named(app, username).await?;
    can_read_rep(app, user, &rep).await?;
    rep_only(user, &rep)?;
    let policy = app.policy().await?;
    let w = week.to_string();
    let row = repo::get(&app.db, rep.id, &w).await?;
    let Some(row) = row else {
        return Err(AppError::Rule(
            "本周一张纸尚未填写保存，请先填写执行跟踪等内容再提交".into(),
        ));
    };
    let status = SheetStatus::parse(&row.status)?;
    if status != SheetStatus::Draft {
        return Err(AppError::Conflict(format!(
            "本周一张纸{}，不能重复提交",
            status.zh()
        )));
    }
    let content = parse_content(&row)?;
    let missing = one_sheet::missing_tracking_days(&content, &policy.one_sheet);
    if !missing.is_empty() {
        let days: Vec<&str> = missing.iter().map(|d| one_sheet::weekday_zh(*d)).collect();
        return Err(AppError::Rule(format!(
            "提交前须填写每个工作日的执行跟踪，尚缺：{}",
            days.join("、")
        )));
    }
    if content.top_priority.trim().is_empty() {
        return Err(AppError::Rule(
            "请填写本周最优先关注的重点任务（问最执一）".into(),
        ));
    }
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    if repo::set_submitted(&mut tx, row.id, now).await? == 0 {
        drop(tx);
        return Err(stale_sheet(app, rep.id, &w, None).await);
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "sheet.submit",
        "one_sheet",
        &format!("{}/{w}", rep.username),
        Some(&row.status),
        Some(&SheetStatus::Submitted.code()),
    )
    .await?;
    tx.commit().await?;
    get(app, user, username, week).await
}

/// The market manager reviews a submitted sheet and comments (never edits it).
pub async fn review(
    app: &App, user: &CurrentUser, username: &domain::Username, week: IsoWeek, comment: &str,
) -> AppResult<SheetView> {
    user.require(&[Role::MarketManager])?;
    let rep = rep_named(app, username).await?;
    can_read_rep(app, user, &rep).await?;
    let comment = comment.trim();
    crate::limits::text(&app.policy().await?.limits, "comment", comment)?;
    if comment.is_empty() {
        return Err(AppError::invalid("comment", "请填写审阅意见"));
    }
    let w = week.to_string();
    let row = repo::get(&app.db, rep.id, &w)
        .await?
        .filter(|r| r.status == SheetStatus::Submitted.code())
        .ok_or_else(|| AppError::Conflict("该一张纸尚未提交，不能审阅".into()))?;
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    if repo::set_reviewed(&mut tx, row.id, user.id, comment, now).await? == 0 {
        return Err(AppError::Conflict(
            "该一张纸刚被修改或已审阅，请刷新后再审阅".into(),
        ));
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "sheet.review",
        "one_sheet",
        &format!("{}/{w}", rep.username),
        Some(&row.status),
        Some(&serde_json::json!({"status": "REVIEWED", "comment": comment})),
    )
    .await?;
    tx.commit().await?;
    get(app, user, username, week).await
}

/// A new green-channel item (B5).
#[derive(Debug, Clone, Deserialize)]
pub struct GreenInput {
    pub counterpart: Counterpart,
    pub kind: GreenKind,
    pub content: String,
    #[serde(default)]
    pub channel: Option<Channel>,
    /// Required when the counterpart is a retailer (one of the rep's own).
    #[serde(default)]
    pub retailer_code: Option<String>,
}

/// The rep sends a green-channel item; it reaches the recipient's inbox at once.
pub async fn add_green(
    app: &App, user: &CurrentUser, username: &domain::Username, week: IsoWeek, input: &GreenInput,
) -> AppResult<GreenView> {
    let rep = rep_named(app, username).await?;
    can_read_rep(app, user, &rep).await?;
    rep_only(user, &rep)?;
    let content = input.content.trim();
    if content.is_empty() {
        return Err(AppError::invalid("content", "请填写沟通的具体内容"));
    }
    if content.chars().count() > 1000 {
        return Err(AppError::invalid("content", "沟通内容不超过 1000 字"));
    }
    let (recipient_id, retailer_id) = match input.counterpart {
        Counterpart::Retailer => {
            let code = input.retailer_code.as_deref().unwrap_or("").trim();
            if code.is_empty() {
                return Err(AppError::invalid("retailer_code", "请填写零售客户编码"));
            }
            let r = store::repo::retailer::by_code(&app.db, code)
                .await?
                .ok_or_else(|| {
                    AppError::invalid("retailer_code", format!("零售客户 {code} 不存在"))
                })?;
            if r.account_manager_id != Some(rep.id) {
                return Err(AppError::Forbidden(format!(
                    "零售客户 {code} 不属于您的辖区"
                )));
            }
            (None, Some(r.id))
        }
        c => {
            let role = if c == Counterpart::MarketingDirector {
                Role::MarketingDirector
            } else {
                Role::MonopolyOfficer
            };
            let county = match rep.org_unit_id {
                Some(a) => store::repo::staff::org_unit(&app.db, a)
                    .await?
                    .and_then(|u| u.parent_id),
                None => None,
            };
            let who = store::repo::staff::list(&app.db, Some(role.code()), county)
                .await?
                .into_iter()
                .find(|s| s.active)
                .ok_or_else(|| {
                    AppError::Conflict(format!("所在营销部没有{}，无法送达", role.zh()))
                })?;
            (Some(who.id), None)
        }
    };
    let g = NewGreen {
        rep_id: rep.id,
        iso_week: week.to_string(),
        counterpart: input.counterpart.code().into(),
        recipient_id,
        retailer_id,
        kind: input.kind.code().into(),
        content: content.into(),
        channel: input.channel.unwrap_or(Channel::Platform).code().into(),
        sent_at: app.clock.now(),
    };
    let mut tx = app.db.begin().await?;
    let id = repo::insert_green(&mut tx, &g).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "green.send",
        "green_item",
        &id.to_string(),
        None::<&()>,
        Some(&g),
    )
    .await?;
    tx.commit().await?;
    green(app, id).await
}

async fn green(app: &App, id: i64) -> AppResult<GreenView> {
    repo::green_by_id(&app.db, id)
        .await?
        .map(GreenView::of)
        .ok_or_else(|| AppError::NotFound(format!("沟通事项 {id} 不存在")))
}

/// Handling of an item by its recipient: RECEIVED, ANSWERED (with the answer) or CLOSED. Items
/// to a retailer (who has no account) are recorded by the rep.
pub async fn handle_green(
    app: &App, user: &CurrentUser, id: i64, to: GreenStatus, answer: Option<&str>,
) -> AppResult<GreenView> {
    let g = green(app, id).await?;
    let mine = match g.row.recipient_id {
        Some(r) => r == user.id,
        None => g.row.rep_id == user.id,
    };
    if !mine {
        return Err(AppError::Forbidden("只有接收人可以处理该沟通事项".into()));
    }
    if let Some(a) = answer {
        crate::limits::text(&app.policy().await?.limits, "answer", a)?;
    }
    let from = GreenStatus::parse(&g.row.status)?;
    if to == GreenStatus::Sent || !from.can_move_to(to) {
        return Err(AppError::Conflict(format!(
            "该事项{}，不能改为{}",
            from.zh(),
            to.zh()
        )));
    }
    let answer = answer.map(str::trim).filter(|a| !a.is_empty());
    if to == GreenStatus::Answered && answer.is_none() {
        return Err(AppError::invalid("answer", "请填写答复内容"));
    }
    let mut tx = app.db.begin().await?;
    repo::set_green_status(&mut tx, id, to.code(), answer, app.clock.now()).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "green.handle",
        "green_item",
        &id.to_string(),
        Some(&g.row.status),
        Some(&serde_json::json!({"status": to.code(), "answer": answer})),
    )
    .await?;
    tx.commit().await?;
    green(app, id).await
}

/// The signed-in person's inbox of green-channel items.
pub async fn inbox(app: &App, user: &CurrentUser) -> AppResult<Vec<GreenView>> {
    Ok(repo::inbox(&app.db, user.id, 200)
        .await?
        .into_iter()
        .map(GreenView::of)
        .collect())
}

/// A stored sheet in a list (across reps and weeks).
#[derive(Debug, Clone, Serialize)]
pub struct SheetSummary {
    pub username: String,
    pub rep_name: String,
    pub week: String,
    pub month: String,
    pub status: String,
    pub status_zh: String,
    pub top_priority: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub review_comment: String,
}

/// The reps whose sheets a person may list: self for a rep, the area's reps for a market
/// manager, everyone for company-wide roles, the county's reps for county roles.
async fn reps_visible(app: &App, user: &CurrentUser) -> AppResult<Vec<Staff>> {
    let all = store::repo::staff::list(&app.db, Some(Role::AccountManager.code()), None).await?;
    let mut out = Vec::new();
    for s in all {
        if can_read_rep(app, user, &s).await.is_ok() {
            out.push(s);
        }
    }
    Ok(out)
}

/// Stored sheets between two weeks for one rep (or all the person may see).
pub async fn list(
    app: &App, user: &CurrentUser, username: Option<&domain::Username>, from: IsoWeek, to: IsoWeek,
) -> AppResult<Vec<SheetSummary>> {
    // At most a year of weeks in one answer.
    let days = (to.monday() - from.monday()).num_days();
    if days < 0 {
        return Err(AppError::invalid("to", "结束周早于开始周"));
    }
    if days > 52 * 7 {
        return Err(AppError::invalid("to", "一次最多查询 53 周"));
    }
    let p = app.policy().await?.one_sheet;
    let reps: Vec<Staff> = match username {
        Some(u) => {
            let r = rep_named(app, u).await?;
            can_read_rep(app, user, &r).await?;
            vec![r]
        }
        None => reps_visible(app, user).await?,
    };
    let ids: HashSet<i64> = reps.iter().map(|r| r.id).collect();
    let rep_filter = (reps.len() == 1).then(|| reps[0].id);
    let rows = repo::list(
        &app.db,
        rep_filter,
        None,
        &from.to_string(),
        &to.to_string(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| ids.contains(&r.rep_id))
        .map(|r| {
            let deadline = IsoWeek::parse(&r.iso_week)
                .map(|w| one_sheet::deadline(w, &p))
                .unwrap_or(r.created_at);
            SheetSummary {
                late: r
                    .submitted_at
                    .map_or(app.clock.now() > deadline, |s| s > deadline),
                status_zh: SheetStatus::parse(&r.status)
                    .map(|s| s.zh().to_string())
                    .unwrap_or_default(),
                username: r.rep_username,
                rep_name: r.rep_name,
                week: r.iso_week,
                month: r.month,
                status: r.status,
                top_priority: r.top_priority,
                submitted_at: r.submitted_at,
                review_comment: r.review_comment,
            }
        })
        .collect())
}

/// One rep's line of the roll-up.
#[derive(Debug, Clone, Serialize)]
pub struct RollupRow {
    pub username: String,
    pub rep_name: String,
    pub status_zh: &'static str,
    pub stored: bool,
    pub late: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub top_priority: String,
    pub targets: Vec<TargetView>,
    pub open_green: usize,
}

/// One week of the trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    pub week: String,
    pub sheets: usize,
    pub submitted: usize,
    pub on_time: usize,
    pub reviewed: usize,
}

/// The market manager's roll-up of a week (and the trend over the 8 weeks before it).
#[derive(Debug, Clone, Serialize)]
pub struct Rollup {
    pub week: String,
    pub prev_week: String,
    pub next_week: String,
    pub reps: usize,
    pub rows: Vec<RollupRow>,
    pub trend: Vec<TrendRow>,
    /// Time in market in the week (§2.3): the market manager first, then each rep.
    pub field_time: Vec<FieldTime>,
}

/// A person's time in market over days against the §2.3 minimum of their role: reps 5 h each
/// working day, market managers 2 days a week (a day counts from `market_day_min_hours`),
/// brand managers 1/3 of working time. Only working days up to today count.
#[derive(Debug, Clone, Serialize)]
pub struct FieldTime {
    pub username: String,
    pub name: String,
    pub role_zh: &'static str,
    pub working_days: usize,
    pub hours: f64,
    /// Days meeting the role's day minimum (reps: the daily hours; managers: a market day).
    pub days: usize,
    pub required: String,
    pub actual: String,
    pub met: bool,
}

/// Time in market of a person over China-time days `[from, to]` (see [`FieldTime`]).
pub async fn field_time(
    app: &App, person: &Staff, from: NaiveDate, to: NaiveDate,
) -> AppResult<FieldTime> {
    let policy = app.policy().await?;
    let to = to.min(app.clock.today());
    let rows = vrepo::of_person(
        &app.db,
        person.id,
        visit::china_day_start(from),
        visit::china_day_start(to + Duration::days(1)),
    )
    .await?;
    let closed: Vec<_> = rows
        .iter()
        .filter_map(|v| v.ended_at.map(|e| (v.started_at, e)))
        .collect();
    Ok(field_time_of(&policy, person, &closed, from, to))
}

/// [`field_time`] from a person's closed visits (start, end) already read; `to` is at most today.
fn field_time_of(
    policy: &domain::config::Policy, person: &Staff, closed: &[visit::Interval], from: NaiveDate,
    to: NaiveDate,
) -> FieldTime {
    let by_day = visit::field_hours_by_day(closed);
    let by_day: std::collections::BTreeMap<NaiveDate, f64> = by_day
        .into_iter()
        .filter(|(d, _)| *d >= from && *d <= to)
        .collect();
    let wd = if to >= from {
        visit::working_days(from, to)
    } else {
        Vec::new()
    };
    // `+ 0.0`: an empty float sum is −0.0.
    let total = by_day.values().sum::<f64>() + 0.0;
    let hours = (total * 10.0).round() / 10.0 + 0.0;
    let role = Role::parse(&person.role).unwrap_or(Role::AccountManager);
    let s = &policy.staffing;
    let (days, required, actual, met) = match role {
        Role::MarketManager => {
            let need = s.market_manager_days_per_week * wd.len() as f64 / 5.0;
            let n = visit::market_days(&by_day, policy.one_sheet.market_day_min_hours);
            (
                n,
                format!(
                    "每周 ≥ {} 天（满 {} 小时算 1 天）",
                    s.market_manager_days_per_week, policy.one_sheet.market_day_min_hours
                ),
                format!("在市场 {n} 天，{hours:.1} 小时"),
                n as f64 + 1e-9 >= need,
            )
        }
        Role::BrandManager => {
            let share = visit::field_share(total, wd.len(), policy.one_sheet.hours_per_working_day);
            let n = visit::market_days(&by_day, policy.one_sheet.market_day_min_hours);
            (
                n,
                format!(
                    "≥ {:.0}% 工作时间（1/3）",
                    s.brand_manager_field_share * 100.0
                ),
                format!("占比 {:.1}%，{hours:.1} 小时", share * 100.0),
                share + 1e-9 >= s.brand_manager_field_share,
            )
        }
        _ => {
            let d = visit::rep_days_in_market(&by_day, &wd, s.min_daily_field_hours);
            let n = d.iter().filter(|x| x.met).count();
            (
                n,
                format!("每个工作日 ≥ {} 小时", s.min_daily_field_hours),
                format!("达标 {n}/{} 天，{hours:.1} 小时", wd.len()),
                n == wd.len(),
            )
        }
    };
    FieldTime {
        username: person.username.clone(),
        name: person.name.clone(),
        role_zh: role.zh(),
        working_days: wd.len(),
        hours,
        days,
        required,
        actual,
        met,
    }
}

/// The signed-in person's own time in market over `[from, to]`.
pub async fn own_field_time(
    app: &App, user: &CurrentUser, from: NaiveDate, to: NaiveDate,
) -> AppResult<FieldTime> {
    let me = staff_named(app, &user.username).await?;
    field_time(app, &me, from, to).await
}

/// Everyone's closed visits (start, end) over China-time days `[from, to]`, by person, and the
/// distinct retailers each visited: one read for a roll-up of many people.
struct SpanVisits {
    closed: HashMap<i64, Vec<visit::Interval>>,
    retailers: HashMap<i64, HashSet<i64>>,
}

/// The active retailers (ids) of `reps`, by rep.
async fn active_by_rep(app: &App, reps: &[Staff]) -> AppResult<HashMap<i64, Vec<i64>>> {
    let ids: Vec<i64> = reps.iter().map(|r| r.id).collect();
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for (rep, r) in vrepo::active_by_rep(&app.db, &ids).await? {
        out.entry(rep).or_default().push(r);
    }
    Ok(out)
}

async fn span_visits(app: &App, from: NaiveDate, to: NaiveDate) -> AppResult<SpanVisits> {
    let rows = vrepo::spans(
        &app.db,
        visit::china_day_start(from),
        visit::china_day_start(to + Duration::days(1)),
    )
    .await?;
    let mut out = SpanVisits {
        closed: HashMap::new(),
        retailers: HashMap::new(),
    };
    for v in rows {
        let d = visit::china_day(v.started_at);
        if d < from || d > to {
            continue;
        }
        out.retailers
            .entry(v.rep_id)
            .or_default()
            .insert(v.retailer_id);
        if let Some(e) = v.ended_at {
            out.closed
                .entry(v.rep_id)
                .or_default()
                .push((v.started_at, e));
        }
    }
    Ok(out)
}

/// The market manager's roll-up of a week: every visible rep's sheet (stored, or the draft's
/// targets when the rep has not written one), its actuals and open green-channel items, the
/// 8-week trend and the time in market. A fixed number of grouped reads, whatever the number
/// of reps (the company-wide page reads the whole city's week).
pub async fn rollup(app: &App, user: &CurrentUser, week: IsoWeek) -> AppResult<Rollup> {
    user.require(&[Role::MarketManager, Role::MarketingCenter, Role::Admin])?;
    let reps = reps_visible(app, user).await?;
    let policy = app.policy().await?;
    let now = app.clock.now();
    let (monday, sunday) = (week.monday(), week.day(6));
    let deadline = one_sheet::deadline(week, &policy.one_sheet);
    let ws = week.to_string();
    let stored: HashMap<i64, SheetRow> = repo::list(&app.db, None, None, &ws, &ws)
        .await?
        .into_iter()
        .map(|r| (r.rep_id, r))
        .collect();
    let missing = reps.iter().any(|r| !stored.contains_key(&r.id));
    let (goals, routes) = if missing {
        (
            monthly_goals(app, week.month(), &reps).await?,
            active_by_rep(app, &reps).await?,
        )
    } else {
        (HashMap::new(), HashMap::new())
    };
    let sales: HashMap<i64, repo::RepSales> = repo::sales_between_by_rep(&app.db, monday, sunday)
        .await?
        .into_iter()
        .map(|r| (r.rep_id, r.sales))
        .collect();
    let visits = span_visits(app, monday, sunday).await?;
    let green: HashMap<i64, i64> = repo::open_green_by_rep(&app.db, &ws)
        .await?
        .into_iter()
        .collect();
    let mut rows = Vec::new();
    for rep in &reps {
        let row = stored.get(&rep.id);
        let targets = match row {
            Some(r) => parse_content(r)?.targets,
            None => draft_targets(
                &policy,
                week,
                goals.get(&rep.id).copied().unwrap_or_default(),
                routes.get(&rep.id).map_or(0, Vec::len),
            ),
        };
        let closed = visits.closed.get(&rep.id).map_or(&[][..], |v| v.as_slice());
        let actuals = WeekActuals {
            sales: sales.get(&rep.id).copied().unwrap_or_default(),
            visited: visits.retailers.get(&rep.id).map_or(0, |v| v.len()),
            field_hours: visit::field_hours_by_day(closed).values().sum(),
        };
        let submitted_at = row.and_then(|r| r.submitted_at);
        rows.push(RollupRow {
            username: rep.username.clone(),
            rep_name: rep.name.clone(),
            status_zh: match row {
                Some(r) => SheetStatus::parse(&r.status)
                    .unwrap_or(SheetStatus::Draft)
                    .zh(),
                None => "未填写",
            },
            stored: row.is_some(),
            late: submitted_at.map_or(now > deadline, |s| s > deadline),
            submitted_at,
            top_priority: row.map(|r| r.top_priority.clone()).unwrap_or_default(),
            targets: target_views(&targets, &actuals),
            open_green: green.get(&rep.id).copied().unwrap_or(0) as usize,
        });
    }
    let p = &policy.one_sheet;
    let from = (0..8).fold(week, |w, _| w.prev());
    let ids: HashSet<i64> = reps.iter().map(|r| r.id).collect();
    let stored = repo::list(&app.db, None, None, &from.to_string(), &week.to_string()).await?;
    let mut trend = Vec::new();
    let mut w = from;
    loop {
        let ws = w.to_string();
        let of_week: Vec<_> = stored
            .iter()
            .filter(|r| r.iso_week == ws && ids.contains(&r.rep_id))
            .collect();
        let deadline = one_sheet::deadline(w, p);
        trend.push(TrendRow {
            week: ws,
            sheets: of_week.len(),
            submitted: of_week.iter().filter(|r| r.submitted_at.is_some()).count(),
            on_time: of_week
                .iter()
                .filter(|r| r.submitted_at.is_some_and(|s| s <= deadline))
                .count(),
            reviewed: of_week
                .iter()
                .filter(|r| r.status == SheetStatus::Reviewed.code())
                .count(),
        });
        if w == week {
            break;
        }
        w = w.next();
    }
    let mut field = Vec::new();
    if user.role == Role::MarketManager {
        field.push(own_field_time(app, user, monday, sunday).await?);
    }
    let until = sunday.min(app.clock.today());
    for rep in &reps {
        let closed = visits.closed.get(&rep.id).map_or(&[][..], |v| v.as_slice());
        field.push(field_time_of(&policy, rep, closed, monday, until));
    }
    Ok(Rollup {
        week: week.to_string(),
        prev_week: week.prev().to_string(),
        next_week: week.next().to_string(),
        reps: reps.len(),
        rows,
        trend,
        field_time: field,
    })
}

/// One rep's month close (§8.4): the monthly goal against the weekly sheets and the month's data.
#[derive(Debug, Clone, Serialize)]
pub struct MonthCloseRow {
    pub username: String,
    pub rep_name: String,
    pub monthly_goal: i64,
    pub weekly_targets_sum: f64,
    pub actual: i64,
    pub completion_pct: f64,
    pub weeks: usize,
    pub sheets_submitted: usize,
    pub visit_coverage_pct: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthClose {
    pub month: String,
    pub weeks: Vec<String>,
    pub rows: Vec<MonthCloseRow>,
}

pub async fn month_close(app: &App, user: &CurrentUser, month: Month) -> AppResult<MonthClose> {
    user.require(&[Role::MarketManager, Role::MarketingCenter, Role::Admin])?;
    let reps = reps_visible(app, user).await?;
    // Weeks planned in this month (ISO: the month of their Thursday).
    let mut weeks = Vec::new();
    let mut w = IsoWeek::of(month.first_day());
    while w.monday() <= month.last_day() {
        if w.month() == month {
            weeks.push(w);
        }
        w = w.next();
    }
    let (from, to) = (
        weeks.first().copied().unwrap_or(w),
        weeks.last().copied().unwrap_or(w),
    );
    let goals = monthly_goals(app, month, &reps).await?;
    let mut sheets: HashMap<i64, Vec<SheetRow>> = HashMap::new();
    for s in repo::list(&app.db, None, None, &from.to_string(), &to.to_string()).await? {
        sheets.entry(s.rep_id).or_default().push(s);
    }
    let sales: HashMap<i64, i64> =
        repo::sales_between_by_rep(&app.db, month.first_day(), month.last_day())
            .await?
            .into_iter()
            .map(|r| (r.rep_id, r.sales.supplied))
            .collect();
    // Visit coverage (§7): active retailers visited in the month ÷ active retailers.
    let visited = span_visits(app, month.first_day(), month.last_day()).await?;
    let active = active_by_rep(app, &reps).await?;
    let mut rows = Vec::new();
    for rep in &reps {
        let goal = goals.get(&rep.id).map_or(0, |g| g.0);
        let mine = sheets.get(&rep.id).map_or(&[][..], |v| v.as_slice());
        let mut sum = 0.0;
        for s in mine {
            sum += parse_content(s)?
                .targets
                .iter()
                .filter(|t| t.code == "VOLUME")
                .map(|t| t.target)
                .sum::<f64>();
        }
        let actual = sales.get(&rep.id).copied().unwrap_or(0);
        let assigned = active.get(&rep.id).map_or(&[][..], |v| v.as_slice());
        let seen = visited.retailers.get(&rep.id);
        let visited_n = assigned
            .iter()
            .filter(|r| seen.is_some_and(|s| s.contains(r)))
            .count() as i64;
        rows.push(MonthCloseRow {
            username: rep.username.clone(),
            rep_name: rep.name.clone(),
            monthly_goal: goal,
            weekly_targets_sum: sum,
            actual,
            completion_pct: if goal > 0 {
                actual as f64 * 100.0 / goal as f64
            } else {
                0.0
            },
            weeks: weeks.len(),
            sheets_submitted: mine.iter().filter(|s| s.submitted_at.is_some()).count(),
            visit_coverage_pct: visit::visit_coverage_pct(visited_n, assigned.len() as i64),
        });
    }
    Ok(MonthClose {
        month: month.to_string(),
        weeks: weeks.iter().map(|w| w.to_string()).collect(),
        rows,
    })
}
