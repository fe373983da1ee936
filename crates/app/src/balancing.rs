//! 修正平衡 (domain.md §4.5, days 17–20) and ⑤ feedback (days 21–25): the marketing center enters
//! next month's supply per SKU (form or Excel), runs the allocation engine's balancing over the
//! submitted forecasts, reviews and publishes in one transaction; reps then feed the balanced
//! figures back retailer by retailer.
use crate::{App, AppError, AppResult, CurrentUser, Scope};
use domain::Month;
use domain::org::Role;
use serde::Serialize;
use std::collections::BTreeMap;
use store::audit;
use store::repo::forecasts as frepo;
use store::repo::supply::{self as repo, Line};

/// One supply line as entered; `row` names it in messages (`lines[3]`, `第 5 行`).
#[derive(Debug, Clone)]
pub struct SupplyInput {
    pub row: String,
    pub sku: String,
    pub quantity: i64,
}

/// Refuse (409) when the month's balancing is published; in the caller's write transaction,
/// with the run's row locked, so a publication cannot come between the check and the write.
async fn ensure_not_published(tx: &mut store::Tx, m: &str) -> AppResult<()> {
    if repo::run_state_locked(tx, m)
        .await?
        .is_some_and(|s| s == "PUBLISHED")
    {
        return Err(AppError::Conflict(format!(
            "{m} 的修正平衡已发布，货源与平衡结果已锁定"
        )));
    }
    Ok(())
}

/// Enter supply for SKUs of `target`: every line is checked before anything is written, then all
/// are written in one transaction (each change traced). Returns the number of SKUs changed.
pub async fn set_supply(
    app: &App, user: &CurrentUser, target: Month, lines: &[SupplyInput],
) -> AppResult<usize> {
    user.require(&[Role::MarketingCenter, Role::Admin])?;
    let m = target.to_string();
    if lines.is_empty() {
        return Err(AppError::invalid("lines", "没有货源数据"));
    }
    let mut checked = Vec::with_capacity(lines.len());
    let mut seen = std::collections::HashSet::new();
    let limits = app.policy().await?.limits;
    crate::limits::lines(&limits, "lines", lines.len())?;
    for l in lines {
        crate::limits::quantity(l.row.clone(), l.quantity, limits.max_supply_qty)?;
        let p = store::repo::product::by_code(&app.db, l.sku.trim())
            .await?
            .ok_or_else(|| {
                AppError::invalid(l.row.clone(), format!("卷烟规格 {} 不存在", l.sku.trim()))
            })?;
        if !seen.insert(p.id) {
            return Err(AppError::invalid(
                l.row.clone(),
                format!("卷烟规格 {} 重复", p.sku_code),
            ));
        }
        checked.push((p, l.quantity));
    }
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    ensure_not_published(&mut tx, &m).await?;
    let mut changed = 0;
    for (p, q) in &checked {
        let before = repo::get(&mut tx, &m, p.id).await?;
        if before == Some(*q) {
            continue;
        }
        repo::put(&mut tx, &m, p.id, *q, user.id, now).await?;
        audit::record(
            &mut tx,
            &user.actor(),
            "supply.put",
            "supply_plan",
            &format!("{m}/{}", p.sku_code),
            before.as_ref(),
            Some(q),
        )
        .await?;
        changed += 1;
    }
    tx.commit().await?;
    Ok(changed)
}

/// Read an Excel sheet of supply: a header row with 卷烟规格代码 (or `sku`) and 货源量 (or
/// `quantity`), then one SKU per row. A bad row is named (`第 N 行`) and nothing is written.
/// Supply from an Excel file (header 卷烟规格代码, 货源量), all rows or none: the page's upload and
/// the API's. Returns (SKUs changed, rows read).
pub async fn upload_supply(
    app: &App, user: &CurrentUser, target: Month, bytes: &[u8],
) -> AppResult<(usize, usize)> {
    user.require(&[Role::MarketingCenter, Role::Admin])?;
    let limits = app.policy().await?.limits;
    let lines = parse_supply_xlsx(bytes, limits.max_lines.saturating_add(1))?;
    let changed = set_supply(app, user, target, &lines).await?;
    Ok((changed, lines.len()))
}

