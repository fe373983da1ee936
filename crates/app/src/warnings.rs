//! 预警 — the 135 system's four warnings (domain.md §6, Yunnan 135 manual), detected per complete
//! month and kept in `warning`, then handled by the people responsible: acknowledged (确认), given
//! a measure (整改措施) and closed with its result, each step in the warning's history and the
//! audit trail.
//!
//! - **客户预警** (customer): a retailer's month-on-month growth index ÷ that of the same-category
//!   retailers (county × business format × market type) < `warnings.growth_ratio` (0.8).
//! - **千条户预警** (large account): a retailer's month above `large_account_cartons` (1,000 条)
//!   and above `large_account_area_multiple` (3) × the average of its area's buying retailers.
//! - **品牌预警** (brand): a key brand's growth index in a market area ÷ the same brand's in the
//!   area's sub-centre (分中心: the county department above it) < 0.8.
//! - **市场预警** (market): an area's volume growth index, or its 单箱批发销售额 growth index,
//!   ÷ the sub-centre's < 0.8.
//!
//! An area alone in its county would be compared with itself: its sub-centre is then the whole
//! company (the next level with more than one area), so smaller counties are judged too.
//!
//! Who sees and handles them: a rep the customer and large-account warnings of their retailers;
//! a market manager every warning of their area; a county director (营销主任) those of the county;
//! a brand manager the brand warnings of their brands; the marketing center and the administrator
//! all. Open (not closed) warnings feed the 135 page's analysis step and the rep's one-sheet
//! draft ([`open_for`]).
use crate::access::{CurrentUser, Scope};
use crate::{App, AppError, AppResult};
use domain::Month;
use domain::org::{OrgKind, Role};
use domain::warning::{
    WarningAction, WarningKind, WarningStatus, growth_warning, is_large_account, market_warning,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use store::repo::ScopeIds;
use store::repo::sales::{self, SalesKey};
pub use store::repo::warnings::Replaced;
use store::repo::warnings::{self as repo, Detected, EventRow, Filter, WarningRow};

/// ((this month 条, fen), (last month 条, fen)) of a place.
type MonthPair = ((i64, i64), (i64, i64));

/// How many complete months back a start detects: the KPI trend's ([`domain::kpi::TREND_MONTHS`]).
pub const DETECT_MONTHS: usize = domain::kpi::TREND_MONTHS;

/// Detect the four warnings of the complete month `m` and store them (see
/// [`repo::replace_month`]: handling kept, untouched warnings no longer found removed).
pub async fn detect(app: &App, m: Month) -> AppResult<Replaced> {
    let found = find(app, m).await?;
    Ok(repo::replace_month(&app.db, &m.to_string(), &found, app.clock.now()).await?)
}

/// Detect the complete months with purchases among the last [`DETECT_MONTHS`] that have not been
/// (a fresh city, a start after the month turned). Returns the months detected.
pub async fn refresh_missing(app: &App) -> AppResult<Vec<String>> {
    let this = Month::of(app.clock.today());
    let Some(latest) = sales::latest_month(&app.db).await? else {
        return Ok(Vec::new());
    };
    let latest = Month::parse(&latest)?.min(this.prev());
    let done: HashSet<String> = repo::detected_months(&app.db).await?.into_iter().collect();
    let mut out = Vec::new();
    for k in 0..DETECT_MONTHS as i32 {
        let m = latest.plus(-k);
        if !done.contains(&m.to_string()) && has_sales(app, m).await? {
            detect(app, m).await?;
            out.push(m.to_string());
        }
    }
    Ok(out)
}

async fn has_sales(app: &App, m: Month) -> AppResult<bool> {
    let rows = sales::group_months(&app.db, ScopeIds::default(), &[m.to_string()]).await?;
    Ok(rows.iter().any(|g| g.qty > 0))
}

fn pct(x: f64) -> String {
    format!("{x:.2}")
}

/// The four rules over the month's roll-ups.
async fn find(app: &App, m: Month) -> AppResult<Vec<Detected>> {
    let policy = app.policy().await?;
    let w = &policy.warnings;
    let (ms, ps) = (m.to_string(), m.prev().to_string());
    let units = store::repo::staff::org_units(&app.db).await?;
    let parent: HashMap<i64, Option<i64>> = units.iter().map(|u| (u.id, u.parent_id)).collect();
    let unit_name: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let area_ids: Vec<i64> = units
        .iter()
        .filter(|u| u.kind == OrgKind::Area.code())
        .map(|u| u.id)
        .collect();
    let name_of = |id: i64| unit_name.get(&id).copied().unwrap_or("—").to_string();
    // Each area's sub-centre: its county, or the company when the county has no other area
    // (`None`); and its county for the row.
    let mut areas_of: HashMap<i64, usize> = HashMap::new();
    for a in &area_ids {
        if let Some(Some(c)) = parent.get(a) {
            *areas_of.entry(*c).or_default() += 1;
        }
    }
    let county_of = |area: i64| parent.get(&area).copied().flatten();
    let centre_of =
        |area: i64| county_of(area).filter(|c| areas_of.get(c).copied().unwrap_or(0) > 1);
    let centre_name = |c: Option<i64>| c.map_or_else(|| "全公司".to_string(), name_of);
    let mut out = Vec::new();

    // 客户预警: the existing rule of the dashboards.
    for r in crate::dashboard::retailer_warnings(app, ScopeIds::default(), m).await? {
        out.push(Detected {
            kind: WarningKind::Customer.code().into(),
            subject: r.retailer_id.to_string(),
            retailer_id: Some(r.retailer_id),
            brand: None,
            area_id: Some(r.area_id),
            county_id: Some(r.county_id),
            rep_id: r.rep_id,
            qty: r.qty,
            prev_qty: r.prev_qty,
            unit_index: Some(r.warning.unit_index),
            group_index: Some(r.warning.group_index),
            ratio: Some(r.warning.ratio),
            reference: None,
            detail: format!(
                "{}（{}）本月购进 {} 条，上月 {} 条，环比发展速度 {}；同类客户（{}）{}，比值 {} 低于 {}",
                r.name,
                r.customer_code,
                r.qty,
                r.prev_qty,
                pct(r.warning.unit_index),
                r.group,
                pct(r.warning.group_index),
                pct(r.warning.ratio),
                w.growth_ratio
            ),
        });
    }

    // 千条户预警: above the line and above N × the area's average per buying retailer.
    let avg: HashMap<i64, f64> = repo::area_buyers(&app.db, &ms)
        .await?
        .into_iter()
        .filter(|(_, _, _, n)| *n > 0)
        .map(|(area, _, qty, n)| (area, qty as f64 / n as f64))
        .collect();
    for b in repo::big_buyers(&app.db, &ms, &ps, w.large_account_cartons).await? {
        let a = avg.get(&b.area_id).copied().unwrap_or(0.0);
        if !is_large_account(
            b.qty,
            a,
            w.large_account_cartons,
            w.large_account_area_multiple,
        ) {
            continue;
        }
        out.push(Detected {
            kind: WarningKind::LargeAccount.code().into(),
            subject: b.retailer_id.to_string(),
            retailer_id: Some(b.retailer_id),
            brand: None,
            area_id: Some(b.area_id),
            county_id: Some(b.county_id),
            rep_id: b.account_manager_id,
            qty: b.qty,
            prev_qty: b.prev_qty,
            unit_index: None,
            group_index: None,
            ratio: (a > 0.0).then(|| b.qty as f64 / a),
            reference: Some(a),
            detail: format!(
                "{}（{}）本月购进 {} 条（上月 {} 条），超过 {} 条，为{}户均 {:.0} 条的 {:.1} 倍（预警线 {} 倍）",
                b.name,
                b.customer_code,
                b.qty,
                b.prev_qty,
                w.large_account_cartons,
                name_of(b.area_id),
                a,
                if a > 0.0 { b.qty as f64 / a } else { 0.0 },
                w.large_account_area_multiple
            ),
        });
    }

    // 品牌预警: each key brand in each area against the same brand in the area's county.
    let key_brands: HashSet<String> = store::repo::product::list(
        &app.db,
        &store::repo::product::ProductFilter {
            key_brand_only: true,
            ..Default::default()
        },
    )
    .await?
    .into_iter()
    .map(|p| p.brand)
    .collect();
    let months = [ms.clone(), ps.clone()];
    let company = ScopeIds::default();
    let by_area =
        sales::by_two_keys(&app.db, company, SalesKey::Area, SalesKey::Brand, &months).await?;
    let by_county =
        sales::by_two_keys(&app.db, company, SalesKey::County, SalesKey::Brand, &months).await?;
    let by_company =
        sales::by_two_keys(&app.db, company, SalesKey::Total, SalesKey::Brand, &months).await?;
    // (place id, brand) → (this month, last month); the company's place is 0.
    let pair = |rows: &[sales::TwoKeyMonth]| {
        let mut h: HashMap<(i64, String), (i64, i64)> = HashMap::new();
        for r in rows.iter().filter(|r| key_brands.contains(&r.key2)) {
            let id = r.key1.parse::<i64>().unwrap_or(0);
            let e = h.entry((id, r.key2.clone())).or_default();
            if r.month == ms {
                e.0 += r.qty
            } else {
                e.1 += r.qty
            }
        }
        h
    };
    let (area_brand, county_brand, company_brand) =
        (pair(&by_area), pair(&by_county), pair(&by_company));
    let mut brand_rows: Vec<_> = area_brand.iter().collect();
    brand_rows.sort_by(|a, b| a.0.cmp(b.0));
    for ((area, brand), unit) in brand_rows {
        let centre = centre_of(*area);
        let group = match centre {
            Some(c) => county_brand.get(&(c, brand.clone())),
            None => company_brand.get(&(0, brand.clone())),
        };
        let Some(group) = group else {
            continue;
        };
        let Some(g) = growth_warning(*unit, *group, w.growth_ratio) else {
            continue;
        };
        out.push(Detected {
            kind: WarningKind::Brand.code().into(),
            subject: format!("{area}:{brand}"),
            retailer_id: None,
            brand: Some(brand.clone()),
            area_id: Some(*area),
            county_id: county_of(*area),
            rep_id: None,
            qty: unit.0,
            prev_qty: unit.1,
            unit_index: Some(g.unit_index),
            group_index: Some(g.group_index),
            ratio: Some(g.ratio),
            reference: None,
            detail: format!(
                "重点品牌「{brand}」在{}本月 {} 条，上月 {} 条，环比发展速度 {}；{}同品牌 {}，比值 {} 低于 {}",
                name_of(*area),
                unit.0,
                unit.1,
                pct(g.unit_index),
                centre_name(centre),
                pct(g.group_index),
                pct(g.ratio),
                w.growth_ratio
            ),
        });
    }

    // 市场预警: each area's volume and 单箱 against its county's.
    let area_rows = sales::by_key(&app.db, company, SalesKey::Area, &months, false).await?;
    let county_rows = sales::by_key(&app.db, company, SalesKey::County, &months, false).await?;
    let company_rows = sales::by_key(&app.db, company, SalesKey::Total, &months, false).await?;
    // place id → ((this month 条, fen), (last month 条, fen)); the company's place is 0.
    let qa = |rows: &[sales::KeyMonth]| {
        let mut h: HashMap<i64, MonthPair> = HashMap::new();
        for r in rows {
            let id = r.key.parse::<i64>().unwrap_or(0);
            let e = h.entry(id).or_default();
            if r.month == ms {
                e.0 = (r.qty, r.amount_fen)
            } else {
                e.1 = (r.qty, r.amount_fen)
            }
        }
        h
    };
    let (areas, counties, whole) = (qa(&area_rows), qa(&county_rows), qa(&company_rows));
    for area in &area_ids {
        let Some(unit) = areas.get(area) else {
            continue;
        };
        let c = centre_of(*area);
        let Some(centre) = (match c {
            Some(c) => counties.get(&c),
            None => whole.get(&0),
        }) else {
            continue;
        };
        let (volume, per_case) = market_warning(*unit, *centre, w.growth_ratio);
        if volume.is_none() && per_case.is_none() {
            continue;
        }
        let mut parts = Vec::new();
        if let Some(v) = &volume {
            parts.push(format!(
                "销量环比发展速度 {}（{} 条 → {} 条），{} {}，比值 {}",
                pct(v.unit_index),
                unit.1.0,
                unit.0.0,
                centre_name(c),
                pct(v.group_index),
                pct(v.ratio)
            ));
        }
        if let Some(pc) = &per_case {
            parts.push(format!(
                "单箱批发销售额环比发展速度 {}，{} {}，比值 {}",
                pct(pc.unit_index),
                centre_name(c),
                pct(pc.group_index),
                pct(pc.ratio)
            ));
        }
        let first = volume.or(per_case).expect("one measure flagged");
        out.push(Detected {
            kind: WarningKind::Market.code().into(),
            subject: area.to_string(),
            retailer_id: None,
            brand: None,
            area_id: Some(*area),
            county_id: county_of(*area),
            rep_id: None,
            qty: unit.0.0,
            prev_qty: unit.1.0,
            unit_index: Some(first.unit_index),
            group_index: Some(first.group_index),
            ratio: Some(first.ratio),
            reference: None,
            detail: format!(
                "{}：{}，低于 {}",
                name_of(*area),
                parts.join("；"),
                w.growth_ratio
            ),
        });
    }
    Ok(out)
}

/// The part of the warnings a person sees (see the module doc); `None` for a role without any.
async fn filter_of(app: &App, user: &CurrentUser) -> AppResult<Option<Filter>> {
    Ok(Some(match user.role {
        Role::AccountManager => Filter {
            rep_id: Some(user.id),
            kinds: Some(vec![
                WarningKind::Customer.code(),
                WarningKind::LargeAccount.code(),
            ]),
            ..Filter::default()
        },
        Role::MarketManager | Role::MarketingDirector => match Scope::of(&app.db, user).await? {
            Scope::Area(a) => Filter {
                area_id: Some(a),
                ..Filter::default()
            },
            Scope::County(c) => Filter {
                county_id: Some(c),
                ..Filter::default()
            },
            _ => Filter::default(),
        },
        Role::BrandManager => Filter {
            brand_manager_id: Some(user.id),
            ..Filter::default()
        },
        Role::MarketingCenter | Role::Admin => Filter::default(),
        Role::MonopolyOfficer => return Ok(None),
    }))
}

async fn require_filter(app: &App, user: &CurrentUser) -> AppResult<Filter> {
    filter_of(app, user).await?.ok_or_else(|| no_warnings(user))
}

fn no_warnings(user: &CurrentUser) -> AppError {
    AppError::Forbidden(format!("{}不处理营销预警", user.role.zh()))
}

/// The kinds a person's list offers.
fn kinds_for(role: Role) -> Vec<WarningKind> {
    match role {
        Role::AccountManager => vec![WarningKind::Customer, WarningKind::LargeAccount],
        Role::BrandManager => vec![WarningKind::Brand],
        _ => WarningKind::ALL.to_vec(),
    }
}

/// A warning with its labels.
#[derive(Debug, Clone, Serialize)]
pub struct WarningView {
    #[serde(flatten)]
    pub row: WarningRow,
    pub kind_zh: &'static str,
    pub status_zh: &'static str,
    /// The unit in words: the retailer, the area × brand, or the area.
    pub unit: String,
}

impl WarningView {
    fn of(row: WarningRow) -> WarningView {
        let kind = WarningKind::parse(&row.kind).ok();
        let status = WarningStatus::parse(&row.status).ok();
        let area = row.area_name.clone().unwrap_or_default();
        let unit = match kind {
            Some(WarningKind::Customer | WarningKind::LargeAccount) => format!(
                "{}（{}）",
                row.retailer_name.as_deref().unwrap_or("—"),
                row.customer_code.as_deref().unwrap_or("—")
            ),
            Some(WarningKind::Brand) => {
                format!("{} · {}", row.brand.as_deref().unwrap_or("—"), area)
            }
            _ => area,
        };
        WarningView {
            kind_zh: kind.map_or("—", |k| k.zh()),
            status_zh: status.map_or("—", |s| s.zh()),
            unit,
            row,
        }
    }

    pub fn is_open(&self) -> bool {
        self.row.status != WarningStatus::Closed.code()
    }
}

/// What a list asks for (all optional; strings so a bad one is named).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// 月份 YYYY-MM (default: the latest month detected).
    pub month: Option<String>,
    /// CUSTOMER | LARGE_ACCOUNT | BRAND | MARKET.
    pub kind: Option<String>,
    /// OPEN | ACKNOWLEDGED | MEASURED | CLOSED.
    pub status: Option<String>,
    /// Page (from 1), 100 rows each.
    pub page: Option<i64>,
}

