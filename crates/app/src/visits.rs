//! 拜访 — visits with traces (痕迹): check-in, check-out with what was done and found, the day's
//! plan for the phone page, time in market (domain.md §2.3), visit cycles and coverage (§6).
use crate::{App, AppError, AppResult, CurrentUser, Scope};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::Month;
use domain::one_sheet::ChecklistCategory;
use domain::org::Role;
use domain::visit::{self, Span, VisitTimeError};
use serde::{Deserialize, Serialize};
use store::model::Staff;
use store::repo::visits::{self as repo, NewVisit, Traces, VisitRow};

/// A check-in, or a whole visit recorded afterwards when `ended_at` is given.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CheckIn {
    pub retailer_code: String,
    /// Default: now.
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lng: Option<f64>,
}

/// A service item done during a visit (a checklist category and item, §8.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceItem {
    pub category: ChecklistCategory,
    #[serde(default)]
    pub item: String,
}

/// Stock and price seen at a sample point.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Observation {
    pub sku_code: String,
    pub stock_qty: i64,
    /// Actual retail price per 条, fen.
    pub retail_price_fen: i64,
}

/// Check-out: the end time and the traces of the visit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CheckOut {
    /// Default: now (or the recorded end when the visit is already closed).
    pub ended_at: Option<DateTime<Utc>>,
    pub service_items: Vec<ServiceItem>,
    pub findings: String,
    pub demand_notes: String,
    pub brand_notes: String,
    pub consumer_feedback: String,
    pub anomalies: String,
    pub advice: String,
    pub follow_up: String,
    pub observations: Vec<Observation>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

/// A visit as the pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct VisitView {
    pub id: i64,
    pub rep_id: i64,
    pub customer_code: String,
    pub retailer_name: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub minutes: Option<i64>,
    pub purpose: String,
    pub service_items: Vec<ServiceItem>,
    pub findings: String,
    pub demand_notes: String,
    pub brand_notes: String,
    pub consumer_feedback: String,
    pub anomalies: String,
    pub advice: String,
    pub follow_up: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// The advice of the retailer's previous visit, to follow up this time.
    pub previous_advice: Option<String>,
}

impl VisitView {
    fn of(v: VisitRow, previous_advice: Option<String>) -> VisitView {
        VisitView {
            id: v.id,
            rep_id: v.rep_id,
            minutes: v.ended_at.map(|e| (e - v.started_at).num_minutes()),
            service_items: serde_json::from_str(&v.service_items).unwrap_or_default(),
            customer_code: v.customer_code,
            retailer_name: v.retailer_name,
            started_at: v.started_at,
            ended_at: v.ended_at,
            purpose: v.purpose,
            findings: v.findings,
            demand_notes: v.demand_notes,
            brand_notes: v.brand_notes,
            consumer_feedback: v.consumer_feedback,
            anomalies: v.anomalies,
            advice: v.advice,
            follow_up: v.follow_up,
            lat: v.lat,
            lng: v.lng,
            previous_advice,
        }
    }
}

/// Times people type lie in 2000–2100 (a typo such as year 0026 is refused, not stored).
fn check_year(field: &str, t: Option<chrono::DateTime<chrono::Utc>>) -> AppResult<()> {
    use chrono::Datelike;
    match t {
        Some(t) if !(2000..=2100).contains(&t.year()) => Err(AppError::invalid(
            field,
            format!("时间 {t} 不在 2000–2100 年之间"),
        )),
        _ => Ok(()),
    }
}

fn check_coords(lat: Option<f64>, lng: Option<f64>) -> AppResult<()> {
    if lat.is_some_and(|x| !(-90.0..=90.0).contains(&x)) {
        return Err(AppError::invalid("lat", "纬度应在 -90 到 90 之间"));
    }
    if lng.is_some_and(|x| !(-180.0..=180.0).contains(&x)) {
        return Err(AppError::invalid("lng", "经度应在 -180 到 180 之间"));
    }
    Ok(())
}

fn time_error(e: VisitTimeError) -> AppError {
    match e {
        VisitTimeError::EndBeforeStart { .. } => AppError::invalid("ended_at", e.to_string()),
        VisitTimeError::InFuture { .. } => AppError::invalid("started_at", e.to_string()),
        VisitTimeError::Overlap { .. } | VisitTimeError::OpenVisit { .. } => {
            AppError::Conflict(e.to_string())
        }
    }
}