/// The supply sheet's lines: a header row naming the SKU code and quantity columns, then one SKU
/// per row, at most `max_rows` rows (read by [`crate::xlsx_in`], never trusting the sheet's
/// declared size).
pub fn parse_supply_xlsx(bytes: &[u8], max_rows: usize) -> AppResult<Vec<SupplyInput>> {
    use calamine::Data;
    let sheet = crate::xlsx_in::first_sheet_rows(bytes, max_rows)?;
    let mut rows = sheet.iter();
    let header = rows
        .next()
        .ok_or_else(|| AppError::invalid("第 1 行", "缺少表头"))?;
    let col = |names: &[&str]| {
        header.iter().position(|c| {
            let t = c.to_string();
            names.iter().any(|n| t.trim().eq_ignore_ascii_case(n))
        })
    };
    let sku_col = col(&["卷烟规格代码", "规格代码", "sku"])
        .ok_or_else(|| AppError::invalid("第 1 行", "表头缺少“卷烟规格代码”列"))?;
    let qty_col = col(&["货源量", "quantity", "supply"])
        .ok_or_else(|| AppError::invalid("第 1 行", "表头缺少“货源量”列"))?;
    let mut out = Vec::new();
    for (i, r) in rows.enumerate() {
        let row = format!("第 {} 行", i + 2);
        let sku = r.get(sku_col).map(|c| c.to_string()).unwrap_or_default();
        let qty_cell = r.get(qty_col).cloned().unwrap_or(Data::Empty);
        if sku.trim().is_empty() && matches!(qty_cell, Data::Empty) {
            continue;
        }
        if sku.trim().is_empty() {
            return Err(AppError::invalid(row, "卷烟规格代码为空"));
        }
        let quantity = match qty_cell {
            Data::Int(v) => v,
            Data::Float(f) if f.fract() == 0.0 && f >= 0.0 => f as i64,
            Data::String(s) => s.trim().parse::<i64>().map_err(|_| {
                AppError::invalid(row.clone(), format!("货源量“{s}”不是整数（条）"))
            })?,
            other => {
                return Err(AppError::invalid(
                    row,
                    format!("货源量“{other}”不是整数（条）"),
                ));
            }
        };
        out.push(SupplyInput {
            row,
            sku: sku.trim().to_string(),
            quantity,
        });
    }
    Ok(out)
}

/// Most flagged lines one review answers (the company's can run into thousands).
pub const MAX_FLAGGED_SHOWN: usize = 1_000;

