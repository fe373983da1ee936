//! 精益营销 KPIs per role (domain.md §6, §10): each KPI of a scope and month against its target
//! (or the same month last year where §6 sets none), its 13-month trend, and the drill-down
//! company → county department → market area → account manager → retailer. Figures come from
//! the roll-ups (`store::repo::kpi`: `sales_cell`, `sales_reach`; the accuracy roll-up), the
//! formulas from `domain::kpi`; 新品上柜率 from the listing programmes' targets (`app::new_sku`).
//!
//! Who sees what: a rep their own figures and their retailers; a market manager their area and
//! each of its reps; a county director (and monopoly officer) their county; the marketing center,
//! brand managers and the administrator everything.
use crate::access::Names;
use crate::access::{CurrentUser, Scope};
use crate::{App, AppError, AppResult};
use domain::Month;
use domain::kpi::{Kpi, KpiSums};
use domain::org::OrgKind;
use serde::Serialize;
use std::collections::HashMap;
use store::repo::ScopeIds;
use store::repo::kpi::{self as repo, Cut, Place, PlaceMonth};
use store::repo::listing::ListingPlace;

/// A place of the drill-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum KpiScope {
    Company,
    County(i64),
    Area(i64),
    Rep(i64),
    Retailer(i64),
}

impl KpiScope {
    /// `company`, `county:ID`, `area:ID`, `rep:ID`, `retailer:ID`.
    pub fn parse(s: &str) -> AppResult<KpiScope> {
        let bad = || AppError::invalid("scope", format!("「{s}」不是有效的范围（如 county:3）"));
        if s.trim() == "company" {
            return Ok(KpiScope::Company);
        }
        let (kind, id) = s.trim().split_once(':').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        Ok(match kind {
            "county" => KpiScope::County(id),
            "area" => KpiScope::Area(id),
            "rep" => KpiScope::Rep(id),
            "retailer" => KpiScope::Retailer(id),
            _ => return Err(bad()),
        })
    }

    pub fn key(self) -> String {
        match self {
            KpiScope::Company => "company".into(),
            KpiScope::County(i) => format!("county:{i}"),
            KpiScope::Area(i) => format!("area:{i}"),
            KpiScope::Rep(i) => format!("rep:{i}"),
            KpiScope::Retailer(i) => format!("retailer:{i}"),
        }
    }

    fn of(s: Scope) -> KpiScope {
        match s {
            Scope::Rep(i) => KpiScope::Rep(i),
            Scope::Area(i) => KpiScope::Area(i),
            Scope::County(i) => KpiScope::County(i),
            Scope::Company => KpiScope::Company,
        }
    }

    fn ids(self) -> ScopeIds {
        match self {
            KpiScope::Company | KpiScope::Retailer(_) => ScopeIds::default(),
            KpiScope::County(i) => ScopeIds {
                county_id: Some(i),
                ..ScopeIds::default()
            },
            KpiScope::Area(i) => ScopeIds {
                area_id: Some(i),
                ..ScopeIds::default()
            },
            KpiScope::Rep(i) => ScopeIds {
                rep_id: Some(i),
                ..ScopeIds::default()
            },
        }
    }

    /// The level below, for the drill-down.
    fn child_place(self) -> Option<Place> {
        match self {
            KpiScope::Company => Some(Place::County),
            KpiScope::County(_) => Some(Place::Area),
            KpiScope::Area(_) => Some(Place::Rep),
            KpiScope::Rep(_) | KpiScope::Retailer(_) => None,
        }
    }
}

/// Where a scope sits: its (county, area, rep) as far as they apply.
async fn lineage(app: &App, s: KpiScope) -> AppResult<Lineage> {
    let not_found = || AppError::NotFound("该范围不存在".into());
    Ok(match s {
        KpiScope::Company => (None, None, None),
        KpiScope::County(c) => {
            let u = store::repo::staff::org_unit(&app.db, c)
                .await?
                .filter(|u| u.kind == OrgKind::County.code())
                .ok_or_else(not_found)?;
            (Some(u.id), None, None)
        }
        KpiScope::Area(a) => {
            let u = store::repo::staff::org_unit(&app.db, a)
                .await?
                .filter(|u| u.kind == OrgKind::Area.code())
                .ok_or_else(not_found)?;
            (u.parent_id, Some(u.id), None)
        }
        KpiScope::Rep(r) => {
            let s = store::repo::staff::by_id(&app.db, r)
                .await?
                .filter(|s| s.role == domain::org::Role::AccountManager.code())
                .ok_or_else(not_found)?;
            let area = s.org_unit_id;
            let county = match area {
                Some(a) => store::repo::staff::org_unit(&app.db, a)
                    .await?
                    .and_then(|u| u.parent_id),
                None => None,
            };
            (county, area, Some(s.id))
        }
        KpiScope::Retailer(id) => {
            let r = store::repo::retailer::by_id(&app.db, id)
                .await?
                .ok_or_else(not_found)?;
            (Some(r.county_id), Some(r.area_id), r.account_manager_id)
        }
    })
}