/// The person's other visits that could overlap `[start, end]`.
async fn spans_near(
    app: &App, person: i64, start: DateTime<Utc>, end: DateTime<Utc>,
) -> AppResult<Vec<Span>> {
    let rows = repo::of_person(
        &app.db,
        person,
        start - Duration::hours(24),
        end + Duration::minutes(1),
    )
    .await?;
    Ok(rows
        .iter()
        .map(|v| Span {
            id: v.id,
            start: v.started_at,
            end: v.ended_at,
        })
        .collect())
}

/// Check in at a retailer (or record a whole visit). A rep visits only their own retailers; a
/// market or brand manager may record visits in their scope (§2.3 time in market).
pub async fn check_in(app: &App, user: &CurrentUser, input: &CheckIn) -> AppResult<VisitView> {
    user.require(&[
        Role::AccountManager,
        Role::MarketManager,
        Role::BrandManager,
    ])?;
    let code = input.retailer_code.trim();
    if code.is_empty() {
        return Err(AppError::invalid("retailer_code", "请填写零售客户编码"));
    }
    check_coords(input.lat, input.lng)?;
    let limits = app.policy().await?.limits;
    crate::limits::text(&limits, "purpose", &input.purpose)?;
    check_year("started_at", input.started_at)?;
    check_year("ended_at", input.ended_at)?;
    let r = store::repo::retailer::by_code(&app.db, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("零售客户 {code} 不存在")))?;
    if user.role == Role::AccountManager {
        if r.account_manager_id != Some(user.id) {
            return Err(AppError::Forbidden(format!(
                "零售客户 {code} 不属于您的辖区，不能记录拜访"
            )));
        }
    } else {
        let scope = Scope::of(&app.db, user).await?;
        if !store::repo::retailer::in_scope(&app.db, scope.ids(), r.id).await? {
            return Err(AppError::Forbidden(scope.refusal().into()));
        }
    }
    let now = app.clock.now();
    let start = input.started_at.unwrap_or(now);
    let others = spans_near(app, user.id, start, input.ended_at.unwrap_or(now)).await?;
    visit::check_times(start, input.ended_at, now, &others, None).map_err(time_error)?;
    let new = NewVisit {
        rep_id: user.id,
        retailer_id: r.id,
        started_at: start,
        ended_at: input.ended_at,
        purpose: input.purpose.trim().to_string(),
        lat: input.lat,
        lng: input.lng,
        created_at: now,
    };
    let mut tx = app.db.begin().await?;
    let id = repo::insert(&mut tx, &new).await?;
    let after = serde_json::json!({"retailer": code, "started_at": start, "ended_at": input.ended_at,
        "purpose": new.purpose, "lat": new.lat, "lng": new.lng});
    store::audit::record(
        &mut tx,
        &user.actor(),
        "visit.check_in",
        "visit",
        &id.to_string(),
        None::<&()>,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    get(app, user, id).await
}

