//! The home page of each role (design.md §1, seed 000's information per role): rep ← customer,
//! brand, market; market manager ← market, brand, reps; brand manager ← brand, market,
//! manufacturers; 营销中心 ← the company.
use crate::retailers::last_complete_month;
use crate::{App, AppError, AppResult, CurrentUser, Scope};
use domain::Month;
use domain::org::Role;
use domain::product::PriceClass;
use domain::retailer::{BusinessFormat, MarketType};
use domain::warning::{GrowthWarning, growth_warning};
use serde::Serialize;
use std::collections::HashMap;
use store::repo::ScopeIds;
use store::repo::retailer::GroupColumn;
use store::repo::sales::{self, KeyMonth, SalesKey};

/// A count under a label.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub key: String,
    pub label: String,
    pub count: i64,
}

/// Volume (条) and amount (fen) of a key this month and in the same month last year.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Versus {
    pub key: String,
    pub label: String,
    pub qty: i64,
    pub amount_fen: i64,
    pub ly_qty: i64,
    pub ly_amount_fen: i64,
    pub retailers: i64,
    /// Share of this key in the scope's volume, %.
    pub share_pct: f64,
    /// Year-on-year growth of volume, % (None without last year's volume).
    pub yoy_pct: Option<f64>,
}

impl Versus {
    /// 条均价 in fen (domain.md §6 avg_price_per_carton).
    pub fn avg_price_fen(&self) -> i64 {
        if self.qty > 0 {
            self.amount_fen / self.qty
        } else {
            0
        }
    }
}

fn pct(n: i64, d: i64) -> f64 {
    if d > 0 {
        n as f64 * 100.0 / d as f64
    } else {
        0.0
    }
}

fn yoy(cur: i64, ly: i64) -> Option<f64> {
    (ly > 0).then(|| (cur - ly) as f64 * 100.0 / ly as f64)
}

/// Join this month's and last year's rows of one key into [`Versus`] rows, by volume desc.
fn versus(rows: &[KeyMonth], month: &str, ly: &str, label: impl Fn(&str) -> String) -> Vec<Versus> {
    let mut map: HashMap<&str, Versus> = HashMap::new();
    for r in rows {
        let v = map.entry(r.key.as_str()).or_insert_with(|| Versus {
            key: r.key.clone(),
            label: label(&r.key),
            ..Versus::default()
        });
        if r.month == month {
            v.qty += r.qty;
            v.amount_fen += r.amount_fen;
            v.retailers += r.retailers;
        } else if r.month == ly {
            v.ly_qty += r.qty;
            v.ly_amount_fen += r.amount_fen;
        }
    }
    let total: i64 = map.values().map(|v| v.qty).sum();
    let mut out: Vec<Versus> = map
        .into_values()
        .map(|mut v| {
            v.share_pct = pct(v.qty, total);
            v.yoy_pct = yoy(v.qty, v.ly_qty);
            v
        })
        .collect();
    out.sort_by(|a, b| b.qty.cmp(&a.qty).then(a.key.cmp(&b.key)));
    out
}

fn total_of(rows: &[Versus]) -> Versus {
    let mut t = Versus {
        key: "total".into(),
        label: "合计".into(),
        share_pct: 100.0,
        ..Versus::default()
    };
    for r in rows {
        t.qty += r.qty;
        t.amount_fen += r.amount_fen;
        t.ly_qty += r.ly_qty;
        t.ly_amount_fen += r.ly_amount_fen;
    }
    t.yoy_pct = yoy(t.qty, t.ly_qty);
    t
}

fn class_label(code: &str) -> String {
    PriceClass::parse(code)
        .map(|c| c.zh().to_string())
        .unwrap_or_else(|_| code.to_string())
}

/// Volume by price class this month vs the same month last year, in class order, with a total.
async fn by_price_class(app: &App, scope: ScopeIds, m: Month) -> AppResult<(Vec<Versus>, Versus)> {
    let (ms, ly) = (m.to_string(), m.same_month_last_year().to_string());
    let rows = sales::by_key(
        &app.db,
        scope,
        SalesKey::PriceClass,
        &[ms.clone(), ly.clone()],
        false,
    )
    .await?;
    let mut v = versus(&rows, &ms, &ly, class_label);
    v.sort_by(|a, b| a.key.cmp(&b.key));
    let t = total_of(&v);
    Ok((v, t))
}