/// Where a scope sits: (county, area, rep) as far as they apply.
type Lineage = (Option<i64>, Option<i64>, Option<i64>);

/// The scope asked for (default: the person's own) if inside the person's own (else 403), with
/// the person's own scope and where the asked one sits.
async fn allowed(
    app: &App, user: &CurrentUser, asked: Option<&str>,
) -> AppResult<(KpiScope, KpiScope, Lineage)> {
    let own = KpiScope::of(Scope::of(&app.db, user).await?);
    let s = match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(asked) => KpiScope::parse(asked)?,
        None => own,
    };
    let (county, area, rep) = lineage(app, s).await?;
    let ok = match own {
        KpiScope::Company => true,
        KpiScope::County(c) => county == Some(c),
        KpiScope::Area(a) => area == Some(a),
        KpiScope::Rep(r) => rep == Some(r) && !matches!(s, KpiScope::Area(_) | KpiScope::County(_)),
        KpiScope::Retailer(_) => false,
    };
    if ok || s == own {
        Ok((s, own, (county, area, rep)))
    } else {
        Err(AppError::Forbidden("该范围不在您的辖区内".into()))
    }
}

/// A place's label.
/// The names of the org units and the reps, read once per page.
async fn names(app: &App) -> AppResult<Names> {
    Names::load(&app.db).await
}

async fn label(app: &App, n: &Names, s: KpiScope) -> AppResult<String> {
    Ok(match s {
        KpiScope::Company => "全公司".into(),
        KpiScope::County(i) | KpiScope::Area(i) => {
            n.units.get(&i).cloned().unwrap_or_else(|| i.to_string())
        }
        KpiScope::Rep(i) => n.reps.get(&i).cloned().unwrap_or_else(|| i.to_string()),
        KpiScope::Retailer(i) => store::repo::retailer::by_id(&app.db, i).await?.map_or_else(
            || i.to_string(),
            |r| format!("{}（{}）", r.name, r.customer_code),
        ),
    })
}

fn sums_of(row: Option<&PlaceMonth>, active: i64, accuracy: Option<f64>) -> KpiSums {
    let r = row.cloned().unwrap_or_default();
    KpiSums {
        qty: r.qty,
        amount_fen: r.amount_fen,
        demanded: r.demanded,
        key_qty: r.key_qty,
        class12_qty: r.class12_qty,
        buyers: r.buyers,
        active,
        accuracy,
        demand_retailers: r.demand_retailers,
        prev3_buyers: r.prev3_buyers,
        listing_targets: 0,
        listing_listed: 0,
        survey_revenue_fen: 0,
        survey_margin_fen: 0,
    }
}

/// The weighted forecast accuracy `1 − Σ|A − F| / ΣA` (§5.2) per (place, month) of a scope's
/// closed months, from the accuracy roll-up.
async fn accuracy_of(
    app: &App, s: KpiScope, place: Place, months: &[String],
) -> AppResult<HashMap<(i64, String), f64>> {
    if matches!(s, KpiScope::Retailer(_)) {
        return Ok(HashMap::new());
    }
    Ok(repo::accuracy_months(&app.db, s.ids(), place, months)
        .await?
        .into_iter()
        .filter(|(_, _, _, actual)| *actual > 0)
        .map(|(p, m, err, actual)| ((p, m), 1.0 - err as f64 / actual as f64))
        .collect())
}

/// Whether a KPI is given under a cut.
fn applies(k: Kpi, cut: Cut<'_>) -> bool {
    match cut {
        Cut::All => true,
        Cut::Brand(_) => k.applies_to_brand(),
        Cut::Sku(_) => k.applies_to_sku(),
    }
}