/// Rows per list page.
pub const PAGE_ROWS: i64 = 100;

/// A count by kind and status.
#[derive(Debug, Clone, Serialize)]
pub struct KindCount {
    pub kind: &'static str,
    pub kind_zh: &'static str,
    pub open: i64,
    pub closed: i64,
}

/// A person's warnings of one month.
#[derive(Debug, Clone, Serialize)]
pub struct WarningList {
    pub month: Option<String>,
    /// Months with detected warnings, newest first.
    pub months: Vec<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub page: i64,
    /// Rows matching the filters (all pages).
    pub total: i64,
    pub counts: Vec<KindCount>,
    pub warnings: Vec<WarningView>,
    /// The kinds this person's list offers.
    pub kinds: Vec<(&'static str, &'static str)>,
    pub statuses: Vec<(&'static str, &'static str)>,
    pub can_detect: bool,
}

/// The person's warnings (see the module doc for who sees what).
pub async fn list(app: &App, user: &CurrentUser, q: &ListQuery) -> AppResult<WarningList> {
    let mut f = require_filter(app, user).await?;
    let months = repo::detected_months(&app.db).await?;
    // An optional filter: trimmed, empty = none, else parsed to its stored code (or refused by name).
    fn field<T>(
        field: &str, v: &Option<String>, parse: impl Fn(&str) -> Result<T, domain::ParseError>,
        code: impl Fn(T) -> String,
    ) -> AppResult<Option<String>> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Ok(Some(code(
                parse(s).map_err(|e| AppError::invalid(field, e.message))?,
            ))),
            None => Ok(None),
        }
    }
    let month = field("month", &q.month, Month::parse, |m| m.to_string())?
        .or_else(|| months.first().cloned());
    let kind = field("kind", &q.kind, WarningKind::parse, |k| {
        k.code().to_string()
    })?;
    let status = field("status", &q.status, WarningStatus::parse, |s| {
        s.code().to_string()
    })?;
    let page = q.page.unwrap_or(1);
    if !(1..=10_000).contains(&page) {
        return Err(AppError::invalid("page", "页码应在 1–10000 之间"));
    }
    f.month = month.clone();
    let counts_rows = repo::counts(&app.db, &f).await?;
    let kinds = kinds_for(user.role);
    let counts: Vec<KindCount> = kinds
        .iter()
        .map(|k| {
            let of = |closed: bool| {
                counts_rows
                    .iter()
                    .filter(|(kk, s, _)| kk == k.code() && (s == "CLOSED") == closed)
                    .map(|(_, _, n)| *n)
                    .sum()
            };
            KindCount {
                kind: k.code(),
                kind_zh: k.zh(),
                open: of(false),
                closed: of(true),
            }
        })
        .collect();
    let total = counts_rows
        .iter()
        .filter(|(k, s, _)| {
            kind.as_deref().is_none_or(|x| x == k) && status.as_deref().is_none_or(|x| x == s)
        })
        .map(|(_, _, n)| *n)
        .sum();
    f.kind = kind.clone();
    f.status = status.clone();
    let rows = repo::list(&app.db, &f, PAGE_ROWS, (page - 1) * PAGE_ROWS).await?;
    Ok(WarningList {
        month,
        months,
        kind,
        status,
        page,
        total,
        counts,
        warnings: rows.into_iter().map(WarningView::of).collect(),
        kinds: kinds.iter().map(|k| (k.code(), k.zh())).collect(),
        statuses: WarningStatus::ALL
            .iter()
            .map(|s| (s.code(), s.zh()))
            .collect(),
        can_detect: matches!(user.role, Role::MarketingCenter | Role::Admin),
    })
}