/// The review of a run: per SKU, per tier, flagged retailers.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub month: String,
    pub state: String,
    pub skus: Vec<SkuReview>,
    pub tiers: Vec<TierReview>,
    /// The flagged lines, the largest cuts first, at most [`MAX_FLAGGED_SHOWN`].
    pub flagged: Vec<store::repo::supply::LineView>,
    /// How many lines are flagged in all.
    pub flagged_total: usize,
    pub retailers: usize,
    pub lines: usize,
    /// SKUs forecast but without supply entered: kept at their forecasts.
    pub skus_without_supply: Vec<String>,
    /// Tier-quota ladders that held tight SKUs (§4.3 within §4.5).
    pub ladders: Vec<Ladder>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkuReview {
    pub sku: String,
    pub supply: Option<i64>,
    pub demand: i64,
    pub total: i64,
    pub cut: i64,
    pub retailers: usize,
    pub flagged: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TierReview {
    pub tier: i64,
    pub forecast: i64,
    pub final_qty: i64,
    pub cut_share: Option<f64>,
}

/// Run the balancing of `target` over the submitted forecasts (allocate::balance per SKU) and
/// keep it as a draft for review. Replaces an earlier draft; refused once published.
pub async fn run(app: &App, user: &CurrentUser, target: Month) -> AppResult<Review> {
    user.require(&[Role::MarketingCenter, Role::Admin])?;
    let m = target.to_string();
    if repo::run(&app.db, &m)
        .await?
        .is_some_and(|r| r.state == "PUBLISHED")
    {
        // Early, to spare the engine; checked again where the run is written.
        return Err(AppError::Conflict(format!(
            "{m} 的修正平衡已发布，货源与平衡结果已锁定"
        )));
    }
    let policy = app.policy().await?;
    let cfg = allocate::balance::BalanceConfig {
        flag_threshold_bp: (policy.forecast.balance_flag_cut_share * 10_000.0)
            .round()
            .max(0.0) as u64,
    };
    let supply: BTreeMap<i64, i64> = repo::list(&app.db, &m)
        .await?
        .into_iter()
        .map(|s| (s.product_id, s.quantity))
        .collect();
    let t0 = std::time::Instant::now();
    let forecasts = repo::submitted(&app.db, &m).await?;
    let t_fetch = t0.elapsed().as_secs_f64();
    if forecasts.is_empty() {
        return Err(AppError::Conflict(format!(
            "{m} 还没有已提交的预测可供平衡"
        )));
    }
    let skus: BTreeMap<i64, SkuInfo> = store::repo::product::list(&app.db, &Default::default())
        .await?
        .into_iter()
        .map(|p| {
            let info = SkuInfo {
                tight: p.supply_status == domain::product::SupplyStatus::Tight.code(),
                mode: domain::product::AllocationMode::parse(&p.allocation_mode)
                    .unwrap_or(domain::product::AllocationMode::UniformByTier),
                sku: p.sku_code,
            };
            (p.id, info)
        })
        .collect();
    let county_names = org_names(app).await?;
    let Balanced { lines, ladders } = balance_lines(
        &forecasts,
        &supply,
        &skus,
        &county_names,
        &policy.allocation,
        &cfg,
    )?;
    let t_engine = t0.elapsed().as_secs_f64();
    let ladders_json =
        serde_json::to_string(&ladders).map_err(|e| AppError::invalid("ladders", e.to_string()))?;
    let mut tx = app.db.begin().await?;
    ensure_not_published(&mut tx, &m).await?;
    repo::replace_run(
        &mut tx,
        &m,
        &lines,
        Some(&ladders_json),
        user.id,
        app.clock.now(),
    )
    .await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "balance.run",
        "balance_run",
        &m,
        None::<&()>,
        Some(&serde_json::json!({"lines": lines.len(), "skus_with_supply": supply.len(), "tier_ladders": ladders.len()})),
    )
    .await?;
    tx.commit().await?;
    let t_write = t0.elapsed().as_secs_f64();
    let r = review(app, user, target).await;
    tracing::debug!(
        "balance timing: fetch {t_fetch:.1}s engine {:.1}s write {:.1}s review {:.1}s",
        t_engine - t_fetch,
        t_write - t_engine,
        t0.elapsed().as_secs_f64() - t_write
    );
    r
}

/// What balancing needs to know of a SKU (domain.md §3.3 supply status and §4.2 mode).
#[derive(Debug, Clone)]
pub struct SkuInfo {
    pub sku: String,
    pub tight: bool,
    pub mode: domain::product::AllocationMode,
}

/// One tier of a ladder: its forecasting retailers and the per-retailer cap (条).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LadderTier {
    pub tier: i64,
    pub retailers: u64,
    pub cap: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LadderSubmarket {
    pub name: String,
    /// Tiers 30 → 1 that have forecasting retailers.
    pub tiers: Vec<LadderTier>,
}