/// A cut's months of a scope grouped by `place`.
async fn cut_months(
    app: &App, s: KpiScope, place: Place, ms: &[String], cut: Cut<'_>,
) -> AppResult<Vec<PlaceMonth>> {
    Ok(match cut {
        Cut::All => repo::place_months(&app.db, s.ids(), place, ms).await?,
        Cut::Brand(b) => repo::brand_months(&app.db, s.ids(), place, ms, b).await?,
        Cut::Sku(p) => repo::sku_months(&app.db, s.ids(), place, ms, p).await?,
    })
}

/// One scope's months (of the cut's SKUs).
async fn months_of(
    app: &App, s: KpiScope, months: &[Month], cut: Cut<'_>,
) -> AppResult<Vec<KpiSums>> {
    let ms: Vec<String> = months.iter().map(Month::to_string).collect();
    let (rows, active) = match s {
        KpiScope::Retailer(id) => {
            let rows = repo::retailer_months(&app.db, None, Some(id), &ms, cut).await?;
            (rows, 1)
        }
        _ => {
            let rows = cut_months(app, s, Place::Company, &ms, cut).await?;
            let active = repo::active_by_place(&app.db, s.ids(), Place::Company)
                .await?
                .first()
                .map_or(0, |(_, n)| *n);
            (rows, active)
        }
    };
    let acc = match cut {
        Cut::All => accuracy_of(app, s, Place::Company, &ms).await?,
        _ => HashMap::new(),
    };
    let (ids, retailer) = match s {
        KpiScope::Retailer(id) => (ScopeIds::default(), Some(id)),
        _ => (s.ids(), None),
    };
    let listing = crate::new_sku::kpi_months(app, ids, retailer, months, cut).await?;
    let margin = match cut {
        Cut::All => crate::profit::kpi_months(app, ids, retailer, months).await?,
        _ => vec![(0, 0); months.len()],
    };
    Ok(ms
        .iter()
        .zip(listing)
        .zip(margin)
        .map(|((m, (targets, listed)), (revenue, margin))| KpiSums {
            listing_targets: targets,
            listing_listed: listed,
            survey_revenue_fen: revenue,
            survey_margin_fen: margin,
            ..sums_of(
                rows.iter().find(|r| &r.month == m),
                active,
                acc.get(&(0, m.clone())).copied(),
            )
        })
        .collect())
}

/// A KPI of the scope's month: value, last year's, the target and the verdict, the trend.
#[derive(Debug, Clone, Serialize)]
pub struct KpiLine {
    pub code: &'static str,
    pub name: &'static str,
    pub unit: &'static str,
    pub formula: &'static str,
    pub value: Option<f64>,
    pub last_year: Option<f64>,
    pub target: Option<f64>,
    /// At or above the target (or last year's where there is no target).
    pub good: Option<bool>,
    /// The last 13 months, oldest first: (YYYY-MM, value).
    pub trend: Vec<(String, Option<f64>)>,
    /// False for a KPI that has no meaning under the brand or SKU cut.
    pub applies: bool,
}

/// A place one level down with its KPIs of the month (in the order of [`Kpi::ALL`]).
#[derive(Debug, Clone, Serialize)]
pub struct KpiChild {
    pub scope: String,
    pub label: String,
    pub values: Vec<Option<f64>>,
    pub sums: KpiSums,
}

/// The KPI page of a scope and month.
#[derive(Debug, Clone, Serialize)]
pub struct KpiView {
    pub month: String,
    pub scope: String,
    pub label: String,
    /// The path from the person's own scope down to this one: (scope, label).
    pub path: Vec<(String, String)>,
    pub kpis: Vec<KpiLine>,
    pub sums: KpiSums,
    /// One level down (none below a retailer).
    pub child_level: Option<&'static str>,
    pub children: Vec<KpiChild>,
    /// The KPI names in column order.
    pub columns: Vec<(&'static str, &'static str)>,
    /// 标杆终端 per rep of the scope against the target (§10; a rep's or an area's scope).
    pub benchmarks: Vec<crate::benchmark::RepCount>,
    /// The brand cut: the figures of this brand's SKUs only (the KPIs that do not apply to one
    /// brand have no value).
    pub brand: Option<String>,
    /// The brands to cut by.
    pub brands: Vec<String>,
    /// The SKU cut: (SKU code, brand and name).
    pub sku: Option<(String, String)>,
}