/// Check out of a visit (or complete its traces): only the person who made it.
pub async fn check_out(
    app: &App, user: &CurrentUser, id: i64, input: &CheckOut,
) -> AppResult<VisitView> {
    let v = repo::by_id(&app.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("拜访 {id} 不存在")))?;
    if v.rep_id != user.id {
        return Err(AppError::Forbidden("只能签退和补记自己的拜访".into()));
    }
    check_coords(input.lat, input.lng)?;
    check_year("ended_at", input.ended_at)?;
    let limits = app.policy().await?.limits;
    for (field, text) in [
        ("findings", &input.findings),
        ("demand_notes", &input.demand_notes),
        ("brand_notes", &input.brand_notes),
        ("consumer_feedback", &input.consumer_feedback),
        ("anomalies", &input.anomalies),
        ("advice", &input.advice),
        ("follow_up", &input.follow_up),
    ] {
        crate::limits::text(&limits, field, text)?;
    }
    crate::limits::lines(&limits, "service_items", input.service_items.len())?;
    for (i, it) in input.service_items.iter().enumerate() {
        crate::limits::text(&limits, format!("service_items[{i}].item"), &it.item)?;
    }
    crate::limits::lines(&limits, "observations", input.observations.len())?;
    let now = app.clock.now();
    let end = input.ended_at.or(v.ended_at).unwrap_or(now);
    let others = spans_near(app, user.id, v.started_at, end).await?;
    visit::check_times(v.started_at, Some(end), now, &others, Some(id)).map_err(time_error)?;
    let mut products = Vec::new();
    for (i, o) in input.observations.iter().enumerate() {
        let stock = format!("observations[{i}].stock_qty");
        crate::limits::quantity(stock, o.stock_qty, limits.max_stock_qty)?;
        let price = format!("observations[{i}].retail_price_fen");
        crate::limits::quantity(price, o.retail_price_fen, limits.max_price_fen)?;
        let p = store::repo::product::by_code(&app.db, o.sku_code.trim())
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    format!("observations[{i}].sku_code"),
                    format!("卷烟规格 {} 不存在", o.sku_code.trim()),
                )
            })?;
        products.push((p.id, o));
    }
    let traces = Traces {
        ended_at: Some(end),
        service_items: serde_json::to_string(&input.service_items).unwrap_or_else(|_| "[]".into()),
        findings: input.findings.trim().to_string(),
        demand_notes: input.demand_notes.trim().to_string(),
        brand_notes: input.brand_notes.trim().to_string(),
        consumer_feedback: input.consumer_feedback.trim().to_string(),
        anomalies: input.anomalies.trim().to_string(),
        advice: input.advice.trim().to_string(),
        follow_up: input.follow_up.trim().to_string(),
        end_lat: input.lat,
        end_lng: input.lng,
    };
    let mut tx = app.db.begin().await?;
    repo::update_traces(&mut tx, id, &traces, now).await?;
    for (pid, o) in &products {
        repo::observe(&mut tx, id, *pid, o.stock_qty, o.retail_price_fen).await?;
    }
    let after = serde_json::json!({"traces": traces, "observations": input.observations});
    store::audit::record(
        &mut tx,
        &user.actor(),
        "visit.check_out",
        "visit",
        &id.to_string(),
        Some(&v),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    get(app, user, id).await
}

/// Whether `user` may read the visits and sheet of `rep`: the rep, their market manager (same
/// area or supervisor), county roles of the rep's county, company-wide roles.
pub async fn can_read_rep(app: &App, user: &CurrentUser, rep: &Staff) -> AppResult<()> {
    let ok = match user.role {
        Role::AccountManager => user.id == rep.id,
        Role::MarketManager => {
            rep.supervisor_id == Some(user.id)
                || (user.org_unit_id.is_some() && rep.org_unit_id == user.org_unit_id)
        }
        Role::MarketingDirector | Role::MonopolyOfficer => {
            let area = match rep.org_unit_id {
                Some(a) => store::repo::staff::org_unit(&app.db, a).await?,
                None => None,
            };
            area.and_then(|a| a.parent_id) == user.org_unit_id
                || rep.org_unit_id == user.org_unit_id
        }
        Role::MarketingCenter | Role::BrandManager | Role::Admin => true,
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "无权查看客户经理 {} 的拜访和一张纸",
            rep.username
        )))
    }
}

/// Find a person by username (404 when absent).
pub async fn staff_named(app: &App, username: &str) -> AppResult<Staff> {
    store::repo::staff::by_username(&app.db, username.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("人员 {} 不存在", username.trim())))
}

/// One visit (the person's own, or a rep's for those who may read them).
pub async fn get(app: &App, user: &CurrentUser, id: i64) -> AppResult<VisitView> {
    let v = repo::by_id(&app.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("拜访 {id} 不存在")))?;
    if v.rep_id != user.id {
        let rep = store::repo::staff::by_id(&app.db, v.rep_id)
            .await?
            .ok_or_else(|| AppError::NotFound("拜访人不存在".into()))?;
        can_read_rep(app, user, &rep).await?;
    }
    let prev = repo::previous_of_retailer(&app.db, v.retailer_id, v.started_at)
        .await?
        .map(|p| p.advice)
        .filter(|a| !a.is_empty());
    Ok(VisitView::of(v, prev))
}