impl LadderSubmarket {
    /// The ladder as runs of equal caps, tiers 30 → 1: `[("30", 5), ("29–9", 1), ("8–1", 0)]`.
    pub fn runs(&self) -> Vec<(String, u64)> {
        let mut out: Vec<(i64, i64, u64)> = Vec::new();
        for t in &self.tiers {
            match out.last_mut() {
                Some(last) if last.2 == t.cap => last.1 = t.tier,
                _ => out.push((t.tier, t.tier, t.cap)),
            }
        }
        out.into_iter()
            .map(|(a, b, c)| {
                if a == b {
                    (format!("{a}"), c)
                } else {
                    (format!("{a}–{b}"), c)
                }
            })
            .collect()
    }

    pub fn retailers(&self) -> u64 {
        self.tiers.iter().map(|t| t.retailers).sum()
    }
}

/// The tier-quota ladder (§4.3) a tight SKU was held to in balancing (§4.5): per sub-market of
/// its allocation mode, a non-increasing cap per tier. `planned_release` is the release the
/// ladder was solved for: the smallest found whose capped forecasts still take up the supply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Ladder {
    pub sku: String,
    pub mode: String,
    pub mode_label: String,
    pub supply: i64,
    pub demand: i64,
    pub planned_release: i64,
    pub submarkets: Vec<LadderSubmarket>,
    /// Why no ladder could be applied (then the SKU is balanced proportionally).
    pub note: Option<String>,
}

/// Lines of a run and the ladders applied.
#[derive(Debug, Clone)]
pub struct Balanced {
    pub lines: Vec<Line>,
    pub ladders: Vec<Ladder>,
}