/// The KPIs of `scope` (default: the person's own) in month `m` (default: the last complete).
pub async fn page(
    app: &App, user: &CurrentUser, scope: Option<&str>, m: Option<Month>, brand: Option<&str>,
    sku: Option<&str>,
) -> AppResult<KpiView> {
    let (s, own, (county, area, rep)) = allowed(app, user, scope).await?;
    let brands = store::repo::cultivation::all_brands(&app.db).await?;
    let brand = brand.map(str::trim).filter(|b| !b.is_empty());
    let sku = sku.map(str::trim).filter(|c| !c.is_empty());
    if let Some(b) = brand
        && !brands.iter().any(|x| x == b)
    {
        return Err(AppError::invalid("brand", format!("品牌「{b}」不存在")));
    }
    let product = match sku {
        Some(code) => {
            if brand.is_some() {
                return Err(AppError::invalid("sku", "按品牌与按规格只能选一个"));
            }
            Some(
                store::repo::product::by_code(&app.db, code)
                    .await?
                    .ok_or_else(|| AppError::invalid("sku", format!("规格 {code} 不存在")))?,
            )
        }
        None => None,
    };
    let cut = match (brand, &product) {
        (Some(b), _) => Cut::Brand(b),
        (None, Some(p)) => Cut::Sku(p.id),
        (None, None) => Cut::All,
    };
    let applies = |k: &Kpi| applies(*k, cut);
    let last = crate::retailers::last_complete_month(app).await?;
    let m = m.unwrap_or(last);
    if m > last {
        return Err(AppError::invalid(
            "month",
            format!("{m} 尚未结束，最近的完整月份是 {last}"),
        ));
    }
    let policy = app.policy().await?;
    let trend_months: Vec<Month> = (0..domain::kpi::TREND_MONTHS as i32)
        .rev()
        .map(|k| m.plus(-k))
        .collect();
    let ly = m.same_month_last_year();
    let mut all = trend_months.clone();
    if !all.contains(&ly) {
        all.insert(0, ly);
    }
    let sums = months_of(app, s, &all, cut).await?;
    let at = |month: Month| all.iter().position(|x| *x == month).map(|i| sums[i]);
    let cur = at(m).unwrap_or_default();
    let prev_year = at(ly).unwrap_or_default();
    let kpis = Kpi::ALL
        .iter()
        .map(|k| {
            let value = k.value(&cur).filter(|_| applies(k));
            let last_year = k.value(&prev_year).filter(|_| applies(k));
            KpiLine {
                code: k.code(),
                name: k.zh(),
                unit: k.unit(),
                formula: k.formula(),
                value,
                last_year,
                target: k.target(&policy.kpi_targets),
                good: k.good(value, last_year, &policy.kpi_targets),
                applies: applies(k),
                trend: trend_months
                    .iter()
                    .map(|t| {
                        let v = at(*t).and_then(|x| k.value(&x)).filter(|_| applies(k));
                        (t.to_string(), v)
                    })
                    .collect(),
            }
        })
        .collect();
    let n = names(app).await?;
    let children = children(app, &n, s, m, cut).await?;
    // The path from the person's own scope down.
    let mut chain = vec![KpiScope::Company];
    chain.extend(county.map(KpiScope::County));
    chain.extend(area.map(KpiScope::Area));
    chain.extend(rep.map(KpiScope::Rep));
    if let KpiScope::Retailer(_) = s {
        chain.push(s);
    }
    let from = chain.iter().position(|c| *c == own).unwrap_or(0);
    let mut path = Vec::new();
    for c in &chain[from..] {
        path.push((c.key(), label(app, &n, *c).await?));
    }
    Ok(KpiView {
        month: m.to_string(),
        scope: s.key(),
        label: label(app, &n, s).await?,
        path,
        kpis,
        sums: cur,
        child_level: match s {
            KpiScope::Company => Some("县级营销部"),
            KpiScope::County(_) => Some("市场部"),
            KpiScope::Area(_) => Some("客户经理"),
            KpiScope::Rep(_) => Some("零售客户"),
            KpiScope::Retailer(_) => None,
        },
        children,
        columns: Kpi::ALL.iter().map(|k| (k.code(), k.zh())).collect(),
        benchmarks: match s {
            KpiScope::Rep(_) | KpiScope::Area(_) => {
                crate::benchmark::rep_counts(app, s.ids()).await?
            }
            _ => Vec::new(),
        },
        brand: brand.map(String::from),
        brands,
        sku: product.map(|p| (p.sku_code, format!("{} {}", p.brand, p.spec_name))),
    })
}