/// A person's visits between two China-time days inclusive.
pub async fn list(
    app: &App, user: &CurrentUser, username: Option<&str>, from: NaiveDate, to: NaiveDate,
) -> AppResult<Vec<VisitView>> {
    if to < from {
        return Err(AppError::invalid("to", "结束日期早于开始日期"));
    }
    if (to - from).num_days() > 92 {
        return Err(AppError::invalid("to", "一次最多查询 92 天"));
    }
    let person = match username {
        Some(u) if u != user.username => {
            let s = staff_named(app, u).await?;
            can_read_rep(app, user, &s).await?;
            s.id
        }
        _ => user.id,
    };
    let rows = repo::of_person(
        &app.db,
        person,
        visit::china_day_start(from),
        visit::china_day_start(to + Duration::days(1)),
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter(|v| {
            let d = visit::china_day(v.started_at);
            d >= from && d <= to
        })
        .map(|v| VisitView::of(v, None))
        .collect())
}

/// Time in market per working day of a month, visit coverage and overdue visit cycles (§2.3, §6).
#[derive(Debug, Clone, Serialize)]
pub struct VisitStats {
    pub username: String,
    pub month: String,
    pub min_daily_field_hours: f64,
    pub days: Vec<visit::DayInMarket>,
    pub days_met: usize,
    /// Market manager rule: days with ≥ `market_day_min_hours` (meaningful for managers).
    pub market_days: usize,
    /// Brand manager rule: share of working time in the market (§2.3, ≥ 1/3).
    pub field_share: f64,
    pub assigned: i64,
    pub visited: i64,
    pub coverage_pct: f64,
    pub overdue: i64,
    pub mean_cycle_days: Option<f64>,
}

pub async fn stats(
    app: &App, user: &CurrentUser, username: &str, month: Month,
) -> AppResult<VisitStats> {
    let rep = staff_named(app, username).await?;
    can_read_rep(app, user, &rep).await?;
    let policy = app.policy().await?;
    let today = app.clock.today();
    let from = month.first_day();
    let to = month.last_day().min(today);
    let rows = repo::of_person(
        &app.db,
        rep.id,
        visit::china_day_start(from),
        visit::china_day_start(month.last_day() + Duration::days(1)),
    )
    .await?;
    let closed: Vec<_> = rows
        .iter()
        .filter_map(|v| v.ended_at.map(|e| (v.started_at, e)))
        .collect();
    let hours = visit::field_hours_by_day(&closed);
    let wd = if to >= from {
        visit::working_days(from, to)
    } else {
        Vec::new()
    };
    let days = visit::rep_days_in_market(&hours, &wd, policy.staffing.min_daily_field_hours);
    let retailers = repo::route_retailers(&app.db, rep.id).await?;
    let visited: std::collections::HashSet<i64> = rows.iter().map(|v| v.retailer_id).collect();
    // Visit cycles over the last 12 weeks.
    let starts = repo::starts_since(
        &app.db,
        rep.id,
        visit::china_day_start(today - Duration::days(84)),
    )
    .await?;
    let mut by_r: std::collections::HashMap<i64, Vec<NaiveDate>> = Default::default();
    for (rid, at) in starts {
        by_r.entry(rid).or_default().push(visit::china_day(at));
    }
    let cycles: Vec<_> = retailers
        .iter()
        .map(|r| {
            visit::visit_cycle(
                by_r.get(&r.id).map(|v| v.as_slice()).unwrap_or(&[]),
                today,
                policy.one_sheet.visit_cycle_days,
            )
        })
        .collect();
    let means: Vec<f64> = cycles.iter().filter_map(|c| c.mean_interval_days).collect();
    let assigned = retailers.len() as i64;
    let visited_n = retailers.iter().filter(|r| visited.contains(&r.id)).count() as i64;
    Ok(VisitStats {
        username: rep.username,
        month: month.to_string(),
        min_daily_field_hours: policy.staffing.min_daily_field_hours,
        days_met: days.iter().filter(|d| d.met).count(),
        market_days: visit::market_days(&hours, policy.one_sheet.market_day_min_hours),
        field_share: visit::field_share(
            hours.values().sum(),
            wd.len(),
            policy.one_sheet.hours_per_working_day,
        ),
        days,
        assigned,
        visited: visited_n,
        coverage_pct: visit::visit_coverage_pct(visited_n, assigned),
        overdue: cycles.iter().filter(|c| c.overdue).count() as i64,
        mean_cycle_days: (!means.is_empty())
            .then(|| means.iter().sum::<f64>() / means.len() as f64),
    })
}