/// Top brands this month (with last year) in a scope.
async fn top_brands(app: &App, scope: ScopeIds, m: Month, limit: usize) -> AppResult<Vec<Versus>> {
    let (ms, ly) = (m.to_string(), m.same_month_last_year().to_string());
    let rows = sales::by_key(
        &app.db,
        scope,
        SalesKey::Brand,
        &[ms.clone(), ly.clone()],
        false,
    )
    .await?;
    let mut v = versus(&rows, &ms, &ly, |k| k.to_string());
    v.truncate(limit);
    Ok(v)
}

/// A retailer flagged by the 0.8 rule (domain.md §6).
#[derive(Debug, Clone, Serialize)]
pub struct RetailerWarning {
    pub customer_code: String,
    #[serde(skip)]
    pub retailer_id: i64,
    #[serde(skip)]
    pub area_id: i64,
    #[serde(skip)]
    pub county_id: i64,
    #[serde(skip)]
    pub rep_id: Option<i64>,
    pub name: String,
    pub group: String,
    pub qty: i64,
    pub prev_qty: i64,
    #[serde(flatten)]
    pub warning: GrowthWarning,
}

/// §6 customer warning: month-on-month growth of a retailer's volume ÷ that of the same-category
/// retailers (same county, format and market type) below the configured ratio.
pub async fn retailer_warnings(
    app: &App, scope: ScopeIds, m: Month,
) -> AppResult<Vec<RetailerWarning>> {
    let policy = app.policy().await?;
    let (ms, prev) = (m.to_string(), m.prev().to_string());
    let rows = sales::retailer_months(&app.db, scope, &[ms.clone(), prev.clone()]).await?;
    let groups = sales::group_months(&app.db, scope, &[ms.clone(), prev.clone()]).await?;
    let mut gsum: HashMap<(i64, &str, &str), (i64, i64)> = HashMap::new();
    for g in &groups {
        let e = gsum
            .entry((
                g.county_id,
                g.business_format.as_str(),
                g.market_type.as_str(),
            ))
            .or_default();
        if g.month == ms {
            e.0 += g.qty
        } else {
            e.1 += g.qty
        }
    }
    let mut per: HashMap<i64, (&sales::RetailerMonth, i64, i64)> = HashMap::new();
    for r in &rows {
        let e = per.entry(r.retailer_id).or_insert((r, 0, 0));
        if r.month == ms {
            e.1 += r.qty
        } else {
            e.2 += r.qty
        }
    }
    let mut out: Vec<RetailerWarning> = per
        .values()
        .filter_map(|(r, cur, prev)| {
            let g = gsum.get(&(
                r.county_id,
                r.business_format.as_str(),
                r.market_type.as_str(),
            ))?;
            let w = growth_warning((*cur, *prev), *g, policy.warnings.growth_ratio)?;
            Some(RetailerWarning {
                customer_code: r.customer_code.clone(),
                retailer_id: r.retailer_id,
                area_id: r.area_id,
                county_id: r.county_id,
                rep_id: r.account_manager_id,
                name: r.name.clone(),
                group: format!(
                    "{}·{}",
                    MarketType::parse(&r.market_type)
                        .map(|v| v.zh())
                        .unwrap_or("—"),
                    BusinessFormat::parse(&r.business_format)
                        .map(|v| v.zh())
                        .unwrap_or("—")
                ),
                qty: *cur,
                prev_qty: *prev,
                warning: w,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.warning
            .ratio
            .total_cmp(&b.warning.ratio)
            .then(a.customer_code.cmp(&b.customer_code))
    });
    Ok(out)
}

async fn counts(
    app: &App, scope: ScopeIds, col: GroupColumn, label: impl Fn(&str) -> String,
) -> AppResult<Vec<Count>> {
    Ok(store::repo::retailer::count_by(&app.db, scope, col)
        .await?
        .into_iter()
        .map(|(k, n)| Count {
            label: label(&k),
            key: k,
            count: n,
        })
        .collect())
}

/// 客户经理 home.
#[derive(Debug, Clone, Serialize)]
pub struct RepHome {
    pub month: String,
    pub ly_month: String,
    pub retailers: i64,
    pub by_tier: Vec<Count>,
    pub by_format: Vec<Count>,
    pub by_market: Vec<Count>,
    pub by_class: Vec<Versus>,
    pub total: Versus,
    pub top_brands: Vec<Versus>,
    pub warnings: Vec<RetailerWarning>,
}

pub async fn rep_home(app: &App, user: &CurrentUser) -> AppResult<RepHome> {
    let m = last_complete_month(app).await?;
    let key = format!("rep_home:{}:{m}", user.id);
    app.cache
        .get_or_try(key, || compute_rep_home(app, user, m))
        .await
}

async fn compute_rep_home(app: &App, user: &CurrentUser, m: Month) -> AppResult<RepHome> {
    let scope = Scope::of(&app.db, user).await?.ids();
    let by_tier = counts(app, scope, GroupColumn::Tier, |k| format!("{k}档")).await?;
    let mut by_tier = by_tier;
    by_tier.sort_by_key(|c| std::cmp::Reverse(c.key.parse::<i64>().unwrap_or(0)));
    let by_format = counts(app, scope, GroupColumn::BusinessFormat, |k| {
        BusinessFormat::parse(k)
            .map(|v| v.zh().to_string())
            .unwrap_or_else(|_| k.to_string())
    })
    .await?;
    let by_market = counts(app, scope, GroupColumn::MarketType, |k| {
        MarketType::parse(k)
            .map(|v| v.zh().to_string())
            .unwrap_or_else(|_| k.to_string())
    })
    .await?;
    let (by_class, total) = by_price_class(app, scope, m).await?;
    Ok(RepHome {
        month: m.to_string(),
        ly_month: m.same_month_last_year().to_string(),
        retailers: by_market.iter().map(|c| c.count).sum(),
        by_tier,
        by_format,
        by_market,
        by_class,
        total,
        top_brands: top_brands(app, scope, m, 10).await?,
        warnings: retailer_warnings(app, scope, m).await?,
    })
}

/// One rep as the market manager sees them.
#[derive(Debug, Clone, Serialize)]
pub struct RepRow {
    pub username: String,
    pub name: String,
    pub retailers: i64,
    pub market_type: String,
    pub band_min: u32,
    pub band_max: u32,
    /// Staffing band breach (§2.2), if any, in words.
    pub band_breach: Option<String>,
    pub volume: Versus,
    /// Share of classes 1–2 in volume (structure), %.
    pub class12_share_pct: f64,
    pub warnings: usize,
}

/// 市场经理 home.
#[derive(Debug, Clone, Serialize)]
pub struct MarketManagerHome {
    pub area_name: String,
    pub month: String,
    pub ly_month: String,
    pub reps: Vec<RepRow>,
    pub by_class: Vec<Versus>,
    pub total: Versus,
    pub top_brands: Vec<Versus>,
    pub warnings: Vec<RetailerWarning>,
}

pub async fn market_manager_home(app: &App, user: &CurrentUser) -> AppResult<MarketManagerHome> {
    let m = last_complete_month(app).await?;
    let key = format!("market_manager_home:{}:{m}", user.id);
    app.cache
        .get_or_try(key, || compute_market_manager_home(app, user, m))
        .await
}

async fn compute_market_manager_home(
    app: &App, user: &CurrentUser, m: Month,
) -> AppResult<MarketManagerHome> {
    let scope = Scope::of(&app.db, user).await?;
    let Scope::Area(area_id) = scope else {
        return Err(AppError::Forbidden("仅市场经理可查看本页".into()));
    };
    let ids = scope.ids();
    let policy = app.policy().await?;
    let (ms, ly) = (m.to_string(), m.same_month_last_year().to_string());
    let area = store::repo::staff::org_unit(&app.db, area_id).await?;
    let reps =
        store::repo::staff::list(&app.db, Some(Role::AccountManager.code()), Some(area_id)).await?;
    let rep_rows = sales::by_key(
        &app.db,
        ids,
        SalesKey::Rep,
        &[ms.clone(), ly.clone()],
        false,
    )
    .await?;
    let rep_vs = versus(&rep_rows, &ms, &ly, |k| k.to_string());
    let warnings = retailer_warnings(app, ids, m).await?;
    // One grouped query each for the reps' market types and price classes (no per-rep loop).
    let markets = store::repo::retailer::count_by_two(
        &app.db,
        ids,
        GroupColumn::Rep,
        GroupColumn::MarketType,
    )
    .await?;
    let classes = sales::by_two_keys(
        &app.db,
        ids,
        SalesKey::Rep,
        SalesKey::PriceClass,
        std::slice::from_ref(&ms),
    )
    .await?;
    let mut rows = Vec::new();
    for rep in &reps {
        let key = rep.id.to_string();
        let mine: Vec<&store::repo::retailer::TwoKeyCount> =
            markets.iter().filter(|c| c.first == key).collect();
        let n: i64 = mine.iter().map(|c| c.retailers).sum();
        let main_market = mine
            .iter()
            .max_by_key(|c| c.retailers)
            .and_then(|c| MarketType::parse(&c.second).ok())
            .unwrap_or(MarketType::Urban);
        let (lo, hi) = policy.staffing.band(main_market);
        let band_breach = if n < lo as i64 {
            Some(format!("客户数 {n} 低于{}标准 {lo}", main_market.zh()))
        } else if n > hi as i64 {
            Some(format!("客户数 {n} 高于{}标准 {hi}", main_market.zh()))
        } else {
            None
        };
        let rep_classes = classes.iter().filter(|c| c.key1 == key);
        let (mut total, mut c12) = (0i64, 0i64);
        for c in rep_classes {
            total += c.qty;
            if c.key2 == PriceClass::Class1.code() || c.key2 == PriceClass::Class2.code() {
                c12 += c.qty;
            }
        }
        let mut volume = rep_vs
            .iter()
            .find(|v| v.key == key)
            .cloned()
            .unwrap_or_default();
        volume.label = rep.name.clone();
        rows.push(RepRow {
            username: rep.username.clone(),
            name: rep.name.clone(),
            retailers: n,
            market_type: main_market.zh().to_string(),
            band_min: lo,
            band_max: hi,
            band_breach,
            volume,
            class12_share_pct: pct(c12, total),
            warnings: warnings.iter().filter(|w| w.rep_id == Some(rep.id)).count(),
        });
    }
    let (by_class, total) = by_price_class(app, ids, m).await?;
    Ok(MarketManagerHome {
        area_name: area.map(|a| a.name).unwrap_or_default(),
        month: ms,
        ly_month: ly,
        reps: rows,
        by_class,
        total,
        top_brands: top_brands(app, ids, m, 10).await?,
        warnings,
    })
}

/// A brand in one area: volume, share, coverage and listing (domain.md §6).
#[derive(Debug, Clone, Serialize)]
pub struct BrandArea {
    pub brand: String,
    pub area: String,
    pub qty: i64,
    /// Brand volume ÷ area volume, %.
    pub share_pct: f64,
    /// 市场覆盖率: retailers buying the brand this month ÷ active retailers of the area, %.
    pub coverage_pct: f64,
    /// 上柜率: retailers that bought the brand in the last three months ÷ active retailers, %.
    pub listing_pct: f64,
}

/// A manufacturer's volume this month.
#[derive(Debug, Clone, Serialize)]
pub struct ManufacturerRow {
    pub code: String,
    pub name: String,
    pub province: String,
    pub volume: Versus,
}

/// 品牌经理 home.
#[derive(Debug, Clone, Serialize)]
pub struct BrandManagerHome {
    pub month: String,
    pub ly_month: String,
    pub my_brands: Vec<String>,
    /// Key brands company-wide, with last year.
    pub key_brands: Vec<Versus>,
    /// Their sum.
    pub key_total: Versus,
    /// Key-brand share of company volume, %.
    pub key_brand_share_pct: f64,
    pub key_brand_target_pct: f64,
    /// My brands (or all key brands when none are assigned) by area.
    pub by_area: Vec<BrandArea>,
    pub manufacturers: Vec<ManufacturerRow>,
}

pub async fn brand_manager_home(app: &App, user: &CurrentUser) -> AppResult<BrandManagerHome> {
    let m = last_complete_month(app).await?;
    let key = format!("brand_manager_home:{}:{m}", user.id);
    app.cache
        .get_or_try(key, || compute_brand_manager_home(app, user, m))
        .await
}

async fn compute_brand_manager_home(
    app: &App, user: &CurrentUser, m: Month,
) -> AppResult<BrandManagerHome> {
    let (ms, ly) = (m.to_string(), m.same_month_last_year().to_string());
    let company = ScopeIds::default();
    let policy = app.policy().await?;
    let my_brands = store::repo::product::brands_of_manager(&app.db, user.id).await?;
    let key_rows = sales::by_key(
        &app.db,
        company,
        SalesKey::Brand,
        &[ms.clone(), ly.clone()],
        true,
    )
    .await?;
    let all_rows = sales::by_key(
        &app.db,
        company,
        SalesKey::Total,
        std::slice::from_ref(&ms),
        false,
    )
    .await?;
    let company_qty: i64 = all_rows.iter().map(|r| r.qty).sum();
    let mut key_brands = versus(&key_rows, &ms, &ly, |k| k.to_string());
    let key_qty: i64 = key_brands.iter().map(|v| v.qty).sum();
    for v in key_brands.iter_mut() {
        v.share_pct = pct(v.qty, company_qty);
    }
    let focus: Vec<String> = if my_brands.is_empty() {
        key_brands.iter().map(|v| v.key.clone()).take(8).collect()
    } else {
        my_brands.clone()
    };
    let units = store::repo::staff::org_units(&app.db).await?;
    // One grouped query each for area × brand volume, active retailers per area and listing.
    let area_brand = sales::by_two_keys(
        &app.db,
        company,
        SalesKey::Area,
        SalesKey::Brand,
        std::slice::from_ref(&ms),
    )
    .await?;
    let active = store::repo::retailer::count_by(&app.db, company, GroupColumn::Area).await?;
    let listing = sales::brand_listing_by_area(&app.db, &m.plus(-2).to_string(), &ms).await?;
    let mut by_area = Vec::new();
    for a in units
        .iter()
        .filter(|u| u.kind == domain::org::OrgKind::Area.code())
    {
        let key = a.id.to_string();
        let area_qty: i64 = area_brand
            .iter()
            .filter(|r| r.key1 == key)
            .map(|r| r.qty)
            .sum();
        let n_active = active
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(0, |(_, n)| *n);
        for b in &focus {
            let r = area_brand.iter().find(|r| r.key1 == key && &r.key2 == b);
            let listed = listing
                .iter()
                .find(|l| l.area_id == a.id && &l.brand == b)
                .map_or(0, |l| l.retailers);
            by_area.push(BrandArea {
                brand: b.clone(),
                area: a.name.clone(),
                qty: r.map_or(0, |r| r.qty),
                share_pct: pct(r.map_or(0, |r| r.qty), area_qty),
                coverage_pct: pct(r.map_or(0, |r| r.retailers), n_active),
                listing_pct: pct(listed, n_active),
            });
        }
    }
    by_area.sort_by(|x, y| x.brand.cmp(&y.brand).then(x.area.cmp(&y.area)));
    let makers = store::repo::product::manufacturers(&app.db).await?;
    let mrows = sales::by_key(
        &app.db,
        company,
        SalesKey::Manufacturer,
        &[ms.clone(), ly.clone()],
        false,
    )
    .await?;
    let mvs = versus(&mrows, &ms, &ly, |k| k.to_string());
    let mut manufacturers: Vec<ManufacturerRow> = makers
        .into_iter()
        .map(|mk| ManufacturerRow {
            volume: mvs
                .iter()
                .find(|v| v.key == mk.id.to_string())
                .cloned()
                .unwrap_or_default(),
            code: mk.code,
            name: mk.name,
            province: mk.province,
        })
        .collect();
    manufacturers.sort_by_key(|m| std::cmp::Reverse(m.volume.qty));
    let mut key_total = total_of(&key_brands);
    key_total.share_pct = pct(key_qty, company_qty);
    Ok(BrandManagerHome {
        key_total,
        month: ms,
        ly_month: ly,
        my_brands,
        key_brands,
        key_brand_share_pct: pct(key_qty, company_qty),
        key_brand_target_pct: policy.kpi_targets.key_brand_share_pct,
        by_area,
        manufacturers,
    })
}

/// 营销中心 / administrator home.
#[derive(Debug, Clone, Serialize)]
pub struct CenterHome {
    pub month: String,
    pub ly_month: String,
    pub by_class: Vec<Versus>,
    pub total: Versus,
    pub by_county: Vec<Versus>,
    pub top_brands: Vec<Versus>,
    pub retailers: i64,
    pub people: Vec<Count>,
}

pub async fn center_home(app: &App, user: &CurrentUser) -> AppResult<CenterHome> {
    let m = last_complete_month(app).await?;
    let key = format!("center_home:{}:{m}", user.id);
    app.cache
        .get_or_try(key, || compute_center_home(app, user, m))
        .await
}

/// The center's home, and a county director's or monopoly officer's over their county only:
/// every figure is of the person's scope (a county role never sees company totals).
async fn compute_center_home(app: &App, user: &CurrentUser, m: Month) -> AppResult<CenterHome> {
    let (ms, ly) = (m.to_string(), m.same_month_last_year().to_string());
    let scope = Scope::of(&app.db, user).await?.ids();
    let (by_class, total) = by_price_class(app, scope, m).await?;
    let units = store::repo::staff::org_units(&app.db).await?;
    let county_rows = sales::by_key(
        &app.db,
        scope,
        SalesKey::County,
        &[ms.clone(), ly.clone()],
        false,
    )
    .await?;
    let by_county = versus(&county_rows, &ms, &ly, |k| {
        units
            .iter()
            .find(|u| u.id.to_string() == k)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| k.to_string())
    });
    let staff = crate::staff::visible(app, user).await?;
    let people = Role::ALL
        .iter()
        .map(|r| Count {
            key: r.code().to_string(),
            label: r.zh().to_string(),
            count: staff.iter().filter(|s| s.role == r.code()).count() as i64,
        })
        .filter(|c| c.count > 0)
        .collect();
    let retailers = store::repo::retailer::count_by(&app.db, scope, GroupColumn::MarketType)
        .await?
        .iter()
        .map(|(_, c)| c)
        .sum();
    Ok(CenterHome {
        month: ms,
        ly_month: ly,
        by_class,
        total,
        by_county,
        top_brands: top_brands(app, scope, m, 10).await?,
        retailers,
        people,
    })
}

/// The home page of a person, by role: the page and the API show the same figures.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Home {
    Rep(RepHome),
    MarketManager(MarketManagerHome),
    BrandManager(BrandManagerHome),
    /// 营销中心, the administrator, the director and the monopoly officer see the company.
    Center(CenterHome),
}

/// The signed-in person's home figures, chosen by their role.
pub async fn home(app: &App, user: &CurrentUser) -> AppResult<Home> {
    Ok(match user.role {
        Role::AccountManager => Home::Rep(rep_home(app, user).await?),
        Role::MarketManager => Home::MarketManager(market_manager_home(app, user).await?),
        Role::BrandManager => Home::BrandManager(brand_manager_home(app, user).await?),
        Role::MarketingCenter | Role::Admin | Role::MarketingDirector | Role::MonopolyOfficer => {
            Home::Center(center_home(app, user).await?)
        }
    })
}