/// One warning with its history.
#[derive(Debug, Clone, Serialize)]
pub struct WarningDetail {
    #[serde(flatten)]
    pub warning: WarningView,
    pub events: Vec<EventView>,
    /// The steps this person may take now.
    pub actions: Vec<&'static str>,
}

/// A history step with its labels.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    #[serde(flatten)]
    pub row: EventRow,
    pub action_zh: &'static str,
    pub status_zh: &'static str,
}

/// A warning the person may see, or 404 (another's warning is not shown to exist).
async fn visible(app: &App, user: &CurrentUser, id: i64) -> AppResult<WarningRow> {
    if user.role == Role::MonopolyOfficer {
        return Err(no_warnings(user));
    }
    let not_found = || AppError::NotFound(format!("预警 {id} 不存在"));
    let row = repo::by_id(&app.db, id).await?.ok_or_else(not_found)?;
    let ok = match user.role {
        Role::AccountManager => {
            row.rep_id == Some(user.id) && kinds_for(user.role).iter().any(|k| k.code() == row.kind)
        }
        Role::MarketManager | Role::MarketingDirector => match Scope::of(&app.db, user).await? {
            Scope::Area(a) => row.area_id == Some(a),
            Scope::County(c) => row.county_id == Some(c),
            _ => false,
        },
        Role::BrandManager => {
            let mine = store::repo::product::brands_of_manager(&app.db, user.id).await?;
            row.kind == WarningKind::Brand.code()
                && row.brand.as_ref().is_some_and(|b| mine.contains(b))
        }
        Role::MarketingCenter | Role::Admin => true,
        Role::MonopolyOfficer => false,
    };
    if ok { Ok(row) } else { Err(not_found()) }
}