/// The places one level down with their month (of the cut's SKUs).
async fn children(
    app: &App, n: &Names, s: KpiScope, m: Month, cut: Cut<'_>,
) -> AppResult<Vec<KpiChild>> {
    let ms = [m.to_string()];
    let values = |x: &KpiSums| {
        Kpi::ALL
            .iter()
            .map(|k| k.value(x).filter(|_| applies(*k, cut)))
            .collect()
    };
    if let KpiScope::Rep(rep) = s {
        let rows = repo::retailer_months(&app.db, Some(rep), None, &ms, cut).await?;
        let retailers = store::repo::retailer::of_rep(&app.db, rep).await?;
        let listing =
            crate::new_sku::kpi_children(app, s.ids(), ListingPlace::Retailer, m, cut).await?;
        let margin = match cut {
            Cut::All => crate::profit::kpi_children(app, s.ids(), "retailer_id", m).await?,
            _ => HashMap::new(),
        };
        let mut out: Vec<KpiChild> = retailers
            .into_iter()
            .map(|r| {
                let (targets, listed) = listing.get(&r.id).copied().unwrap_or_default();
                let (revenue, margin) = margin.get(&r.id).copied().unwrap_or_default();
                let sums = KpiSums {
                    listing_targets: targets,
                    listing_listed: listed,
                    survey_revenue_fen: revenue,
                    survey_margin_fen: margin,
                    ..sums_of(rows.iter().find(|x| x.place == r.id), 1, None)
                };
                KpiChild {
                    scope: KpiScope::Retailer(r.id).key(),
                    label: format!("{}（{}）", r.name, r.customer_code),
                    values: values(&sums),
                    sums,
                }
            })
            .collect();
        out.sort_by_key(|c| std::cmp::Reverse(c.sums.qty));
        return Ok(out);
    }
    let Some(place) = s.child_place() else {
        return Ok(Vec::new());
    };
    let rows = cut_months(app, s, place, &ms, cut).await?;
    let acc = match cut {
        Cut::All => accuracy_of(app, s, place, &ms).await?,
        _ => HashMap::new(),
    };
    let active: HashMap<i64, i64> = repo::active_by_place(&app.db, s.ids(), place)
        .await?
        .into_iter()
        .collect();
    let by = match place {
        Place::County => ListingPlace::County,
        Place::Area => ListingPlace::Area,
        _ => ListingPlace::Rep,
    };
    let listing = crate::new_sku::kpi_children(app, s.ids(), by, m, cut).await?;
    let margin = match cut {
        Cut::All => {
            let col = match place {
                Place::County => "county_id",
                Place::Area => "area_id",
                _ => "account_manager_id",
            };
            crate::profit::kpi_children(app, s.ids(), col, m).await?
        }
        _ => HashMap::new(),
    };
    let mut ids: Vec<i64> = active.keys().copied().collect();
    for r in &rows {
        if !ids.contains(&r.place) {
            ids.push(r.place);
        }
    }
    ids.sort_unstable();
    let mut out = Vec::new();
    for id in ids.into_iter().filter(|i| *i != 0) {
        let child = match place {
            Place::County => KpiScope::County(id),
            Place::Area => KpiScope::Area(id),
            _ => KpiScope::Rep(id),
        };
        let (targets, listed) = listing.get(&id).copied().unwrap_or_default();
        let (revenue, margin) = margin.get(&id).copied().unwrap_or_default();
        let sums = KpiSums {
            listing_targets: targets,
            listing_listed: listed,
            survey_revenue_fen: revenue,
            survey_margin_fen: margin,
            ..sums_of(
                rows.iter().find(|r| r.place == id),
                active.get(&id).copied().unwrap_or(0),
                acc.get(&(id, ms[0].clone())).copied(),
            )
        };
        out.push(KpiChild {
            scope: child.key(),
            label: label(app, n, child).await?,
            values: values(&sums),
            sums,
        });
    }
    Ok(out)
}