/// Names of the organisation units (counties name the B1/B3 sub-markets).
async fn org_names(app: &App) -> AppResult<std::collections::HashMap<i64, String>> {
    Ok(store::repo::staff::org_units(&app.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// The sub-market of a retailer under a mode (§4.2); `None` for on-demand (C).
fn submarket_of(
    mode: domain::product::AllocationMode, f: &repo::Submitted,
    county_names: &std::collections::HashMap<i64, String>,
) -> Option<String> {
    use domain::product::AllocationMode as M;
    let county = || {
        county_names
            .get(&f.county_id)
            .cloned()
            .unwrap_or_else(|| format!("区县{}", f.county_id))
    };
    let market = || match f.market_type.as_str() {
        "URBAN" => "城网".to_string(),
        "RURAL" => "农网".to_string(),
        other => other.to_string(),
    };
    let label = |r: Result<&'static str, domain::ParseError>, raw: &str| {
        r.map(str::to_string).unwrap_or_else(|_| raw.to_string())
    };
    Some(match mode {
        M::UniformByTier => "全市".to_string(),
        M::ByTierCounty => county(),
        M::ByTierMarketType => market(),
        M::ByTierCountyMarketType => format!("{}·{}", county(), market()),
        M::ByTierUrbanRural => label(
            domain::retailer::UrbanRuralCode::parse(&f.urban_rural_code).map(|c| c.zh()),
            &f.urban_rural_code,
        ),
        M::ByTierFormat => label(
            domain::retailer::BusinessFormat::parse(&f.business_format).map(|c| c.zh()),
            &f.business_format,
        ),
        M::OnDemand => return None,
    })
}

fn engine_mode(m: domain::product::AllocationMode) -> allocate::tier_quota::AllocationMode {
    use allocate::tier_quota::AllocationMode as E;
    use domain::product::AllocationMode as M;
    match m {
        M::UniformByTier => E::A,
        M::ByTierCounty => E::B1,
        M::ByTierMarketType => E::B2,
        M::ByTierCountyMarketType => E::B3,
        M::ByTierUrbanRural => E::B4,
        M::ByTierFormat => E::B5,
        M::OnDemand => E::C,
    }
}

/// Each forecast's cap from a ladder (`None` where the forecast is 0).
type RetailerCaps = Vec<Option<u64>>;

/// The ladder for a tight SKU that is cut (Σf > S), §4.5 "clip to the tier quota ladder of
/// §4.3 … for each region": the exact tier-quota solver (`allocate::tier_quota`) over the
/// forecasting retailers per sub-market (the release split across sub-markets by their demand),
/// for the smallest release T′ ≥ S (bisection) at which Σ min(f, cap) still reaches S — the
/// tightest fair ladder that places the whole supply.
/// Returns the ladder and each forecast's cap (`None` where the forecast is 0).
fn tight_ladder(
    group: &[repo::Submitted], supply: u64, info: &SkuInfo,
    county_names: &std::collections::HashMap<i64, String>,
    qpolicy: &allocate::tier_quota::QuotaPolicy,
) -> Result<Option<(Ladder, RetailerCaps)>, allocate::AllocError> {
    use allocate::tier_quota::{QuotaProblem, Submarket, allocate as solve};
    let demand: u64 = group.iter().map(|f| f.quantity.max(0) as u64).sum();
    if demand <= supply {
        return Ok(None);
    }
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    let mut keys: Vec<Option<usize>> = Vec::with_capacity(group.len());
    for f in group {
        if f.quantity <= 0 {
            keys.push(None);
            continue;
        }
        let Some(name) = submarket_of(info.mode, f, county_names) else {
            return Ok(None);
        };
        let n = names.len();
        keys.push(Some(*names.entry(name).or_insert(n)));
    }
    // Each region's share of the release is its share of the demand, so every region's
    // ladder is as tight as the others'.
    let mut subs: Vec<Submarket> = vec![Submarket::new("", [0; allocate::TIERS]); names.len()];
    for (name, &i) in &names {
        subs[i].name = name.clone();
        subs[i].share = Some(0);
    }
    for (f, k) in group.iter().zip(&keys) {
        if let Some(i) = k {
            subs[*i].counts[(f.tier - 1).clamp(0, 29) as usize] += 1;
            if let Some(w) = subs[*i].share.as_mut() {
                *w += f.quantity as u64;
            }
        }
    }
    let problem = |t: u64| QuotaProblem {
        sku: info.sku.clone(),
        planned_release: t,
        mode: engine_mode(info.mode),
        submarkets: subs.clone(),
    };
    // Σ min(f, cap) under the ladder solved for release t.
    let placed =
        |t: u64| -> Result<(u64, allocate::tier_quota::QuotaSolution), allocate::AllocError> {
            let sol = solve(&problem(t), qpolicy)?;
            let table = sol.table();
            let g = group
                .iter()
                .zip(&keys)
                .filter_map(|(f, k)| {
                    k.map(|i| (f.quantity as u64).min(table[i][(f.tier - 1).clamp(0, 29) as usize]))
                })
                .sum();
            Ok((g, sol))
        };
    let (mut g_hi, mut sol_hi) = placed(supply)?;
    let mut hi = supply;
    if g_hi < supply {
        // find a release that places the supply, doubling from the demand
        let max_f = group
            .iter()
            .map(|f| f.quantity.max(0) as u64)
            .max()
            .unwrap_or(0);
        let n: u64 = keys.iter().flatten().count() as u64;
        let limit = max_f.saturating_mul(n).max(demand);
        let mut lo = supply;
        let mut t = demand.max(supply + 1);
        loop {
            let (g, sol) = placed(t)?;
            if g >= supply || t >= limit {
                (hi, g_hi, sol_hi) = (t, g, sol);
                break;
            }
            lo = t;
            t = t.saturating_mul(2).min(limit);
        }
        if g_hi >= supply {
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                let (g, sol) = placed(mid)?;
                if g >= supply {
                    (hi, sol_hi) = (mid, sol);
                } else {
                    lo = mid;
                }
            }
        }
    }
    let table = sol_hi.table();
    let caps = group
        .iter()
        .zip(&keys)
        .map(|(f, k)| k.map(|i| table[i][(f.tier - 1).clamp(0, 29) as usize]))
        .collect();
    let ladder = Ladder {
        sku: info.sku.clone(),
        mode: info.mode.code().to_string(),
        mode_label: info.mode.zh().to_string(),
        supply: supply as i64,
        demand: demand as i64,
        planned_release: hi as i64,
        submarkets: sol_hi
            .submarkets
            .iter()
            .map(|s| LadderSubmarket {
                name: s.name.clone(),
                tiers: s
                    .tiers
                    .iter()
                    .filter(|q| q.retailers > 0)
                    .map(|q| LadderTier {
                        tier: q.tier.get() as i64,
                        retailers: q.retailers,
                        cap: q.per_retailer.unwrap_or(0),
                    })
                    .collect(),
            })
            .collect(),
        note: None,
    };
    Ok(Some((ladder, caps)))
}

/// Pure part: submitted forecasts sorted by product, supply per product → one line per
/// forecast. A SKU without supply keeps its forecasts. A TIGHT SKU that is cut is first held to
/// its tier-quota ladder (see [`tight_ladder`]) when the policy says so.
pub fn balance_lines(
    forecasts: &[repo::Submitted], supply: &BTreeMap<i64, i64>, skus: &BTreeMap<i64, SkuInfo>,
    county_names: &std::collections::HashMap<i64, String>,
    policy: &domain::config::AllocationPolicy, cfg: &allocate::balance::BalanceConfig,
) -> AppResult<Balanced> {
    use rayon::prelude::*;
    let qpolicy = allocate::tier_quota::QuotaPolicy::default();
    let groups: Vec<&[repo::Submitted]> = forecasts
        .chunk_by(|a, b| a.product_id == b.product_id)
        .collect();
    // The ladders of tight SKUs (exact solver, bisection) in parallel, one SKU per task.
    let ladders_by_group: Vec<Option<(Ladder, RetailerCaps)>> = groups
        .par_iter()
        .map(|group| {
            let pid = group[0].product_id;
            let s = (*supply.get(&pid)?).max(0) as u64;
            let info = skus
                .get(&pid)
                .filter(|i| i.tight && policy.tight_tier_caps)?;
            match tight_ladder(group, s, info, county_names, &qpolicy) {
                Ok(found) => found,
                Err(e) => Some((
                    Ladder {
                        sku: info.sku.clone(),
                        mode: info.mode.code().to_string(),
                        mode_label: info.mode.zh().to_string(),
                        supply: s as i64,
                        demand: group.iter().map(|f| f.quantity.max(0)).sum(),
                        planned_release: 0,
                        submarkets: Vec::new(),
                        note: Some(format!("档位限量无法求解，已按比例平衡: {e}")),
                    },
                    vec![None; group.len()],
                )),
            }
        })
        .collect();
    let mut lines = Vec::with_capacity(forecasts.len());
    let mut ladders = Vec::new();
    for (group, found) in groups.into_iter().zip(ladders_by_group) {
        let pid = group[0].product_id;
        let Some(&s) = supply.get(&pid) else {
            lines.extend(group.iter().map(|f| Line {
                retailer_id: f.retailer_id,
                product_id: f.product_id,
                tier: f.tier,
                forecast_qty: f.quantity,
                final_qty: f.quantity,
                capped: false,
                flagged: false,
            }));
            continue;
        };
        let s = s.max(0) as u64;
        let caps = match found {
            Some((ladder, caps)) => {
                ladders.push(ladder);
                caps
            }
            None => vec![None; group.len()],
        };
        let mut retailers = Vec::with_capacity(group.len());
        for (f, cap) in group.iter().zip(&caps) {
            retailers.push(allocate::balance::BalanceRetailer {
                // Zero-padded so the engine's id tie-break follows the retailer id.
                id: format!("{:012}", f.retailer_id),
                tier: domain::Tier::new(f.tier)?,
                forecast: f.quantity.max(0) as u64,
                cap: *cap,
            });
        }
        let problem = allocate::balance::BalanceProblem {
            sku: pid.to_string(),
            supply: s,
            retailers,
            tier_caps: [None; allocate::TIERS],
        };
        let sol = allocate::balance::balance(&problem, cfg)
            .map_err(|e| AppError::invalid("balance", e.to_string()))?;
        for (f, a) in group.iter().zip(&sol.allocations) {
            lines.push(Line {
                retailer_id: f.retailer_id,
                product_id: f.product_id,
                tier: f.tier,
                forecast_qty: f.quantity,
                final_qty: a.final_qty as i64,
                capped: a.capped,
                flagged: a.flagged,
            });
        }
    }
    Ok(Balanced { lines, ladders })
}

/// A retailer's caps from the tier ladders of `target`'s balancing run (draft or published), per
/// SKU code: the cap of its tier in its sub-market, for the phone page. Empty before balancing.
pub async fn retailer_caps(
    app: &App, target: Month, r: &store::model::Retailer,
) -> AppResult<BTreeMap<String, u64>> {
    let Some(run) = repo::run(&app.db, &target.to_string()).await? else {
        return Ok(BTreeMap::new());
    };
    let ladders: Vec<Ladder> = run
        .ladders
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    if ladders.is_empty() {
        return Ok(BTreeMap::new());
    }
    let county_names = org_names(app).await?;
    let me = repo::Submitted {
        retailer_id: r.id,
        product_id: 0,
        tier: r.tier,
        quantity: 0,
        county_id: r.county_id,
        market_type: r.market_type.clone(),
        urban_rural_code: r.urban_rural_code.clone(),
        business_format: r.business_format.clone(),
    };
    let mut out = BTreeMap::new();
    for l in ladders {
        let Ok(mode) = domain::product::AllocationMode::parse(&l.mode) else {
            continue;
        };
        let Some(name) = submarket_of(mode, &me, &county_names) else {
            continue;
        };
        if let Some(t) = l
            .submarkets
            .iter()
            .filter(|s| s.name == name)
            .flat_map(|s| s.tiers.iter())
            .find(|t| t.tier == r.tier)
        {
            out.insert(l.sku.clone(), t.cap);
        }
    }
    Ok(out)
}

/// The review of the latest run of a month's balancing over the person's scope: per SKU and tier, the cut and the
/// flagged retailers of the company (center, brand manager), the area (market manager) or the
/// county (director).
pub async fn review(app: &App, user: &CurrentUser, target: Month) -> AppResult<Review> {
    user.require(&[
        Role::MarketingCenter,
        Role::Admin,
        Role::MarketManager,
        Role::MarketingDirector,
        Role::BrandManager,
    ])?;
    let m = target.to_string();
    let run = repo::run(&app.db, &m)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{m} 尚未运行修正平衡")))?;
    let supply: BTreeMap<String, i64> = repo::list(&app.db, &m)
        .await?
        .into_iter()
        .map(|s| (s.sku_code, s.quantity))
        .collect();
    // A market manager or county director reviews the lines of their own retailers only.
    let scope = crate::Scope::of(&app.db, user).await?.ids();
    let lines = repo::lines(&app.db, scope, &m).await?;
    let mut skus: BTreeMap<String, SkuReview> = BTreeMap::new();
    let mut tiers: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    let mut retailers = std::collections::HashSet::new();
    for l in &lines {
        retailers.insert(l.retailer_id);
        let e = skus.entry(l.sku_code.clone()).or_insert(SkuReview {
            sku: l.sku_code.clone(),
            supply: supply.get(&l.sku_code).copied(),
            demand: 0,
            total: 0,
            cut: 0,
            retailers: 0,
            flagged: 0,
        });
        e.demand += l.forecast_qty;
        e.total += l.final_qty;
        e.cut += l.forecast_qty - l.final_qty;
        e.retailers += 1;
        e.flagged += usize::from(l.flagged);
        let t = tiers.entry(l.tier).or_default();
        t.0 += l.forecast_qty;
        t.1 += l.final_qty;
    }
    let skus_without_supply = skus
        .values()
        .filter(|s| s.supply.is_none())
        .map(|s| s.sku.clone())
        .collect();
    Ok(Review {
        month: m,
        state: run.state,
        skus: skus.into_values().collect(),
        tiers: tiers
            .into_iter()
            .rev()
            .map(|(tier, (f, fin))| TierReview {
                tier,
                forecast: f,
                final_qty: fin,
                cut_share: (f > 0).then(|| (f - fin) as f64 / f as f64),
            })
            .collect(),
        flagged: {
            let mut f: Vec<_> = lines.iter().filter(|l| l.flagged).cloned().collect();
            f.sort_by_key(|l| std::cmp::Reverse(l.forecast_qty - l.final_qty));
            f.truncate(MAX_FLAGGED_SHOWN);
            f
        },
        flagged_total: lines.iter().filter(|l| l.flagged).count(),
        retailers: retailers.len(),
        lines: lines.len(),
        skus_without_supply,
        ladders: run
            .ladders
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default(),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct PublishOut {
    pub month: String,
    pub written: u64,
    pub already_published: bool,
}

/// Publish the draft run: each retailer's balanced figure written to its forecast record in one
/// transaction. A second publish changes nothing.
pub async fn publish(app: &App, user: &CurrentUser, target: Month) -> AppResult<PublishOut> {
    user.require(&[Role::MarketingCenter, Role::Admin])?;
    let m = target.to_string();
    let mut tx = app.db.begin().await?;
    repo::run_state_locked(&mut tx, &m).await?;
    let run = repo::run_tx(&mut tx, &m)
        .await?
        .ok_or_else(|| AppError::Conflict(format!("{m} 尚未运行修正平衡，无法发布")))?;
    if run.state == "PUBLISHED" {
        return Ok(PublishOut {
            month: m,
            written: 0,
            already_published: true,
        });
    }
    let written = repo::publish(&mut tx, &m, user.id, app.clock.now()).await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "balance.publish",
        "balance_run",
        &m,
        Some(&run),
        Some(&serde_json::json!({"written": written})),
    )
    .await?;
    tx.commit().await?;
    Ok(PublishOut {
        month: m,
        written,
        already_published: false,
    })
}

/// The retailers whose balanced figures the person's reps feed back.
pub async fn feedback_list(
    app: &App, user: &CurrentUser, target: Month,
) -> AppResult<Vec<frepo::FeedbackItem>> {
    let scope = Scope::of(&app.db, user).await?.ids();
    Ok(frepo::feedback_list(&app.db, scope, &target.to_string()).await?)
}

#[derive(Debug, Clone, Serialize)]
pub struct TickOut {
    pub retailer: String,
    pub ledger_qty: i64,
    pub newly_ticked: bool,
}

/// The rep ticks a retailer off: the balanced figure was fed back and recorded in its 动销台帐.
pub async fn tick(
    app: &App, user: &CurrentUser, target: Month, retailer_code: &domain::CustomerCode, note: &str,
) -> AppResult<TickOut> {
    user.require(&[Role::AccountManager])?;
    crate::limits::text(&app.policy().await?.limits, "text", note)?;
    let r = store::repo::retailer::by_code(&app.db, retailer_code.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("零售客户 {retailer_code} 不存在")))?;
    if r.account_manager_id != Some(user.id) {
        return Err(AppError::Forbidden(Scope::Rep(user.id).refusal().into()));
    }
    let m = target.to_string();
    let mut tx = app.db.begin().await?;
    let total = frepo::published_total(&mut tx, &m, r.id)
        .await?
        .ok_or_else(|| {
            AppError::Conflict(format!("{} 的 {m} 平衡后预测尚未发布", r.customer_code))
        })?;
    let newly = frepo::tick_feedback(
        &mut tx,
        &m,
        r.id,
        user.id,
        total,
        note.trim(),
        app.clock.now(),
    )
    .await?;
    if newly {
        audit::record(
            &mut tx,
            &user.actor(),
            "feedback.tick",
            "forecast_feedback",
            &format!("{m}/{}", r.customer_code),
            None::<&()>,
            Some(&serde_json::json!({"ledger_qty": total, "note": note.trim()})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(TickOut {
        retailer: r.customer_code,
        ledger_qty: total,
        newly_ticked: newly,
    })
}