fn actions_of(status: &str) -> Vec<&'static str> {
    let Ok(s) = WarningStatus::parse(status) else {
        return Vec::new();
    };
    WarningAction::ALL
        .iter()
        .filter(|a| s.after(**a).is_ok())
        .map(|a| a.code())
        .collect()
}

/// One warning and its history (404 when it is not the person's).
pub async fn detail(app: &App, user: &CurrentUser, id: i64) -> AppResult<WarningDetail> {
    let row = visible(app, user, id).await?;
    let events = repo::events(&app.db, id)
        .await?
        .into_iter()
        .map(|e| EventView {
            action_zh: WarningAction::parse(&e.action).map_or("—", |a| a.zh()),
            status_zh: WarningStatus::parse(&e.status).map_or("—", |s| s.zh()),
            row: e,
        })
        .collect();
    Ok(WarningDetail {
        actions: actions_of(&row.status),
        warning: WarningView::of(row),
        events,
    })
}

/// A handling step as written (the texts a step needs; `version` as read, to refuse a stale
/// write).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StepInput {
    /// ACKNOWLEDGE | MEASURE | CLOSE.
    pub action: String,
    /// 整改措施 (MEASURE: required).
    pub measure: Option<String>,
    /// 关闭说明 — what the measure achieved (CLOSE: required).
    pub result: Option<String>,
    /// 备注 (ACKNOWLEDGE: optional).
    pub note: Option<String>,
    /// The warning's version as read; a step on a changed warning is refused (409).
    pub version: Option<i64>,
}

