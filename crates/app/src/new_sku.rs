//! 新品上柜 (domain.md §6 新品上柜率, §9.2 品牌经理 "new-SKU listing plan" and "cultivation
//! effect"; seed 001 精细品牌培育): a brand manager's listing programme for a new SKU.
//!
//! - **Targets by rule** (tiers, business formats, market types, counties or areas), frozen when
//!   the programme is created, so the rate's denominator does not drift.
//! - **The listing rate** towards the policy's target (100 %) by week: the targets that bought
//!   the SKU (an order day with a supply) in the cultivation period, cumulated week by week.
//!   The purchases are a roll-up (`listing_target`) refreshed at creation, at every start once new
//!   order days exist ([`refresh_stale`]) and inside a review's transaction; an order import
//!   calls [`refresh_stale`] after it commits.
//! - **Unlisted targets on the one-sheet**: each rep's unlisted targets of the programmes of the
//!   week are proposed on their one-sheet draft ([`proposals`]), never ticked for them.
//! - **The effect review** at the end of the period: listing, repeat purchase, the plan's
//!   completion, the SKU's share of its price class and its growth, and the policy's proposal —
//!   继续培育, 调整培育 (a new last week; the programme goes on) or 退出 (the SKU becomes 拟退).
//!
//! Who: brand managers for their brands, the marketing centre and the administrator create and
//! review; everyone but 专卖人员 sees the programmes with the figures of their own scope.
use crate::access::{CurrentUser, Scope};
use crate::{App, AppError, AppResult};
use chrono::NaiveDate;
use domain::config::NewSkuPolicy;
use domain::new_sku::{
    Decision, Effect, FIRST_LISTING_FORMATS, RetailerFacts, TargetRule, listing_curve, pct,
};
use domain::org::{OrgKind, Role};
use domain::retailer::{BusinessFormat, MarketType};
use domain::{IsoWeek, Month};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use store::model::Staff;
use store::repo::kpi::Cut;
use store::repo::listing::{
    self as repo, NewProgramme, NewReview, ProgrammeRow, ReviewRow, TargetRow,
};

const WRITERS: [Role; 3] = [Role::BrandManager, Role::MarketingCenter, Role::Admin];
use crate::access::MARKET_READERS as READERS;
/// Most unlisted targets listed on a programme's page (the rest are counted).
const UNLISTED_SHOWN: usize = 300;

/// A new programme as the brand manager writes it (codes as strings so a bad one is named).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProgrammeInput {
    pub sku_code: String,
    pub title: String,
    /// Target retailers: tier (档位) from … to (1–30).
    pub min_tier: Option<i64>,
    pub max_tier: Option<i64>,
    /// Business format codes (any when empty).
    pub business_formats: Vec<String>,
    /// Market type codes URBAN / RURAL (any when empty).
    pub market_types: Vec<String>,
    /// Codes of counties and market areas (the whole company when empty).
    pub org_unit_codes: Vec<String>,
    /// First week; the SKU's launch week (or this week) when absent.
    pub from_week: Option<String>,
    /// Last week; the SKU's 培育期 end (or the policy's default length) when absent.
    pub to_week: Option<String>,
    /// Planned volume over the period, 条.
    pub plan_qty: i64,
}

/// A review as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReviewInput {
    /// CONTINUE | ADJUST | EXIT.
    pub decision: String,
    pub note: String,
    /// For ADJUST: the new last week.
    pub new_to_week: Option<String>,
    /// The programme's version as read (a review on a stale page is refused with 409).
    pub version: i64,
}

/// A programme with its rule in words and the listing of the viewer's scope.
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeSummary {
    #[serde(flatten)]
    pub row: ProgrammeRow,
    pub rule_zh: String,
    pub status_zh: String,
    pub decision_zh: Option<String>,
    /// Targets and listed among them in the viewer's scope.
    pub scope_targets: i64,
    pub scope_listed: i64,
    pub scope_listing_pct: Option<f64>,
    /// Active and its last week is over: waiting for the effect review.
    pub due: bool,
}

/// The effect of the period so far (the whole target set, the company's volume).
#[derive(Debug, Clone, Serialize)]
pub struct EffectView {
    #[serde(flatten)]
    pub effect: Effect,
    pub listing_pct: Option<f64>,
    pub repeat_pct: Option<f64>,
    pub plan_pct: Option<f64>,
    /// The SKU's purchases by month over the company (natural months of the period), 条.
    pub months: Vec<(String, i64)>,
    /// The SKU's share of its price class in the last month of the period, %.
    pub share_pct: Option<f64>,
    /// The last month's growth over the month before, %.
    pub growth_pct: Option<f64>,
    pub proposal: Decision,
    pub proposal_zh: String,
    pub reasons: Vec<String>,
}

/// One week of the listing curve.
#[derive(Debug, Clone, Serialize)]
pub struct CurvePoint {
    pub week: String,
    pub listed: i64,
    pub pct: Option<f64>,
}

/// Listing of one area or rep.
#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    pub label: String,
    pub targets: i64,
    pub listed: i64,
    pub pct: Option<f64>,
}

