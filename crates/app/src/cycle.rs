//! Where a county department's month stands (domain.md §7): phases and dates from the calendar
//! configuration, gates counted from the data, who is late and what is due today per role.
use crate::forecasting;
use crate::{App, AppError, AppResult, CurrentUser};
use chrono::NaiveDate;
use domain::Month;
use domain::cycle::{self, GateFacts, Phase, Standing};
use domain::org::{OrgKind, Role};
use serde::Serialize;
use store::repo::forecasts as repo;

#[derive(Debug, Clone, Serialize)]
pub struct PhaseOut {
    pub phase: Phase,
    pub name: &'static str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub owners: Vec<&'static str>,
    pub owners_zh: Vec<&'static str>,
    pub gate: &'static str,
    pub gate_met: bool,
    pub locks: &'static str,
    pub current: bool,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Late {
    pub username: String,
    pub name: String,
    pub phase: Phase,
    pub what: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Due {
    pub role: &'static str,
    pub role_zh: &'static str,
    pub what: String,
}

/// The month of one county department.
#[derive(Debug, Clone, Serialize)]
pub struct CycleOut {
    pub county: String,
    pub county_name: String,
    /// The working month.
    pub month: String,
    /// The month being forecast and balanced (working month + 1).
    pub target_month: String,
    pub today: NaiveDate,
    /// `BEFORE`, `AFTER` or the current phase code.
    pub standing: String,
    pub phases: Vec<PhaseOut>,
    pub facts: GateFacts,
    /// 拜访预测到位率 (§6): key customers with an interactive forecast / key customers.
    pub visit_forecast_rate: Option<f64>,
    pub late: Vec<Late>,
    pub due_today: Vec<Due>,
}

async fn county(app: &App, code: &str) -> AppResult<store::model::OrgUnit> {
    let units = store::repo::staff::org_units(&app.db).await?;
    units
        .into_iter()
        .find(|u| {
            (u.code == code.trim() || u.id.to_string() == code.trim())
                && u.kind == OrgKind::County.code()
        })
        .ok_or_else(|| AppError::NotFound(format!("县级营销部 {code} 不存在")))
}

/// Who may look at every county's calendar; the others see only their own county's.
pub const PICKERS: &[Role] = &[
    Role::MarketManager,
    Role::MarketingCenter,
    Role::Admin,
    Role::BrandManager,
];

/// The cycle of `county` (org code, e.g. `CTY01`) in working month `month`: any county for the
/// [`PICKERS`], the person's own county for everyone else (403 otherwise).
pub async fn status(
    app: &App, user: &CurrentUser, county_code: &str, month: Month,
) -> AppResult<CycleOut> {
    if !PICKERS.contains(&user.role) && home_county(app, user).await? != county_code {
        return Err(AppError::Forbidden("只能查看本县级营销部的月度日历".into()));
    }
    let c = county(app, county_code).await?;
    let policy = app.policy().await?;
    let cal = &policy.month_calendar;
    let target = month.next();
    let tm = target.to_string();
    let today = app.clock.today();
    let sched = cycle::schedule(month, cal)?;

    let reps = repo::county_reps(&app.db, c.id).await?;
    let subs = repo::submissions(&app.db, &tm).await?;
    let submitted = |id: i64| {
        subs.iter()
            .any(|s| s.rep_id == id && s.status == "SUBMITTED")
    };
    // Key customers and their interactive figures, for every rep of the county in two reads.
    let (from, to) = forecasting::key_customer_window(target);
    let mut volumes: std::collections::HashMap<i64, Vec<repo::RetailerVolume>> = Default::default();
    let rep_ids: Vec<i64> = reps.iter().map(|r| r.id).collect();
    for (rep, v) in repo::reps_volumes(&app.db, &rep_ids, &from, &to).await? {
        volumes.entry(rep).or_default().push(v);
    }
    let with: std::collections::HashSet<(i64, i64)> =
        repo::reps_interactive(&app.db, &rep_ids, &tm)
            .await?
            .into_iter()
            .collect();
    let mut late = Vec::new();
    let mut facts = GateFacts {
        reps: reps.len() as u32,
        ..GateFacts::default()
    };
    for r in &reps {
        let (id, username, name) = (&r.id, &r.username, &r.name);
        if submitted(*id) {
            facts.reps_submitted += 1;
        } else if today > cycle::submit_due(month, cal) {
            late.push(Late {
                username: username.clone(),
                name: name.clone(),
                phase: Phase::Submit,
                what: format!("{tm} 需求预测未在 {} 前提交", cycle::submit_due(month, cal)),
            });
        }
        let keys = forecasting::key_customers_of(&policy, volumes.remove(id).unwrap_or_default());
        facts.key_customers += keys.len() as u32;
        facts.key_customers_forecast +=
            keys.iter().filter(|k| with.contains(&(*id, **k))).count() as u32;
    }
    let (model_pairs, unreviewed) = repo::county_counts(&app.db, c.id, &tm).await?;
    facts.model_pairs = model_pairs as u32;
    facts.self_reports_unreviewed = unreviewed as u32;
    facts.supply_skus = store::repo::supply::list(&app.db, &tm).await?.len() as u32;
    facts.balancing_published = store::repo::supply::run(&app.db, &tm)
        .await?
        .is_some_and(|r| r.state == "PUBLISHED");
    // Records are PUBLISHED only by the month's publication: before it nothing is due.
    let fb = if facts.balancing_published {
        repo::feedback_counts(&app.db, c.id, &tm).await?
    } else {
        Vec::new()
    };
    facts.feedback_due = fb.iter().map(|f| f.due).sum::<i64>() as u32;
    facts.feedback_done = fb.iter().map(|f| f.done).sum::<i64>() as u32;
    if today > cycle::feedback_due(month, cal) {
        for r in &reps {
            let (id, username, name) = (&r.id, &r.username, &r.name);
            let open: i64 = fb
                .iter()
                .filter(|f| f.rep_id == Some(*id))
                .map(|f| f.due - f.done)
                .sum();
            if open > 0 {
                late.push(Late {
                    username: username.clone(),
                    name: name.clone(),
                    phase: Phase::Feedback,
                    what: format!("{open} 户平衡后预测未反馈"),
                });
            }
        }
    }
    facts.plans_written = repo::plans_in_county(&app.db, &month.to_string(), c.id).await? as u32;
    // Phase ⑥: the month's stock collection at the sample points and the profit surveys.
    let points = store::repo::inventory::rep_progress(&app.db, c.id, &month.to_string()).await?;
    let surveys = store::repo::profit::rep_progress(&app.db, c.id, &month.to_string()).await?;
    facts.sample_points = points.iter().map(|p| p.1).sum::<i64>() as u32;
    facts.sample_points_reported = points.iter().map(|p| p.2).sum::<i64>() as u32;
    facts.profit_due = surveys.iter().map(|p| p.1).sum::<i64>() as u32;
    facts.profit_done = surveys.iter().map(|p| p.2).sum::<i64>() as u32;
    // The market analysis reports of the county's areas and of the county itself.
    let areas: Vec<(i64, String)> = store::repo::staff::org_units(&app.db)
        .await?
        .into_iter()
        .filter(|u| u.parent_id == Some(c.id) && u.kind == OrgKind::Area.code())
        .map(|u| (u.id, u.name))
        .collect();
    let reports = store::repo::report::list(&app.db, Some(c.id), None, 500).await?;
    let submitted = |scope: &str| {
        reports.iter().any(|r| {
            r.scope == scope
                && r.month == month.to_string()
                && matches!(r.status.as_str(), "SUBMITTED" | "ACCEPTED")
        })
    };
    facts.reports_due = areas.len() as u32 + 1;
    facts.reports_submitted = areas
        .iter()
        .filter(|(a, _)| submitted(&format!("area:{a}")))
        .count() as u32
        + u32::from(submitted(&format!("county:{}", c.id)));
    if today > month.last_day() {
        for (a, name) in &areas {
            if !submitted(&format!("area:{a}")) {
                late.push(Late {
                    username: String::new(),
                    name: name.clone(),
                    phase: Phase::Summary,
                    what: "市场分析报告未提交".into(),
                });
            }
        }
        if !submitted(&format!("county:{}", c.id)) {
            late.push(Late {
                username: String::new(),
                name: c.name.clone(),
                phase: Phase::Summary,
                what: "营销部市场分析报告未提交".into(),
            });
        }
        for r in &reps {
            let open = |rows: &[(Option<i64>, i64, i64)]| -> i64 {
                rows.iter()
                    .filter(|p| p.0 == Some(r.id))
                    .map(|p| p.1 - p.2)
                    .sum()
            };
            for (n, what) in [
                (open(&points), "个采集点未采集库存"),
                (open(&surveys), "户盈利调查未完成"),
            ] {
                if n > 0 {
                    late.push(Late {
                        username: r.username.clone(),
                        name: r.name.clone(),
                        phase: Phase::Summary,
                        what: format!("{n} {what}"),
                    });
                }
            }
        }
    }

    let standing = cycle::standing(month, cal, today)?;
    let overdue = cycle::overdue(month, cal, today, &facts)?;
    let phases = sched
        .iter()
        .map(|w| PhaseOut {
            phase: w.phase,
            name: w.phase.zh(),
            from: w.from,
            to: w.to,
            owners: w.owners.iter().map(|r| r.code()).collect(),
            owners_zh: w.owners.iter().map(|r| r.zh()).collect(),
            gate: w.gate,
            gate_met: cycle::gate_met(w.phase, &facts),
            locks: w.locks,
            current: standing == Standing::In(w.phase),
            overdue: overdue.contains(&w.phase),
        })
        .collect();
    let due_today = match standing {
        Standing::In(p) => due(p, month, cal, today),
        _ => Vec::new(),
    };
    Ok(CycleOut {
        county: c.code,
        county_name: c.name,
        month: month.to_string(),
        target_month: tm,
        today,
        standing: match standing {
            Standing::Before => "BEFORE".into(),
            Standing::After => "AFTER".into(),
            Standing::In(p) => p.code().into(),
        },
        visit_forecast_rate: cycle::visit_forecast_rate(
            facts.key_customers,
            facts.key_customers_forecast,
        ),
        phases,
        facts,
        late,
        due_today,
    })
}

fn due(p: Phase, month: Month, cal: &domain::config::MonthCalendar, today: NaiveDate) -> Vec<Due> {
    let d = |role: Role, what: String| Due {
        role: role.code(),
        role_zh: role.zh(),
        what,
    };
    let target = month.next();
    match p {
        Phase::Forecast => vec![
            d(
                Role::AccountManager,
                format!("重点客户双向互动预测 {target}，审核客户提报"),
            ),
            d(
                Role::MarketManager,
                "召开预测会：通报上月预测准确率与订单满足率，预告下月货源政策".into(),
            ),
            d(Role::MarketingCenter, format!("运行 {target} 模型预测")),
        ],
        Phase::Submit => {
            let mut v = vec![d(
                Role::MarketManager,
                "审阅（不修改）客户经理的预测，可评论或退回".into(),
            )];
            if today <= cycle::submit_due(month, cal) {
                v.insert(
                    0,
                    d(
                        Role::AccountManager,
                        format!("汇总并于 {} 前提交辖区预测", cycle::submit_due(month, cal)),
                    ),
                );
            }
            v
        }
        Phase::Visits => vec![
            d(Role::AccountManager, "客户日常拜访与市场分析".into()),
            d(Role::MarketingCenter, format!("录入 {target} 货源")),
        ],
        Phase::Balancing => vec![d(
            Role::MarketingCenter,
            format!("修正平衡并于 {} 前发布", cycle::balancing_due(month, cal)),
        )],
        Phase::Feedback => vec![d(
            Role::AccountManager,
            format!(
                "逐户反馈平衡后预测并记入动销台帐（{} 前）",
                cycle::feedback_due(month, cal)
            ),
        )],
        Phase::Summary => vec![
            d(
                Role::AccountManager,
                "库存采集、盈利调查、市场分析报告，填写 135 计划与改进".into(),
            ),
            d(Role::MarketManager, "月度总结会，公开预测执行情况".into()),
        ],
    }
}

/// The county departments (code, name), for the calendar's county picker.
pub async fn counties(app: &App) -> AppResult<Vec<(String, String)>> {
    Ok(store::repo::staff::org_units(&app.db)
        .await?
        .into_iter()
        .filter(|u| u.kind == OrgKind::County.code())
        .map(|u| (u.code, u.name))
        .collect())
}

/// The county department a person's calendar opens on: the county above their org unit, or the
/// first county for company-wide roles.
pub async fn home_county(app: &App, user: &CurrentUser) -> AppResult<String> {
    let units = store::repo::staff::org_units(&app.db).await?;
    let mut unit = user.org_unit_id;
    for _ in 0..8 {
        let Some(u) = unit.and_then(|id| units.iter().find(|u| u.id == id)) else {
            break;
        };
        if u.kind == OrgKind::County.code() {
            return Ok(u.code.clone());
        }
        unit = u.parent_id;
    }
    units
        .iter()
        .find(|u| u.kind == OrgKind::County.code())
        .map(|u| u.code.clone())
        .ok_or_else(|| AppError::NotFound("没有县级营销部".into()))
}

/// A person's 135 plan and improvement measures of a working month (§9), if written.
pub async fn plan135(
    app: &App, user: &CurrentUser, month: Month,
) -> AppResult<Option<repo::Plan135>> {
    Ok(repo::plan135(&app.db, &month.to_string(), user.id).await?)
}

/// Write the person's own 135 plan and improvement measures of `month` (traced in the audit
/// trail with the text before and after).
pub async fn save_plan135(
    app: &App, user: &CurrentUser, month: Month, plan: &str, improvement: &str,
) -> AppResult<repo::Plan135> {
    let limits = app.policy().await?.limits;
    crate::limits::document(&limits, "plan", plan)?;
    crate::limits::document(&limits, "improvement", improvement)?;
    let m = month.to_string();
    let before = repo::plan135(&app.db, &m, user.id).await?;
    let p = repo::Plan135 {
        month: m.clone(),
        staff_id: user.id,
        plan: plan.trim().to_string(),
        improvement: improvement.trim().to_string(),
        updated_at: app.clock.now(),
    };
    if before
        .as_ref()
        .is_some_and(|b| b.plan == p.plan && b.improvement == p.improvement)
    {
        return Ok(before.unwrap_or(p));
    }
    let mut tx = app.db.begin().await?;
    repo::put_plan135(&mut tx, &p).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "plan135.save",
        "plan135",
        &format!("{m}/{}", user.username),
        before.as_ref(),
        Some(&p),
    )
    .await?;
    tx.commit().await?;
    Ok(p)
}