/// Take a handling step on a warning the person sees: the state check and the write in one
/// transaction (a conditional update on the status and version read), the step in the history
/// and the audit trail. 409 when the warning moved meanwhile or the step does not apply.
pub async fn act(
    app: &App, user: &CurrentUser, id: i64, input: &StepInput,
) -> AppResult<WarningDetail> {
    let row = visible(app, user, id).await?;
    let action =
        WarningAction::parse(&input.action).map_err(|e| AppError::invalid("action", e.message))?;
    let limits = app.policy().await?.limits;
    let text =
        |field: &str, v: &Option<String>, required: Option<&str>| -> AppResult<Option<String>> {
            let t = v.as_deref().map(str::trim).filter(|t| !t.is_empty());
            match (t, required) {
                (None, Some(msg)) => Err(AppError::invalid(field, msg)),
                (None, None) => Ok(None),
                (Some(t), _) => {
                    crate::limits::text(&limits, field, t)?;
                    Ok(Some(t.to_string()))
                }
            }
        };
    let note = text("note", &input.note, None)?;
    let (measure, result) = match action {
        WarningAction::Acknowledge => (None, None),
        WarningAction::Measure => (
            text("measure", &input.measure, Some("请填写整改措施"))?,
            None,
        ),
        WarningAction::Close => (
            None,
            text(
                "result",
                &input.result,
                Some("请填写关闭说明（措施的效果）"),
            )?,
        ),
    };
    if let Some(v) = input.version
        && v != row.version
    {
        return Err(AppError::Conflict(format!(
            "该预警已被{}修改（当前状态：{}），请刷新后再操作",
            row.updated_by_name.as_deref().unwrap_or("他人"),
            WarningStatus::parse(&row.status).map_or("—", |s| s.zh())
        )));
    }
    let from = WarningStatus::parse(&row.status)?;
    let to = from
        .after(action)
        .map_err(|m| AppError::Conflict(m.into()))?;
    let step = repo::Step {
        id,
        from_status: from.code().into(),
        version: Some(row.version),
        action: action.code().into(),
        to_status: to.code().into(),
        measure: measure.clone(),
        result: result.clone(),
        note: note
            .clone()
            .or_else(|| measure.clone())
            .or_else(|| result.clone()),
        by: user.id,
        at: app.clock.now(),
    };
    let mut tx = app.db.begin().await?;
    if !repo::apply(&mut tx, &step).await? {
        return Err(AppError::Conflict(
            "该预警刚被他人处理，请刷新后再操作".into(),
        ));
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        &format!("warning.{}", action.code().to_lowercase()),
        "warning",
        &id.to_string(),
        Some(&serde_json::json!({"status": row.status, "measure": row.measure, "result": row.result})),
        Some(&serde_json::json!({"status": to.code(), "measure": measure.as_ref().or(row.measure.as_ref()), "result": result.as_ref().or(row.result.as_ref()), "note": note})),
    )
    .await?;
    tx.commit().await?;
    detail(app, user, id).await
}