/// A programme's page.
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeDetail {
    #[serde(flatten)]
    pub summary: ProgrammeSummary,
    pub listing_target_pct: f64,
    /// Cumulative listing by week over the viewer's scope.
    pub curve: Vec<CurvePoint>,
    /// By area (company and county scope) or by rep (area scope).
    pub breakdown_by: Option<String>,
    pub breakdown: Vec<Breakdown>,
    /// Unlisted targets of the viewer's scope (the first [`UNLISTED_SHOWN`]).
    pub unlisted: Vec<TargetRow>,
    pub unlisted_total: usize,
    pub effect: EffectView,
    pub reviews: Vec<ReviewRow>,
    pub can_review: bool,
}

/// The list page.
#[derive(Debug, Clone, Serialize)]
pub struct ListPage {
    pub programmes: Vec<ProgrammeSummary>,
    pub listing_target_pct: f64,
    pub can_create: bool,
    /// The creation form's choices (for those who may create).
    pub options: Option<FormOptions>,
}

/// What the creation form offers.
#[derive(Debug, Clone, Serialize)]
pub struct FormOptions {
    /// (SKU code, label) of the new and recently launched SKUs of the person's brands.
    pub skus: Vec<(String, String)>,
    pub formats: Vec<(&'static str, &'static str)>,
    pub market_types: Vec<(&'static str, &'static str)>,
    /// (code, label) of the counties and areas.
    pub org_units: Vec<(String, String)>,
    pub this_week: String,
    pub default_weeks: u32,
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn week_field(field: &str, s: &str) -> AppResult<IsoWeek> {
    IsoWeek::parse(s.trim()).map_err(|e| AppError::invalid(field, e.message))
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The stored rule.
fn rule_of(row: &ProgrammeRow) -> TargetRule {
    TargetRule {
        min_tier: row.min_tier,
        max_tier: row.max_tier,
        business_formats: split(&row.business_formats),
        market_types: split(&row.market_types),
        org_units: split(&row.org_unit_ids)
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect(),
    }
}

/// The rule in words.
fn rule_zh(rule: &TargetRule, units: &HashMap<i64, String>) -> String {
    let mut s = Vec::new();
    match (rule.min_tier, rule.max_tier) {
        (Some(a), Some(b)) => s.push(format!("{a}–{b} 档")),
        (Some(a), None) => s.push(format!("{a} 档及以上")),
        (None, Some(b)) => s.push(format!("{b} 档及以下")),
        (None, None) => {}
    }
    let zh = |codes: &[String], f: fn(&str) -> Option<&'static str>| {
        codes
            .iter()
            .map(|c| f(c).unwrap_or("?").to_string())
            .collect::<Vec<_>>()
            .join("、")
    };
    if !rule.business_formats.is_empty() {
        s.push(zh(&rule.business_formats, |c| {
            BusinessFormat::parse(c).ok().map(|f| f.zh())
        }));
    }
    if !rule.market_types.is_empty() {
        s.push(zh(&rule.market_types, |c| {
            MarketType::parse(c).ok().map(|f| f.zh())
        }));
    }
    if !rule.org_units.is_empty() {
        s.push(
            rule.org_units
                .iter()
                .map(|u| units.get(u).cloned().unwrap_or_else(|| u.to_string()))
                .collect::<Vec<_>>()
                .join("、"),
        );
    }
    if s.is_empty() {
        "全部客户".into()
    } else {
        s.join("；")
    }
}

async fn unit_names(app: &App) -> AppResult<HashMap<i64, String>> {
    Ok(crate::access::Names::load(&app.db).await?.units)
}

/// The period's days with purchases to count: the first week's Monday to the last week's Sunday
/// or today, whichever is earlier.
fn window(
    row: &ProgrammeRow, today: NaiveDate,
) -> Option<(IsoWeek, IsoWeek, NaiveDate, NaiveDate)> {
    let from = IsoWeek::parse(&row.from_week).ok()?;
    let to = IsoWeek::parse(&row.to_week).ok()?;
    let end = to.day(6).min(today);
    Some((from, to, from.monday(), end))
}

fn summary(
    row: ProgrammeRow, counts: Option<(i64, i64)>, units: &HashMap<i64, String>, today: NaiveDate,
) -> ProgrammeSummary {
    let (targets, listed) = counts.unwrap_or((0, 0));
    let due =
        row.status == "ACTIVE" && IsoWeek::parse(&row.to_week).is_ok_and(|w| w.day(6) < today);
    ProgrammeSummary {
        rule_zh: rule_zh(&rule_of(&row), units),
        status_zh: match (row.status.as_str(), due) {
            ("ACTIVE", true) => "待评估".into(),
            ("ACTIVE", false) => "培育中".into(),
            _ => "已结束".into(),
        },
        decision_zh: row
            .decision
            .as_deref()
            .and_then(|d| Decision::parse(d).ok())
            .map(|d| d.zh().to_string()),
        scope_targets: targets,
        scope_listed: listed,
        scope_listing_pct: pct(listed, targets),
        due,
        row,
    }
}

fn may_write(user: &CurrentUser) -> bool {
    WRITERS.contains(&user.role)
}

/// The brand of a SKU must be the brand manager's (any brand for the centre and the admin).
async fn check_brand(app: &App, user: &CurrentUser, brand: &str) -> AppResult<()> {
    if user.role != Role::BrandManager {
        return Ok(());
    }
    let mine = store::repo::product::brands_of_manager(&app.db, user.id).await?;
    if mine.iter().any(|b| b == brand) {
        return Ok(());
    }
    Err(AppError::Forbidden(format!(
        "品牌「{brand}」不是您负责的品牌，只能为{}的新品制定上柜计划",
        if mine.is_empty() {
            "已分配给您的品牌".to_string()
        } else {
            format!("「{}」", mine.join("、"))
        }
    )))
}

/// The list page: every programme with the listing of the person's scope.
pub async fn page(app: &App, user: &CurrentUser) -> AppResult<ListPage> {
    user.require(&READERS)?;
    let scope = Scope::of(&app.db, user).await?;
    let policy = app.policy().await?;
    let today = app.clock.today();
    let counts: HashMap<i64, (i64, i64)> = repo::scope_counts(&app.db, scope.ids())
        .await?
        .into_iter()
        .map(|(id, t, l)| (id, (t, l)))
        .collect();
    let units = unit_names(app).await?;
    let programmes = repo::list(&app.db, 500)
        .await?
        .into_iter()
        .map(|row| {
            let c = counts.get(&row.id).copied();
            summary(row, c, &units, today)
        })
        .collect();
    let can_create = may_write(user);
    Ok(ListPage {
        programmes,
        listing_target_pct: policy.kpi_targets.new_sku_listing_pct,
        can_create,
        options: match can_create {
            true => Some(form_options(app, user, &policy.new_sku).await?),
            false => None,
        },
    })
}

async fn form_options(app: &App, user: &CurrentUser, p: &NewSkuPolicy) -> AppResult<FormOptions> {
    let today = app.clock.today();
    let mine = if user.role == Role::BrandManager {
        Some(store::repo::product::brands_of_manager(&app.db, user.id).await?)
    } else {
        None
    };
    let skus = store::repo::product::list(&app.db, &Default::default())
        .await?
        .into_iter()
        .filter(|p| p.status != "DELISTED")
        .filter(|p| {
            p.is_new
                || p.cultivation_end_date.is_some_and(|d| d >= today)
                || p.launch_date
                    .is_some_and(|d| d >= today - chrono::Duration::days(365))
        })
        .filter(|p| mine.as_ref().is_none_or(|m| m.contains(&p.brand)))
        .map(|p| {
            let launch = p
                .launch_date
                .map(|d| format!("，{d} 上市"))
                .unwrap_or_default();
            (
                p.sku_code.clone(),
                format!("{} {}（{}{launch}）", p.brand, p.spec_name, p.sku_code),
            )
        })
        .collect();
    let org_units = crate::cultivation::org_unit_choices(app).await?;
    Ok(FormOptions {
        skus,
        formats: BusinessFormat::ALL
            .iter()
            .map(|c| (c.code(), c.zh()))
            .collect(),
        market_types: MarketType::ALL.iter().map(|c| (c.code(), c.zh())).collect(),
        org_units,
        this_week: IsoWeek::of(today).to_string(),
        default_weeks: p.default_weeks,
    })
}

/// Create a programme: check the input, pick the targets by the rule, store both and fold in
/// the purchases so far, in one transaction.
pub async fn create(
    app: &App, user: &CurrentUser, input: &ProgrammeInput,
) -> AppResult<ProgrammeDetail> {
    user.require(&WRITERS)?;
    let policy = app.policy().await?;
    let p = &policy.new_sku;
    let sku = input.sku_code.trim();
    if sku.is_empty() {
        return Err(AppError::invalid("sku_code", "请选择新品规格"));
    }
    let product = store::repo::product::by_code(&app.db, sku)
        .await?
        .ok_or_else(|| AppError::invalid("sku_code", format!("规格 {sku} 不存在")))?;
    if product.status == "DELISTED" {
        return Err(AppError::invalid("sku_code", format!("规格 {sku} 已退市")));
    }
    check_brand(app, user, &product.brand).await?;
    let title = input.title.trim();
    let title = if title.is_empty() {
        format!("{} {} 新品上柜", product.brand, product.spec_name)
    } else {
        title.to_string()
    };
    if title.chars().count() > 200 {
        return Err(AppError::invalid("title", "计划名称不超过 200 字"));
    }
    for (field, t) in [("min_tier", input.min_tier), ("max_tier", input.max_tier)] {
        if let Some(t) = t
            && !(1..=30).contains(&t)
        {
            return Err(AppError::invalid(
                field,
                format!("档位应在 1–30 之间，收到 {t}"),
            ));
        }
    }
    if let (Some(a), Some(b)) = (input.min_tier, input.max_tier)
        && a > b
    {
        return Err(AppError::invalid("max_tier", "最高档位低于最低档位"));
    }
    let mut formats = Vec::new();
    for (i, f) in input.business_formats.iter().enumerate() {
        let f = BusinessFormat::parse(f)
            .map_err(|e| AppError::invalid(format!("business_formats[{i}]"), e.message))?;
        if !formats.contains(&f.code().to_string()) {
            formats.push(f.code().to_string());
        }
    }
    let mut markets = Vec::new();
    for (i, m) in input.market_types.iter().enumerate() {
        let m = MarketType::parse(m)
            .map_err(|e| AppError::invalid(format!("market_types[{i}]"), e.message))?;
        if !markets.contains(&m.code().to_string()) {
            markets.push(m.code().to_string());
        }
    }
    let units = store::repo::staff::org_units(&app.db).await?;
    let mut unit_ids = Vec::new();
    for (i, c) in input.org_unit_codes.iter().enumerate() {
        let c = c.trim();
        let u = units
            .iter()
            .find(|u| {
                u.code == c && (u.kind == OrgKind::County.code() || u.kind == OrgKind::Area.code())
            })
            .ok_or_else(|| {
                AppError::invalid(
                    format!("org_unit_codes[{i}]"),
                    format!("营销部或市场部「{c}」不存在"),
                )
            })?;
        if !unit_ids.contains(&u.id) {
            unit_ids.push(u.id);
        }
    }
    let today = app.clock.today();
    let from = match opt(&input.from_week) {
        Some(w) => week_field("from_week", w)?,
        None => IsoWeek::of(product.launch_date.unwrap_or(today)),
    };
    let to = match opt(&input.to_week) {
        Some(w) => week_field("to_week", w)?,
        None => match product.cultivation_end_date {
            Some(d) if IsoWeek::of(d) >= from => IsoWeek::of(d),
            _ => IsoWeek::of(from.monday() + chrono::Duration::weeks(p.default_weeks as i64 - 1)),
        },
    };
    if to < from {
        return Err(AppError::invalid("to_week", "结束周早于开始周"));
    }
    let weeks = (to.monday() - from.monday()).num_weeks() + 1;
    if weeks > p.max_weeks as i64 {
        return Err(AppError::invalid(
            "to_week",
            format!("培育期 {weeks} 周，超过上限 {} 周", p.max_weeks),
        ));
    }
    if !(1..=p.max_plan_qty).contains(&input.plan_qty) {
        return Err(AppError::invalid(
            "plan_qty",
            format!(
                "计划销量应在 1–{} 条之间，收到 {}",
                p.max_plan_qty, input.plan_qty
            ),
        ));
    }
    let rule = TargetRule {
        min_tier: input.min_tier,
        max_tier: input.max_tier,
        business_formats: formats,
        market_types: markets,
        org_units: unit_ids,
    };
    let targets = pick(&repo::candidates(&app.db).await?, &rule);
    if targets.is_empty() {
        return Err(AppError::invalid(
            "min_tier",
            "没有符合条件的目标客户，请放宽档位、业态、市场类型或区域",
        ));
    }
    let g = NewProgramme {
        product_id: product.id,
        title,
        min_tier: rule.min_tier,
        max_tier: rule.max_tier,
        business_formats: rule.business_formats.join(","),
        market_types: rule.market_types.join(","),
        org_unit_ids: rule
            .org_units
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(","),
        from_week: from.to_string(),
        to_week: to.to_string(),
        plan_qty: input.plan_qty,
        targets: targets.len() as i64,
        created_by: user.id,
        created_at: app.clock.now(),
    };
    let id = insert(app, &user.actor(), &g, &targets, today).await?;
    detail(app, user, id).await
}

/// The retailers a rule picks.
fn pick(candidates: &[repo::Candidate], rule: &TargetRule) -> Vec<i64> {
    candidates
        .iter()
        .filter(|c| {
            rule.matches(&RetailerFacts {
                tier: c.tier,
                business_format: &c.business_format,
                market_type: &c.market_type,
                county_id: c.county_id,
                area_id: c.area_id,
            })
        })
        .map(|c| c.id)
        .collect()
}

/// Store a programme with its targets and their purchases so far; 409 when the SKU already has an
/// active programme (checked inside the transaction).
async fn insert(
    app: &App, actor: &store::audit::Actor, g: &NewProgramme, targets: &[i64], today: NaiveDate,
) -> AppResult<i64> {
    let mut tx = app.db.begin().await?;
    if let Some(other) = repo::active_of_product(&mut tx, g.product_id).await? {
        return Err(AppError::Conflict(format!(
            "该规格已有进行中的上柜计划（编号 {other}），请先评估结束后再制定"
        )));
    }
    let id = repo::insert(&mut tx, g, targets).await?;
    let from =
        IsoWeek::parse(&g.from_week).map_err(|e| AppError::invalid("from_week", e.message))?;
    let to = IsoWeek::parse(&g.to_week).map_err(|e| AppError::invalid("to_week", e.message))?;
    repo::refresh(
        &mut tx,
        id,
        g.product_id,
        from.monday(),
        to.day(6).min(today),
    )
    .await?;
    store::audit::record(
        &mut tx,
        actor,
        "new_sku.create",
        "listing_programme",
        &id.to_string(),
        None::<&()>,
        Some(g),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn row(app: &App, id: i64) -> AppResult<ProgrammeRow> {
    repo::by_id(&app.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("上柜计划 {id} 不存在")))
}

/// The effect of the period so far from the targets' roll-up and the company's month roll-up.
async fn effect(
    app: &App, row: &ProgrammeRow, today: NaiveDate, p: &NewSkuPolicy,
) -> AppResult<EffectView> {
    let (targets, listed, repeat) = repo::counts(&app.db, row.id).await?;
    let (mut months, mut share, mut growth) = (Vec::new(), None, None);
    if let Some((_, _, start, end)) = window(row, today)
        && start <= end
    {
        let mut ms = Vec::new();
        let mut m = Month::of(start);
        while m <= Month::of(end) {
            ms.push(m.to_string());
            m = m.next();
        }
        let company = store::repo::ScopeIds::default();
        let place = store::repo::kpi::Place::Company;
        let mut rows =
            store::repo::kpi::sku_months(&app.db, company, place, &ms, row.product_id).await?;
        rows.sort_by(|a, b| a.month.cmp(&b.month));
        months = rows.into_iter().map(|r| (r.month, r.qty)).collect();
        if let Some((last, qty)) = months.last().cloned() {
            let class = repo::class_month(&app.db, &row.price_class, &last).await?;
            share = pct(qty, class);
            let prev = Month::parse(&last).map(|m| m.prev().to_string()).ok();
            growth = months
                .iter()
                .find(|(m, _)| Some(m) == prev.as_ref())
                .and_then(|(_, q)| domain::warning::growth_index(qty, *q))
                .map(|g| (g - 1.0) * 100.0);
        }
    }
    let e = Effect {
        targets,
        listed,
        repeat,
        plan_qty: row.plan_qty,
        volume: months.iter().map(|(_, q)| *q).sum(),
    };
    let (proposal, reasons) = e.proposal(p);
    Ok(EffectView {
        listing_pct: e.listing_pct(),
        repeat_pct: e.repeat_pct(),
        plan_pct: e.plan_pct(),
        effect: e,
        months,
        share_pct: share,
        growth_pct: growth,
        proposal,
        proposal_zh: proposal.zh().into(),
        reasons,
    })
}

fn may_review(user: &CurrentUser, row: &ProgrammeRow) -> bool {
    row.created_by == user.id || matches!(user.role, Role::MarketingCenter | Role::Admin)
}

/// A programme's page for the person: the listing of their scope by week and by area or rep, the
/// unlisted targets, the effect, the reviews.
pub async fn detail(app: &App, user: &CurrentUser, id: i64) -> AppResult<ProgrammeDetail> {
    user.require(&READERS)?;
    let row = row(app, id).await?;
    let scope = Scope::of(&app.db, user).await?;
    let policy = app.policy().await?;
    let today = app.clock.today();
    let rows = repo::targets(&app.db, id, scope.ids()).await?;
    let mine: Vec<&TargetRow> = rows.iter().collect();
    let listed = mine.iter().filter(|t| t.first_on.is_some()).count() as i64;
    let n = mine.len() as i64;
    let curve = match window(&row, today) {
        Some((from, to, _, _)) => {
            let firsts: Vec<NaiveDate> = mine.iter().filter_map(|t| t.first_on).collect();
            listing_curve(&firsts, n, from, to.min(IsoWeek::of(today)))
                .into_iter()
                .map(|(w, listed, pct)| CurvePoint {
                    week: w.to_string(),
                    listed,
                    pct,
                })
                .collect()
        }
        None => Vec::new(),
    };
    let (by, key): (Option<&str>, fn(&TargetRow) -> String) = match scope {
        Scope::Company | Scope::County(_) => (Some("市场部"), |t| t.area_name.clone()),
        Scope::Area(_) => (Some("客户经理"), |t| {
            t.rep_name.clone().unwrap_or_else(|| "未分配".into())
        }),
        Scope::Rep(_) => (None, |_| String::new()),
    };
    let mut groups: BTreeMap<String, (usize, i64, i64)> = BTreeMap::new();
    if by.is_some() {
        for (i, t) in mine.iter().enumerate() {
            let e = groups.entry(key(t)).or_insert((i, 0, 0));
            e.1 += 1;
            e.2 += i64::from(t.first_on.is_some());
        }
    }
    let mut breakdown: Vec<(usize, Breakdown)> = groups
        .into_iter()
        .map(|(label, (first, t, l))| {
            (
                first,
                Breakdown {
                    label,
                    targets: t,
                    listed: l,
                    pct: pct(l, t),
                },
            )
        })
        .collect();
    breakdown.sort_by_key(|(first, _)| *first);
    let unlisted_all: Vec<&TargetRow> = mine
        .iter()
        .copied()
        .filter(|t| t.first_on.is_none())
        .collect();
    let effect = effect(app, &row, today, &policy.new_sku).await?;
    let units = unit_names(app).await?;
    let can_review = may_review(user, &row) && row.status == "ACTIVE";
    let reviews = repo::reviews(&app.db, id).await?;
    Ok(ProgrammeDetail {
        summary: summary(row, Some((n, listed)), &units, today),
        listing_target_pct: policy.kpi_targets.new_sku_listing_pct,
        curve,
        breakdown_by: by.map(String::from),
        breakdown: breakdown.into_iter().map(|(_, b)| b).collect(),
        unlisted_total: unlisted_all.len(),
        unlisted: unlisted_all
            .into_iter()
            .take(UNLISTED_SHOWN)
            .cloned()
            .collect(),
        effect,
        reviews,
        can_review,
    })
}

/// The effect review: once the period is over, its author (or the centre, the admin) records the
/// decision — the policy's proposal or another with a reason. The purchases are refreshed and the
/// measures taken inside the transaction that records the review.
pub async fn review(
    app: &App, user: &CurrentUser, id: i64, input: &ReviewInput,
) -> AppResult<ProgrammeDetail> {
    user.require(&WRITERS)?;
    let before = row(app, id).await?;
    if !may_review(user, &before) {
        return Err(AppError::Forbidden(
            "只有制定人或营销中心可以评估该上柜计划".into(),
        ));
    }
    let decision =
        Decision::parse(&input.decision).map_err(|e| AppError::invalid("decision", e.message))?;
    let note = input.note.trim();
    let policy = app.policy().await?;
    let limits = &policy.limits;
    if note.chars().count() > limits.max_text_chars {
        return Err(AppError::invalid(
            "note",
            format!("评估意见不超过 {} 字", limits.max_text_chars),
        ));
    }
    let new_to = match (decision, opt(&input.new_to_week)) {
        (Decision::Adjust, Some(w)) => Some(week_field("new_to_week", w)?),
        (Decision::Adjust, None) => {
            return Err(AppError::invalid("new_to_week", "调整培育请填写新的结束周"));
        }
        _ => None,
    };
    let actor = user.actor();
    let today = app.clock.today();
    let verdict = Verdict {
        decision,
        note,
        new_to,
        version: input.version,
    };
    conclude(app, &policy.new_sku, &actor, &before, verdict, today).await?;
    detail(app, user, id).await
}

/// A review as decided: the decision, its reason, the new last week (ADJUST), the version read.
struct Verdict<'a> {
    decision: Decision,
    note: &'a str,
    new_to: Option<IsoWeek>,
    version: i64,
}

/// Record a review of `before` (see [`review`]); shared with the demo's history.
async fn conclude(
    app: &App, p: &NewSkuPolicy, actor: &store::audit::Actor, before: &ProgrammeRow,
    v: Verdict<'_>, today: NaiveDate,
) -> AppResult<()> {
    let Verdict {
        decision,
        note,
        new_to,
        version,
    } = v;
    let Some((from, to, start, _)) = window(before, today) else {
        return Err(AppError::Rule("上柜计划的周次无效".into()));
    };
    if before.status != "ACTIVE" {
        return Err(AppError::Conflict("该上柜计划已评估结束".into()));
    }
    if to.day(6) >= today {
        return Err(AppError::Conflict(format!(
            "培育期到 {} 结束，结束后才能评估效果",
            to.day(6)
        )));
    }
    if let Some(w) = new_to {
        if w <= to {
            return Err(AppError::invalid(
                "new_to_week",
                format!("新的结束周应晚于 {to}"),
            ));
        }
        let weeks = (w.monday() - from.monday()).num_weeks() + 1;
        if weeks > p.max_weeks as i64 {
            return Err(AppError::invalid(
                "new_to_week",
                format!("培育期 {weeks} 周，超过上限 {} 周", p.max_weeks),
            ));
        }
    }
    let mut tx = app.db.begin().await?;
    repo::refresh(&mut tx, before.id, before.product_id, start, to.day(6)).await?;
    tx.commit().await?;
    let e = effect(app, before, today, p).await?;
    if decision != e.proposal && note.is_empty() {
        return Err(AppError::invalid(
            "note",
            format!("评估结论与系统建议（{}）不同，请写明理由", e.proposal.zh()),
        ));
    }
    let r = NewReview {
        programme_id: before.id,
        measures: serde_json::to_string(&serde_json::json!({
            "targets": e.effect.targets, "listed": e.effect.listed, "repeat": e.effect.repeat,
            "plan_qty": e.effect.plan_qty, "volume": e.effect.volume,
            "listing_pct": e.listing_pct, "repeat_pct": e.repeat_pct, "plan_pct": e.plan_pct,
            "share_pct": e.share_pct, "growth_pct": e.growth_pct,
        }))
        .unwrap_or_default(),
        proposal: e.proposal.code().into(),
        reasons: e.reasons.join("；"),
        decision: decision.code().into(),
        note: note.into(),
        new_to_week: new_to.map(|w| w.to_string()),
        reviewed_by: actor.id.unwrap_or(before.created_by),
        reviewed_at: app.clock.now(),
    };
    let mut tx = app.db.begin().await?;
    if !repo::review(&mut tx, &r, version).await? {
        return Err(AppError::Conflict(
            "该上柜计划已被他人评估或修改，请刷新后再试".into(),
        ));
    }
    store::audit::record(
        &mut tx,
        actor,
        "new_sku.review",
        "listing_programme",
        &before.id.to_string(),
        Some(&serde_json::json!({"status": before.status, "to_week": before.to_week})),
        Some(&r),
    )
    .await?;
    if decision == Decision::Exit
        && let Some(prev) = repo::mark_exiting(&mut tx, before.product_id).await?
    {
        store::audit::record(
            &mut tx,
            actor,
            "product.exit",
            "product",
            &before.sku_code,
            Some(&serde_json::json!({"status": prev.0, "brand_position": prev.1})),
            Some(&serde_json::json!({"status": "EXITING", "brand_position": "EXIT"})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Fold new order days into the active programmes' purchases (at a start; after an order
/// import). Returns the programmes refreshed.
pub async fn refresh_stale(app: &App) -> AppResult<usize> {
    let Some(last) = repo::last_order_day(&app.db).await? else {
        return Ok(0);
    };
    let today = app.clock.today();
    let mut n = 0;
    for g in repo::active(&app.db).await? {
        let Some((_, _, start, end)) = window(&g, today) else {
            continue;
        };
        let upto = end.min(last);
        if start > upto || g.refreshed_through.is_some_and(|d| d >= upto) {
            continue;
        }
        let mut tx = app.db.begin().await?;
        repo::refresh(&mut tx, g.id, g.product_id, start, end).await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}

/// The rep's unlisted targets of the week's programmes, as proposed priorities of the draft.
pub async fn proposals(app: &App, rep: &Staff, week: IsoWeek) -> AppResult<Vec<String>> {
    let programmes = repo::applying(&app.db, &week.to_string()).await?;
    if programmes.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = programmes.iter().map(|g| g.id).collect();
    let counts: HashMap<i64, (i64, i64)> = repo::scope_counts(&app.db, Scope::Rep(rep.id).ids())
        .await?
        .into_iter()
        .map(|(id, t, l)| (id, (t, l)))
        .collect();
    let mut names: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, name) in repo::rep_unlisted(&app.db, rep.id, &ids).await? {
        names.entry(id).or_default().push(name);
    }
    let most = app.policy().await?.new_sku.sheet_names;
    let mut out = Vec::new();
    for g in programmes {
        let (Some(&(t, l)), Some(n)) = (counts.get(&g.id), names.get(&g.id)) else {
            continue;
        };
        let shown: Vec<&str> = n.iter().take(most).map(String::as_str).collect();
        let more = if n.len() > shown.len() {
            format!("等 {} 户", n.len())
        } else {
            String::new()
        };
        out.push(format!(
            "新品上柜（品牌经理 {}）：{} {}（{}）— 目标客户 {t} 户，已上柜 {l} 户（{:.0}%），未上柜：{}{more}",
            g.author_name,
            g.brand,
            g.spec_name,
            g.sku_code,
            pct(l, t).unwrap_or(0.0),
            shown.join("、"),
        ));
    }
    Ok(out)
}

/// The demo city's programmes: one per new SKU launched in the last year of its history (by the
/// brand's manager, tiers 5 or 8 and up in the formats the sim pushes new SKUs to, 0.7 条 a
/// target a week planned); the ones whose period is over reviewed with the policy's proposal,
/// but the weakest proposed for adjustment exits (a decision other than the proposal, with
/// its reason).
pub async fn demo_history(app: &App, actor: &store::audit::Actor) -> AppResult<usize> {
    let policy = app.policy().await?;
    let today = app.clock.today();
    let products: Vec<_> = store::repo::product::list(&app.db, &Default::default())
        .await?
        .into_iter()
        .filter(|p| p.is_new && p.launch_date.is_some_and(|d| d <= today))
        .collect();
    let managers = store::repo::staff::list(&app.db, Some(Role::BrandManager.code()), None).await?;
    let mut owner: HashMap<String, &Staff> = HashMap::new();
    for m in &managers {
        for b in store::repo::product::brands_of_manager(&app.db, m.id).await? {
            owner.entry(b).or_insert(m);
        }
    }
    let candidates = repo::candidates(&app.db).await?;
    let mut n = 0;
    let mut ended = Vec::new();
    for (k, p) in products.iter().enumerate() {
        let Some(manager) = owner.get(&p.brand) else {
            continue;
        };
        let by = manager.id;
        let launch = p.launch_date.unwrap_or(today);
        let from = IsoWeek::of(launch);
        let to = IsoWeek::of(
            p.cultivation_end_date
                .unwrap_or(launch + chrono::Duration::weeks(policy.new_sku.default_weeks as i64)),
        );
        let rule = TargetRule {
            min_tier: Some(if k % 2 == 0 { 5 } else { 8 }),
            max_tier: None,
            business_formats: FIRST_LISTING_FORMATS
                .iter()
                .map(|f| f.code().to_string())
                .collect(),
            market_types: Vec::new(),
            org_units: Vec::new(),
        };
        let targets = pick(&candidates, &rule);
        if targets.is_empty() {
            continue;
        }
        // The plan: 0.7 条 a target a week over the period.
        let weeks = (to.monday() - from.monday()).num_weeks() + 1;
        let g = NewProgramme {
            product_id: p.id,
            title: format!("{} {} 新品上柜", p.brand, p.spec_name),
            min_tier: rule.min_tier,
            max_tier: None,
            business_formats: rule.business_formats.join(","),
            market_types: String::new(),
            org_unit_ids: String::new(),
            from_week: from.to_string(),
            to_week: to.to_string(),
            plan_qty: (targets.len() as i64 * weeks * 7 / 10).max(1),
            targets: targets.len() as i64,
            created_by: by,
            created_at: domain::visit::china_day_start(from.monday()),
        };
        let id = match insert(app, actor, &g, &targets, today).await {
            Ok(id) => id,
            Err(AppError::Conflict(_)) => continue,
            Err(e) => return Err(e),
        };
        n += 1;
        if to.day(6) < today {
            let row = row(app, id).await?;
            let e = effect(app, &row, today, &policy.new_sku).await?;
            let reviewer = store::audit::Actor {
                id: Some(by),
                username: manager.username.clone(),
            };
            ended.push((row, e, reviewer));
        }
    }
    // The ended ones reviewed as proposed, except that the weakest proposed for adjustment
    // (listing under half) is taken out by its brand manager, with the reason.
    let weakest = ended
        .iter()
        .filter(|(_, e, _)| e.proposal == Decision::Adjust)
        .filter_map(|(g, e, _)| e.listing_pct.filter(|l| *l < 50.0).map(|l| (g.id, l)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id);
    for (row, e, reviewer) in ended {
        let (decision, note) = if Some(row.id) == weakest {
            (
                Decision::Exit,
                "上柜率不足一半、复购偏低，目标客户反映消费者接受度不高，按品牌进退退出培育",
            )
        } else {
            (e.proposal, "按系统建议")
        };
        let new_to =
            (decision == Decision::Adjust).then(|| IsoWeek::of(today + chrono::Duration::weeks(8)));
        let verdict = Verdict {
            decision,
            note,
            new_to,
            version: row.version,
        };
        conclude(app, &policy.new_sku, &reviewer, &row, verdict, today).await?;
    }
    Ok(n)
}

/// Every programme's days (of the cut's SKUs): id → (first week's Monday, last week's Sunday).
async fn periods(app: &App, cut: Cut<'_>) -> AppResult<HashMap<i64, (NaiveDate, NaiveDate)>> {
    Ok(repo::weeks(&app.db)
        .await?
        .into_iter()
        .filter(|(_, _, _, b, p)| match cut {
            Cut::All => true,
            Cut::Brand(x) => x == b,
            Cut::Sku(x) => x == *p,
        })
        .filter_map(|(id, from, to, _, _)| {
            let (f, t) = (IsoWeek::parse(&from).ok()?, IsoWeek::parse(&to).ok()?);
            Some((id, (f.monday(), t.day(6))))
        })
        .collect())
}

fn runs_in(p: (NaiveDate, NaiveDate), m: Month) -> bool {
    p.0 <= m.last_day() && p.1 >= m.first_day()
}

/// 新品上柜率 (§6) of a scope, or of one retailer, per month: (targets, listed by the month's
/// end) over the programmes (of the cut's SKUs) whose period overlaps the month
/// (the KPI page).
pub async fn kpi_months(
    app: &App, scope: store::repo::ScopeIds, retailer: Option<i64>, months: &[Month], cut: Cut<'_>,
) -> AppResult<Vec<(i64, i64)>> {
    let periods = periods(app, cut).await?;
    if periods.is_empty() {
        return Ok(vec![(0, 0); months.len()]);
    }
    let rows = repo::kpi_days(&app.db, scope, retailer).await?;
    Ok(months
        .iter()
        .map(|m| {
            let (mut targets, mut listed) = (0, 0);
            for (id, first, n) in &rows {
                if periods.get(id).is_some_and(|p| runs_in(*p, *m)) {
                    targets += n;
                    if first.is_some_and(|d| d <= m.last_day()) {
                        listed += n;
                    }
                }
            }
            (targets, listed)
        })
        .collect())
}

/// 新品上柜率 of the month per place one level down: place id → (targets, listed).
pub async fn kpi_children(
    app: &App, scope: store::repo::ScopeIds, by: repo::ListingPlace, m: Month, cut: Cut<'_>,
) -> AppResult<HashMap<i64, (i64, i64)>> {
    let ids: Vec<i64> = periods(app, cut)
        .await?
        .into_iter()
        .filter(|(_, p)| runs_in(*p, m))
        .map(|(id, _)| id)
        .collect();
    Ok(repo::kpi_places(&app.db, scope, by, &ids, m.last_day())
        .await?
        .into_iter()
        .map(|(place, t, l)| (place, (t, l)))
        .collect())
}