/// One stop of today's route.
#[derive(Debug, Clone, Serialize)]
pub struct TodayStop {
    pub order: usize,
    pub customer_code: String,
    pub name: String,
    pub address: String,
    pub service_focus: String,
    pub is_sample_point: bool,
    /// The retailer's sample point of this month (库存采集 at the visit), if it is one.
    pub sample_point_id: Option<i64>,
    /// Today's visit of this retailer, if any.
    pub visit: Option<VisitView>,
}

/// The phone page "今日拜访": the day's planned visits in route order, what to do at each.
#[derive(Debug, Clone, Serialize)]
pub struct Today {
    pub date: NaiveDate,
    pub weekday: u32,
    pub weekday_zh: &'static str,
    pub week: String,
    pub day_focus: String,
    pub from_sheet: bool,
    pub stops: Vec<TodayStop>,
    pub open_visit: Option<VisitView>,
    pub done: usize,
    pub hours: f64,
    pub min_hours: f64,
    pub categories: Vec<(&'static str, &'static str)>,
}

pub async fn today(app: &App, user: &CurrentUser) -> AppResult<Today> {
    user.require(&[Role::AccountManager])?;
    let policy = app.policy().await?;
    let date = app.clock.today();
    let week = domain::IsoWeek::of(date);
    let wd = chrono::Datelike::weekday(&date).number_from_monday();
    let retailers = repo::route_retailers(&app.db, user.id).await?;
    let sheet = store::repo::sheets::get(&app.db, user.id, &week.to_string()).await?;
    let content: Option<domain::one_sheet::SheetContent> =
        sheet.and_then(|s| serde_json::from_str(&s.content).ok());
    let plan = content
        .as_ref()
        .and_then(|c| c.visit_plan.iter().find(|d| d.day == wd).cloned());
    let (from_sheet, day_focus, planned): (bool, String, Vec<(String, String)>) = match &plan {
        Some(p) if !p.visits.is_empty() => (
            true,
            p.focus.clone(),
            p.visits
                .iter()
                .map(|v| (v.customer_code.clone(), v.service_focus.clone()))
                .collect(),
        ),
        _ => (
            false,
            String::new(),
            retailers
                .iter()
                .filter(|r| r.weekday == Some(wd as i64))
                .map(|r| {
                    let focus = if r.is_sample_point {
                        "采集进销存价".to_string()
                    } else {
                        String::new()
                    };
                    (r.customer_code.clone(), focus)
                })
                .collect(),
        ),
    };
    let visits = list(app, user, None, date, date).await?;
    let points = crate::inventory::rep_points(app, user.id, domain::Month::of(date)).await?;
    let mut stops = Vec::new();
    for (i, (code, focus)) in planned.iter().enumerate() {
        let r = retailers.iter().find(|r| &r.customer_code == code);
        stops.push(TodayStop {
            order: i + 1,
            customer_code: code.clone(),
            name: r.map(|r| r.name.clone()).unwrap_or_default(),
            address: r.map(|r| r.address.clone()).unwrap_or_default(),
            service_focus: focus.clone(),
            is_sample_point: r.is_some_and(|r| r.is_sample_point),
            sample_point_id: r.and_then(|r| points.get(&r.id).copied()),
            visit: visits
                .iter()
                .rev()
                .find(|v| &v.customer_code == code)
                .cloned(),
        });
    }
    let closed: Vec<_> = visits
        .iter()
        .filter_map(|v| v.ended_at.map(|e| (v.started_at, e)))
        .collect();
    let hours = visit::field_hours_by_day(&closed)
        .get(&date)
        .copied()
        .unwrap_or(0.0);
    let mut open_visit = visits.iter().find(|v| v.ended_at.is_none()).cloned();
    if let Some(o) = open_visit.as_mut() {
        *o = get(app, user, o.id).await?;
    }
    Ok(Today {
        date,
        weekday: wd,
        weekday_zh: domain::one_sheet::weekday_zh(wd),
        week: week.to_string(),
        day_focus,
        from_sheet,
        done: stops.iter().filter(|s| s.visit.is_some()).count(),
        stops,
        open_visit,
        hours,
        min_hours: policy.staffing.min_daily_field_hours,
        categories: ChecklistCategory::ALL
            .iter()
            .map(|c| (c.code(), c.zh()))
            .collect(),
    })
}