/// Re-detect a month's warnings (marketing center, administrator): after corrected orders, or
/// once a month has closed while the server ran. Audited.
pub async fn redetect(app: &App, user: &CurrentUser, m: Month) -> AppResult<Replaced> {
    user.require(&[Role::MarketingCenter, Role::Admin])?;
    if m >= Month::of(app.clock.today()) {
        return Err(AppError::Conflict(format!(
            "{m} 尚未结束，预警按已结束月份的购进检测"
        )));
    }
    if !has_sales(app, m).await? {
        return Err(AppError::invalid("month", format!("{m} 没有购进数据")));
    }
    let out = detect(app, m).await?;
    let mut tx = app.db.begin().await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "warning.detect",
        "warning_run",
        &m.to_string(),
        None::<&()>,
        Some(&out),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// The latest month up to `m` whose warnings were detected.
async fn latest_detected(app: &App, m: Month) -> AppResult<Option<String>> {
    let m = m.to_string();
    Ok(repo::detected_months(&app.db)
        .await?
        .into_iter()
        .find(|d| *d <= m))
}

/// Open warnings of a scope's latest detected month up to `m` (the 135 analysis step, the
/// one-sheet draft): `kinds` of the scope's rows, strongest first.
pub async fn open_for(
    app: &App, scope: Scope, m: Month, kinds: &[WarningKind],
) -> AppResult<Vec<WarningView>> {
    let Some(month) = latest_detected(app, m).await? else {
        return Ok(Vec::new());
    };
    let ids = scope.ids();
    let f = Filter {
        month: Some(month),
        open_only: true,
        rep_id: ids.rep_id,
        area_id: ids.area_id,
        county_id: ids.county_id,
        kinds: Some(kinds.iter().map(|k| k.code()).collect()),
        ..Filter::default()
    };
    Ok(repo::list(&app.db, &f, 500, 0)
        .await?
        .into_iter()
        .map(WarningView::of)
        .collect())
}

/// The person's open warnings of the latest detected month up to `m`, as lines under a heading
/// per kind (the 135 page's analysis step): at most 10 lines a kind, then the count.
pub async fn open_lines(
    app: &App, user: &CurrentUser, m: Month,
) -> AppResult<Vec<(&'static str, Vec<String>)>> {
    let Some(mut f) = filter_of(app, user).await? else {
        return Ok(Vec::new());
    };
    let Some(month) = latest_detected(app, m).await? else {
        return Ok(Vec::new());
    };
    f.month = Some(month);
    f.open_only = true;
    let rows = repo::list(&app.db, &f, 2_000, 0).await?;
    let mut out = Vec::new();
    for k in kinds_for(user.role) {
        let of: Vec<&WarningRow> = rows.iter().filter(|r| r.kind == k.code()).collect();
        let heading = match k {
            WarningKind::Customer => "预警客户",
            other => other.zh(),
        };
        let mut lines: Vec<String> = of.iter().take(10).map(|r| r.detail.clone()).collect();
        if of.len() > 10 {
            lines.push(format!("……共 {} 条未关闭的{}", of.len(), k.zh()));
        }
        if lines.is_empty() {
            lines.push(format!(
                "{} 无未关闭的{}",
                f.month.as_deref().unwrap_or(""),
                k.zh()
            ));
        }
        out.push((heading, lines));
    }
    Ok(out)
}

/// The demo city's handling of its warnings (see `demo`): every month before the latest closed by
/// the people responsible (the rep, the area's market manager, the brand's manager), the latest
/// month partly acknowledged or given a measure and the rest open — so the page shows a history
/// and a worklist. One transaction per month, the steps as a person's, one audit entry per month.
pub async fn demo_handling(app: &App, actor: &store::audit::Actor) -> AppResult<usize> {
    use chrono::Duration;
    let months = repo::detected_months(&app.db).await?;
    let Some(latest) = months.first().cloned() else {
        return Ok(0);
    };
    let staff = store::repo::staff::list(&app.db, None, None).await?;
    let area_manager: HashMap<i64, i64> = staff
        .iter()
        .filter(|s| s.role == Role::MarketManager.code())
        .filter_map(|s| s.org_unit_id.map(|a| (a, s.id)))
        .collect();
    let mut brand_manager: HashMap<String, i64> = HashMap::new();
    for s in staff.iter().filter(|s| s.role == Role::BrandManager.code()) {
        for b in store::repo::product::brands_of_manager(&app.db, s.id).await? {
            brand_manager.entry(b).or_insert(s.id);
        }
    }
    const CAUSES: [&str; 4] = [
        "周边新开同业网点分流",
        "店主调整经营重心",
        "所在路段施工客流减少",
        "资金周转紧张订货减少",
    ];
    let now = app.clock.now();
    let mut steps_written = 0;
    for month in months.iter().rev() {
        let m = Month::parse(month)?;
        let rows = repo::list(
            &app.db,
            &Filter {
                month: Some(month.clone()),
                status: Some(WarningStatus::Open.code().into()),
                ..Filter::default()
            },
            1_000_000,
            0,
        )
        .await?;
        let day = |d: u32| {
            let t =
                domain::visit::china_day_start(m.next().first_day() + Duration::days(d as i64 - 1))
                    + Duration::hours(10);
            t.min(now)
        };
        let mut tx = app.db.begin().await?;
        let mut n = 0;
        for w in &rows {
            let by = match w.kind.as_str() {
                "CUSTOMER" | "LARGE_ACCOUNT" => w.rep_id,
                "BRAND" => w.brand.as_ref().and_then(|b| brand_manager.get(b).copied()),
                _ => w.area_id.and_then(|a| area_manager.get(&a).copied()),
            };
            let Some(by) = by else { continue };
            // How far the latest month got: by the warning's id, a third each.
            let depth = if *month == latest { w.id % 3 } else { 3 };
            let measure = match w.kind.as_str() {
                "CUSTOMER" => format!(
                    "上门了解原因（{}），指导合理订货，两周后回访跟踪",
                    CAUSES[(w.id % 4) as usize]
                ),
                "LARGE_ACCOUNT" => {
                    "核实订货真实性与销售去向，查看进销存台账，必要时约专卖人员联合走访".into()
                }
                "BRAND" => "组织重点客户品牌陈列与推介，宣传品牌卖点，跟踪动销".into(),
                _ => "召开市场部专题分析会，调整客户经理拜访重点与品牌投放建议".into(),
            };
            let plan: [(WarningAction, WarningStatus, WarningStatus, u32); 3] = [
                (
                    WarningAction::Acknowledge,
                    WarningStatus::Open,
                    WarningStatus::Acknowledged,
                    2,
                ),
                (
                    WarningAction::Measure,
                    WarningStatus::Acknowledged,
                    WarningStatus::Measured,
                    3,
                ),
                (
                    WarningAction::Close,
                    WarningStatus::Measured,
                    WarningStatus::Closed,
                    25,
                ),
            ];
            for (action, from, to, d) in plan.iter().take(depth as usize) {
                let (measure, result, note) = match action {
                    WarningAction::Acknowledge => (None, None, Some("已核实".to_string())),
                    WarningAction::Measure => (Some(measure.clone()), None, Some(measure.clone())),
                    WarningAction::Close => {
                        let r = if w.id % 5 == 0 {
                            "经核实属正常经营波动，继续关注".to_string()
                        } else {
                            "措施落实，次月购进恢复".to_string()
                        };
                        (None, Some(r.clone()), Some(r))
                    }
                };
                let applied = repo::apply(
                    &mut tx,
                    &repo::Step {
                        id: w.id,
                        from_status: from.code().into(),
                        version: None,
                        action: action.code().into(),
                        to_status: to.code().into(),
                        measure,
                        result,
                        note,
                        by,
                        at: day(*d),
                    },
                )
                .await?;
                n += usize::from(applied);
            }
        }
        store::audit::record(
            &mut tx,
            actor,
            "warning.demo_history",
            "warning_run",
            month,
            None::<&()>,
            Some(&serde_json::json!({"steps": n})),
        )
        .await?;
        tx.commit().await?;
        steps_written += n;
    }
    Ok(steps_written)
}
