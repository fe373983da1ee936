//! 社会库存 (domain.md §6 retail_inventory, 存销比, 动销比, 客户断货率, 商业断货率; §7 ⑥ 库存采集;
//! the estimator and selection rules in `domain::inventory`).
//!
//! - **Sample design** by the marketing centre: strata from the policy (default 营销部 × 业态 ×
//!   档位段), n_h by Neyman or proportional allocation for the target relative error of the
//!   company total, with the purchases of the month before the first draw as the stock proxy
//!   (stocks follow purchases); a random selection from a recorded seed. One design is active;
//!   a new one retires the old.
//! - **Monthly draw**: each month's points are drawn from the previous month's with the policy's
//!   rotation share replaced; the month's standing points are the retailers' 信息采集点 flag.
//! - **The rep's confirmation**: each point is confirmed, or replaced (closed, unwilling) by the
//!   next retailer of the same stratum in the seed's order. Reporting confirms a pending point.
//! - **Collection**: per point and SKU stock, sales since the last collection, actual retail
//!   price and stock-out days — on the point's phone page (pre-filled with what it bought in
//!   the last three months) or as lines pasted or uploaded for many points at once (desk entry,
//!   the `samples` import). Stock above the policy's multiple of the month's purchases and a
//!   price off the suggested retail price are flagged for confirmation, not refused.
//! - **Restoration** per SKU, brand, price class, county and the company with the standard
//!   error and the 95 % interval; 存销比 against the policy's rational range; 动销比 and the
//!   stock-out rates per SKU; the 13-month trend of the company (or one SKU or brand).
//!
//! Who: every role but 专卖人员 reads the restored figures; the points list is the person's scope;
//! the rep of a point (their market manager, the centre, the admin) confirms, replaces and
//! reports; the centre and the admin design and draw.
use crate::access::{CurrentUser, Scope};
use crate::error::month_field;
use crate::products::by_id as products;
use crate::{App, AppError, AppResult};
use domain::Month;
use domain::config::InventoryPolicy;
use domain::inventory::{
    self as inv, Allocation, Estimate, PointStatus, StratumBy, StratumFrame, StratumSample,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use store::model::Product;
use store::repo::inventory::{
    self as repo, CountRow, DesignRow, FrameRow, NewDesign, PointRow, ReportLine, StratumRow,
};

use crate::access::CENTER as DESIGNERS;
use crate::access::FIELD_WRITERS as COLLECTORS;
use crate::access::MARKET_READERS as READERS;
/// Most points listed on the page (the rest are counted).
const POINTS_SHOWN: i64 = 600;
/// Most lines of one import.
const MAX_IMPORT_LINES: usize = 20_000;

/// A design as the centre asks for it; absent values take the policy's.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DesignInput {
    pub title: String,
    /// NEYMAN | PROPORTIONAL.
    pub allocation: Option<String>,
    pub target_rel_error_pct: Option<f64>,
    pub rotation_pct: Option<f64>,
    pub seed: Option<i64>,
    /// The first month drawn (this month when absent).
    pub month: Option<String>,
}

/// One SKU line of a report as typed (a price in 元/条).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LineInput {
    pub sku_code: String,
    pub stock: i64,
    pub sales: i64,
    pub retail_price: String,
    pub stockout_days: i64,
}

/// A point's report.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReportInput {
    pub lines: Vec<LineInput>,
    /// The collector has checked the flagged lines (high stock, price off the guide).
    pub confirm: bool,
}

/// Desk entry or an import: CSV lines 客户编码,卷烟代码,库存,销量,零售价(元/条),断货天数.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ImportInput {
    pub month: String,
    pub text: String,
    pub confirm: bool,
}

/// A design with its strata in words.
#[derive(Debug, Clone, Serialize)]
pub struct DesignView {
    #[serde(flatten)]
    pub row: DesignRow,
    pub allocation_zh: String,
    pub strata_by_zh: String,
    pub strata: Vec<StratumRow>,
}

/// A restored figure of one SKU, brand, price class or county.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub key: String,
    pub label: String,
    pub stock: Estimate,
    pub sales: Estimate,
    pub rse_pct: Option<f64>,
    /// 存销比 and where it stands against the rational range (偏低 / 合理 / 偏高).
    pub ratio: Option<f64>,
    pub ratio_zh: &'static str,
    /// 动销比 and 商业断货率 (a brand's; `None` for the other groups).
    pub sell_through: Option<f64>,
    pub commercial_stockout: Option<f64>,
}

/// A SKU's restored figures and its indicators.
#[derive(Debug, Clone, Serialize)]
pub struct SkuLine {
    #[serde(flatten)]
    pub restored: Restored,
    pub brand: String,
    pub price_class_zh: String,
    /// 动销比 over the points that reported the SKU this month and the month before.
    pub sell_through: Option<f64>,
    /// 客户断货率, 商业断货率.
    pub customer_stockout: Option<f64>,
    pub commercial_stockout: Option<f64>,
    /// Mean actual retail price (weighted by sales) and the suggested one, 分/条.
    pub retail_price_fen: Option<i64>,
    pub suggested_fen: i64,
    /// Points that reported the SKU.
    pub points: u64,
}

/// One month of the trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub month: String,
    pub stock: f64,
    pub sales: f64,
    pub ratio: Option<f64>,
}

/// The points of a month by state.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PointCounts {
    pub standing: i64,
    pub pending: i64,
    pub confirmed: i64,
    pub replaced: i64,
    pub reported: i64,
}

/// The social inventory page.
#[derive(Debug, Clone, Serialize)]
pub struct InventoryPage {
    pub design: Option<DesignView>,
    /// Months drawn, newest first: (month, standing points, points that reported).
    pub months: Vec<(String, i64, i64)>,
    pub month: Option<String>,
    pub total: Option<Restored>,
    pub skus: Vec<SkuLine>,
    pub brands: Vec<Restored>,
    pub classes: Vec<Restored>,
    pub counties: Vec<Restored>,
    /// The trend of the company, or of `sku` / `brand` when given.
    pub trend: Vec<TrendPoint>,
    pub trend_of: String,
    pub sku: Option<String>,
    pub brand: Option<String>,
    pub points: Vec<PointRow>,
    pub counts: PointCounts,
    pub ratio_low: f64,
    pub ratio_high: f64,
    pub can_design: bool,
    pub can_collect: bool,
    /// The month a draw would make now (the next after the latest drawn, up to this month).
    pub next_draw: Option<String>,
    pub policy: InventoryPolicy,
}

/// A point's phone page: the point, its pre-filled lines, the month's report.
#[derive(Debug, Clone, Serialize)]
pub struct PointPage {
    pub point: PointRow,
    pub status_zh: String,
    pub stratum_label: String,
    pub lines: Vec<FormLine>,
    pub days: u32,
    pub can_collect: bool,
    /// A stock above this multiple of the month's purchases asks for confirmation.
    pub flag_multiple: i64,
    /// A replacement drawn for it, or the point it replaced.
    pub replaced_by: Option<PointRow>,
}

/// One SKU row of the collection form.
#[derive(Debug, Clone, Serialize)]
pub struct FormLine {
    pub sku_code: String,
    pub name: String,
    pub suggested_fen: i64,
    pub wholesale_fen: i64,
    /// Purchases of the month, 条.
    pub purchases: i64,
    pub stock: Option<i64>,
    pub sales: Option<i64>,
    pub retail_price_fen: Option<i64>,
    pub stockout_days: Option<i64>,
    pub flags: String,
}

/// The stratum key and label of a retailer.
fn stratum_of(
    r: &FrameRow, by: &[StratumBy], bands: &[(i64, i64)], names: &HashMap<i64, String>,
) -> (String, String) {
    let mut key = Vec::with_capacity(by.len());
    let mut label = Vec::with_capacity(by.len());
    for d in by {
        match d {
            StratumBy::County => {
                key.push(r.county_id.to_string());
                label.push(names.get(&r.county_id).cloned().unwrap_or_default());
            }
            StratumBy::Area => {
                key.push(r.area_id.to_string());
                label.push(names.get(&r.area_id).cloned().unwrap_or_default());
            }
            StratumBy::Format => {
                key.push(r.business_format.clone());
                label.push(
                    domain::retailer::BusinessFormat::parse(&r.business_format)
                        .map(|f| f.zh().to_string())
                        .unwrap_or_else(|_| r.business_format.clone()),
                );
            }
            StratumBy::Market => {
                key.push(r.market_type.clone());
                label.push(
                    domain::retailer::MarketType::parse(&r.market_type)
                        .map(|f| f.zh().to_string())
                        .unwrap_or_else(|_| r.market_type.clone()),
                );
            }
            StratumBy::TierBand => match inv::tier_band(bands, r.tier) {
                Some(i) => {
                    key.push(format!("B{i}"));
                    label.push(format!("{}–{}档", bands[i].0, bands[i].1));
                }
                None => {
                    key.push("B-".into());
                    label.push("档位段外".into());
                }
            },
        }
    }
    (key.join("|"), label.join(" · "))
}

fn bands_text(bands: &[(i64, i64)]) -> String {
    bands
        .iter()
        .map(|(a, b)| format!("{a}-{b}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_bands(s: &str) -> Vec<(i64, i64)> {
    s.split(',')
        .filter_map(|p| {
            let (a, b) = p.split_once('-')?;
            Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
        })
        .collect()
}

fn parse_by(s: &str) -> Vec<StratumBy> {
    s.split(',')
        .filter_map(|c| StratumBy::parse(c).ok())
        .collect()
}

/// The frame grouped by stratum: key → (label, members).
fn group<'a>(
    frame: &'a [FrameRow], by: &[StratumBy], bands: &[(i64, i64)], names: &HashMap<i64, String>,
) -> BTreeMap<String, (String, Vec<&'a FrameRow>)> {
    let mut g: BTreeMap<String, (String, Vec<&'a FrameRow>)> = BTreeMap::new();
    for r in frame {
        let (k, l) = stratum_of(r, by, bands, names);
        g.entry(k).or_insert_with(|| (l, Vec::new())).1.push(r);
    }
    g
}

async fn unit_names(app: &App) -> AppResult<HashMap<i64, String>> {
    Ok(crate::access::Names::load(&app.db).await?.units)
}

/// Create a design and draw its first month (see the module comment).
pub async fn create_design(
    app: &App, user: &CurrentUser, input: &DesignInput,
) -> AppResult<DesignView> {
    user.require(&DESIGNERS)?;
    let policy = app.policy().await?.inventory;
    let today = app.clock.today();
    let month = match input
        .month
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(m) => month_field("month", m)?,
        None => Month::of(today),
    };
    if month > Month::of(today).next() {
        return Err(AppError::invalid("month", format!("首期 {month} 晚于下月")));
    }
    let allocation = match input
        .allocation
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        Some(a) => Allocation::parse(a).map_err(|e| AppError::invalid("allocation", e.message))?,
        None => policy.allocation,
    };
    let rel = input
        .target_rel_error_pct
        .unwrap_or(policy.target_rel_error_pct);
    if !(0.5..=50.0).contains(&rel) {
        return Err(AppError::invalid(
            "target_rel_error_pct",
            format!("目标相对误差应在 0.5%–50% 之间，收到 {rel}"),
        ));
    }
    let rotation = input.rotation_pct.unwrap_or(policy.rotation_pct);
    if !(0.0..=100.0).contains(&rotation) {
        return Err(AppError::invalid(
            "rotation_pct",
            format!("轮换比例应在 0%–100% 之间，收到 {rotation}"),
        ));
    }
    let seed = match input.seed {
        Some(s) if s < 0 => {
            return Err(AppError::invalid("seed", "随机种子应为非负整数"));
        }
        Some(s) => s,
        None => (app.clock.now().timestamp_micros() & 0x3FFF_FFFF_FFFF_FFFF).abs(),
    };
    let title = match input.title.trim() {
        "" => format!("{month} 起社会库存抽样设计"),
        t if t.chars().count() > 200 => {
            return Err(AppError::invalid("title", "名称不超过 200 字"));
        }
        t => t.to_string(),
    };
    let proxy = month.prev();
    let frame = repo::frame(&app.db, &proxy.to_string()).await?;
    if frame.is_empty() {
        return Err(AppError::Rule("没有在营的零售客户，无法抽样".into()));
    }
    let names = unit_names(app).await?;
    let groups = group(&frame, &policy.strata_by, &policy.tier_bands, &names);
    let frames: Vec<StratumFrame> = groups
        .values()
        .map(|(_, m)| {
            let n = m.len() as f64;
            let total: f64 = m.iter().map(|r| r.purchases as f64).sum();
            let mean = total / n;
            let var = if m.len() > 1 {
                m.iter()
                    .map(|r| (r.purchases as f64 - mean).powi(2))
                    .sum::<f64>()
                    / (n - 1.0)
            } else {
                0.0
            };
            StratumFrame {
                population: m.len() as u64,
                sd: var.sqrt(),
                total,
            }
        })
        .collect();
    let sizes = inv::sample_sizes(&frames, rel / 100.0, allocation, policy.min_per_stratum);
    let mut strata = Vec::with_capacity(groups.len());
    let mut points = Vec::new();
    for ((key, (label, members)), (f, n)) in groups.iter().zip(frames.iter().zip(&sizes)) {
        let ids: Vec<i64> = members.iter().map(|r| r.id).collect();
        for id in inv::select(
            &ids,
            *n as usize,
            seed as u64,
            month.index() as u64,
            &[],
            0.0,
        ) {
            points.push((id, key.clone(), None));
        }
        strata.push(StratumRow {
            key: key.clone(),
            label: label.clone(),
            population: f.population as i64,
            sample_size: *n as i64,
            proxy_sd: f.sd,
        });
    }
    let d = NewDesign {
        title,
        strata_by: policy
            .strata_by
            .iter()
            .map(|b| b.code())
            .collect::<Vec<_>>()
            .join(","),
        tier_bands: bands_text(&policy.tier_bands),
        allocation: allocation.code().into(),
        target_rel_error_pct: rel,
        rotation_pct: rotation,
        seed,
        population: frame.len() as i64,
        sample_size: points.len() as i64,
        proxy_month: proxy.to_string(),
        created_by: user.id,
        created_at: app.clock.now(),
    };
    let mut tx = app.db.begin().await?;
    let retired = repo::retire_active(&mut tx).await?;
    let id = repo::insert_design(&mut tx, &d, &strata).await?;
    repo::insert_points(&mut tx, id, &month.to_string(), &points).await?;
    repo::mark_sample_points(&mut tx, id, &month.to_string()).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "inventory.design",
        "sample_design",
        &id.to_string(),
        retired.map(|r| serde_json::json!({ "retired_design": r })).as_ref(),
        Some(&serde_json::json!({ "design": d, "first_month": month.to_string(), "strata": strata.len() })),
    )
    .await?;
    tx.commit().await?;
    design_view(app)
        .await?
        .ok_or_else(|| AppError::NotFound("抽样设计不存在".into()))
}

async fn design_view(app: &App) -> AppResult<Option<DesignView>> {
    let Some(row) = repo::active_design(&app.db).await? else {
        return Ok(None);
    };
    let strata = repo::strata(&app.db, row.id).await?;
    Ok(Some(DesignView {
        allocation_zh: Allocation::parse(&row.allocation)
            .map(|a| a.zh().to_string())
            .unwrap_or_else(|_| row.allocation.clone()),
        strata_by_zh: parse_by(&row.strata_by)
            .iter()
            .map(|b| b.zh())
            .collect::<Vec<_>>()
            .join(" × "),
        strata,
        row,
    }))
}

async fn active(app: &App) -> AppResult<DesignRow> {
    repo::active_design(&app.db)
        .await?
        .ok_or_else(|| AppError::Rule("尚无抽样设计，请营销中心先制定".into()))
}

/// Draw `month`'s points from the latest earlier month's, rotating the policy's share; 409 when
/// the month is drawn already (checked inside the transaction).
pub async fn draw(app: &App, user: &CurrentUser, month: &str) -> AppResult<(String, usize)> {
    user.require(&DESIGNERS)?;
    let month = month_field("month", month)?;
    if month > Month::of(app.clock.today()).next() {
        return Err(AppError::invalid("month", format!("{month} 晚于下月")));
    }
    let d = active(app).await?;
    let first = repo::months(&app.db, d.id)
        .await?
        .last()
        .map(|m| m.0.clone());
    if first
        .as_deref()
        .is_some_and(|f| month.to_string().as_str() < f)
    {
        return Err(AppError::invalid(
            "month",
            format!("{month} 早于本设计的首期"),
        ));
    }
    let n = draw_month(app, &user.actor(), &d, month).await?;
    Ok((month.to_string(), n))
}

async fn draw_month(
    app: &App, actor: &store::audit::Actor, d: &DesignRow, month: Month,
) -> AppResult<usize> {
    let strata = repo::strata(&app.db, d.id).await?;
    let earlier = repo::previous(&app.db, d.id, &month.to_string()).await?;
    let frame = repo::frame(&app.db, &month.prev().to_string()).await?;
    let names = unit_names(app).await?;
    let groups = group(
        &frame,
        &parse_by(&d.strata_by),
        &parse_bands(&d.tier_bands),
        &names,
    );
    let mut by_stratum: HashMap<&str, Vec<i64>> = HashMap::new();
    for (r, k) in &earlier {
        by_stratum.entry(k.as_str()).or_default().push(*r);
    }
    let mut points = Vec::new();
    for s in &strata {
        let Some((_, members)) = groups.get(&s.key) else {
            continue;
        };
        let ids: Vec<i64> = members.iter().map(|r| r.id).collect();
        let before = by_stratum.get(s.key.as_str()).cloned().unwrap_or_default();
        for id in inv::select(
            &ids,
            s.sample_size as usize,
            d.seed as u64,
            month.index() as u64,
            &before,
            d.rotation_pct / 100.0,
        ) {
            points.push((id, s.key.clone(), None));
        }
    }
    let m = month.to_string();
    let mut tx = app.db.begin().await?;
    if !repo::month_members(&mut tx, d.id, &m).await?.is_empty() {
        return Err(AppError::Conflict(format!("{m} 的采集点已抽取")));
    }
    repo::insert_points(&mut tx, d.id, &m, &points).await?;
    repo::mark_sample_points(&mut tx, d.id, &m).await?;
    let kept = points
        .iter()
        .filter(|p| earlier.iter().any(|e| e.0 == p.0))
        .count();
    store::audit::record(
        &mut tx,
        actor,
        "inventory.draw",
        "sample_design",
        &d.id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "month": m, "points": points.len(), "kept": kept })),
    )
    .await?;
    tx.commit().await?;
    Ok(points.len())
}

/// A rep's standing points of a month: retailer → point (today's route links each to its
/// collection page).
pub async fn rep_points(app: &App, rep_id: i64, month: Month) -> AppResult<HashMap<i64, i64>> {
    let Some(d) = repo::active_design(&app.db).await? else {
        return Ok(HashMap::new());
    };
    let scope = store::repo::ScopeIds {
        rep_id: Some(rep_id),
        ..Default::default()
    };
    Ok(
        repo::points(&app.db, d.id, &month.to_string(), scope, POINTS_SHOWN)
            .await?
            .into_iter()
            .filter(|p| p.status != PointStatus::Replaced.code())
            .map(|p| (p.retailer_id, p.id))
            .collect(),
    )
}

/// A point the person may work on (their scope), 404 when it does not exist.
async fn point_for(app: &App, user: &CurrentUser, id: i64) -> AppResult<PointRow> {
    user.require(&READERS)?;
    let p = repo::point(&app.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("采集点 {id} 不存在")))?;
    let scope = Scope::of(&app.db, user).await?;
    if !store::repo::retailer::in_scope(&app.db, scope.ids(), p.retailer_id).await? {
        return Err(AppError::Forbidden(scope.refusal().into()));
    }
    Ok(p)
}

/// The rep's decision on a pending point: CONFIRM, or REPLACE with a reason (a replacement of
/// the same stratum is drawn in the seed's order). A decided point → 409.
pub async fn decide(
    app: &App, user: &CurrentUser, id: i64, action: &str, reason: &str,
) -> AppResult<PointPage> {
    user.require(&COLLECTORS)?;
    let p = point_for(app, user, id).await?;
    let reason = reason.trim();
    let limits = app.policy().await?.limits;
    if reason.chars().count() > limits.max_text_chars {
        return Err(AppError::invalid(
            "reason",
            format!("原因不超过 {} 字", limits.max_text_chars),
        ));
    }
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let replacement = match action.trim() {
        "CONFIRM" | "确认" => {
            if !repo::decide(
                &mut tx,
                id,
                PointStatus::Confirmed.code(),
                None,
                user.id,
                now,
            )
            .await?
            {
                return Err(AppError::Conflict("该采集点已确认或已替换".into()));
            }
            None
        }
        "REPLACE" | "替换" => {
            if reason.is_empty() {
                return Err(AppError::invalid(
                    "reason",
                    "请填写替换原因（如停业、不愿配合）",
                ));
            }
            if !repo::decide(
                &mut tx,
                id,
                PointStatus::Replaced.code(),
                Some(reason),
                user.id,
                now,
            )
            .await?
            {
                return Err(AppError::Conflict("该采集点已确认或已替换".into()));
            }
            let d = repo::active_design(&app.db)
                .await?
                .filter(|d| d.id == p.design_id)
                .ok_or_else(|| AppError::Conflict("该采集点所属的抽样设计已停用".into()))?;
            let month = month_field("month", &p.month)?;
            let taken: HashSet<i64> = repo::month_members(&mut tx, d.id, &p.month)
                .await?
                .into_iter()
                .map(|m| m.0)
                .collect();
            let frame = repo::frame(&app.db, &month.prev().to_string()).await?;
            let names = unit_names(app).await?;
            let groups = group(
                &frame,
                &parse_by(&d.strata_by),
                &parse_bands(&d.tier_bands),
                &names,
            );
            let next = groups
                .get(&p.stratum_key)
                .into_iter()
                .flat_map(|(_, m)| m.iter())
                .map(|r| r.id)
                .filter(|r| !taken.contains(r))
                .min_by_key(|r| (inv::draw_key(d.seed as u64, month.index() as u64, *r), *r))
                .ok_or_else(|| {
                    AppError::Rule("该层已无可替换的零售客户，请联系营销中心调整设计".into())
                })?;
            let ids = repo::insert_points(
                &mut tx,
                d.id,
                &p.month,
                &[(next, p.stratum_key.clone(), Some(id))],
            )
            .await?;
            repo::mark_sample_points(&mut tx, d.id, &p.month).await?;
            Some((ids[0], next))
        }
        other => {
            return Err(AppError::invalid(
                "action",
                format!("无效的操作「{other}」，可选 CONFIRM、REPLACE"),
            ));
        }
    };
    store::audit::record(
        &mut tx,
        &user.actor(),
        "inventory.point",
        "sample_point",
        &id.to_string(),
        Some(&serde_json::json!({ "status": p.status })),
        Some(
            &serde_json::json!({ "action": action, "reason": reason, "replacement": replacement }),
        ),
    )
    .await?;
    tx.commit().await?;
    point_page(app, user, id).await
}

/// A point's page.
pub async fn point_page(app: &App, user: &CurrentUser, id: i64) -> AppResult<PointPage> {
    let point = point_for(app, user, id).await?;
    let month = month_field("month", &point.month)?;
    let products = products(app).await?;
    let bought = repo::bought(
        &app.db,
        point.retailer_id,
        &month.plus(-2).to_string(),
        &month.to_string(),
        &month.to_string(),
    )
    .await?;
    let counts = repo::counts(&app.db, &point.month, point.retailer_id).await?;
    let mut ids: Vec<i64> = bought.iter().map(|b| b.0).collect();
    ids.extend(counts.iter().map(|c| c.product_id));
    ids.sort_unstable();
    ids.dedup();
    let lines = ids
        .into_iter()
        .filter_map(|pid| {
            let p = products.get(&pid)?;
            let c = counts.iter().find(|c| c.product_id == pid);
            Some(FormLine {
                sku_code: p.sku_code.clone(),
                name: format!("{} {}", p.brand, p.spec_name),
                suggested_fen: p.suggested_retail_price_fen,
                wholesale_fen: p.wholesale_price_fen,
                purchases: bought.iter().find(|b| b.0 == pid).map(|b| b.1).unwrap_or(0),
                stock: c.map(|c| c.stock_qty),
                sales: c.map(|c| c.sales_qty),
                retail_price_fen: c.map(|c| c.retail_price_fen),
                stockout_days: c.map(|c| c.stockout_days),
                flags: c.map(|c| c.flags.clone()).unwrap_or_default(),
            })
        })
        .collect();
    let strata = repo::strata(&app.db, point.design_id).await?;
    let replaced_by = match point.status.as_str() {
        "REPLACED" => repo::replacement(&app.db, point.id).await?,
        _ => match point.replaces_id {
            Some(r) => repo::point(&app.db, r).await?,
            None => None,
        },
    };
    Ok(PointPage {
        status_zh: PointStatus::parse(&point.status)
            .map(|s| s.zh().to_string())
            .unwrap_or_default(),
        stratum_label: strata
            .iter()
            .find(|s| s.key == point.stratum_key)
            .map(|s| s.label.clone())
            .unwrap_or_default(),
        lines,
        days: month.days(),
        can_collect: COLLECTORS.contains(&user.role) && point.status != "REPLACED",
        flag_multiple: app.policy().await?.inventory.stock_flag_multiple,
        replaced_by,
        point,
    })
}

/// Check one typed line; `at` names it in messages ("第 3 行").
fn check_line(
    l: &LineInput, at: &str, field: &str, by_code: &HashMap<&str, &Product>, days: u32,
    p: &InventoryPolicy,
) -> AppResult<(i64, CountRow)> {
    let code = l.sku_code.trim();
    let prod = by_code.get(code).ok_or_else(|| {
        AppError::invalid(
            format!("{field}.sku_code"),
            format!("{at}卷烟代码「{code}」不存在"),
        )
    })?;
    for (name, label, v, max) in [
        ("stock", "库存", l.stock, p.max_stock),
        ("sales", "销量", l.sales, p.max_sales),
    ] {
        if !(0..=max).contains(&v) {
            return Err(AppError::invalid(
                format!("{field}.{name}"),
                format!("{at}{label}应在 0–{max} 条之间，收到 {v}"),
            ));
        }
    }
    if !(0..=days as i64).contains(&l.stockout_days) {
        return Err(AppError::invalid(
            format!("{field}.stockout_days"),
            format!("{at}断货天数应在 0–{days} 之间，收到 {}", l.stockout_days),
        ));
    }
    let price = domain::Fen::parse_yuan(l.retail_price.trim())
        .map_err(|e| {
            AppError::invalid(
                format!("{field}.retail_price"),
                format!("{at}零售价：{}", e.message),
            )
        })?
        .0;
    if !(1..=p.max_price_fen).contains(&price) {
        return Err(AppError::invalid(
            format!("{field}.retail_price"),
            format!("{at}零售价应在 0.01–{} 元/条之间", p.max_price_fen / 100),
        ));
    }
    Ok((
        prod.id,
        CountRow {
            product_id: prod.id,
            stock_qty: l.stock,
            sales_qty: l.sales,
            retail_price_fen: price,
            stockout_days: l.stockout_days,
            flags: String::new(),
        },
    ))
}

/// The checks that ask for confirmation (§7 ⑥ collection checks); sets `row.flags` and returns
/// the reasons.
fn flag(row: &mut CountRow, purchases: i64, prod: &Product, p: &InventoryPolicy) -> Vec<String> {
    let mut flags = Vec::new();
    let mut why = Vec::new();
    if row.stock_qty > p.stock_flag_multiple.saturating_mul(purchases.max(1)) {
        flags.push("STOCK_HIGH");
        why.push(format!(
            "库存 {} 条超过本月进货 {} 条的 {} 倍",
            row.stock_qty, purchases, p.stock_flag_multiple
        ));
    }
    let guide = prod.suggested_retail_price_fen as f64;
    if guide > 0.0
        && ((row.retail_price_fen as f64 - guide).abs() / guide * 100.0) > p.price_flag_pct
    {
        flags.push("PRICE_OFF");
        why.push(format!(
            "零售价 {:.2} 元偏离建议零售价 {:.2} 元超过 {}%",
            row.retail_price_fen as f64 / 100.0,
            guide / 100.0,
            p.price_flag_pct
        ));
    }
    row.flags = flags.join(",");
    why
}

/// The checked rows of one point's lines; flagged lines refuse unless `confirm`.
async fn checked_rows(
    app: &App, retailer_id: i64, month: Month, lines: &[(String, String, &LineInput)],
    confirm: bool, policy: &InventoryPolicy, products: &HashMap<i64, Product>,
) -> AppResult<Vec<CountRow>> {
    let by_code: HashMap<&str, &Product> = products
        .values()
        .map(|p| (p.sku_code.as_str(), p))
        .collect();
    let m = month.to_string();
    let purchases: HashMap<i64, i64> = repo::bought(&app.db, retailer_id, &m, &m, &m)
        .await?
        .into_iter()
        .collect();
    let mut rows: Vec<CountRow> = Vec::with_capacity(lines.len());
    let mut flagged: Vec<(String, String)> = Vec::new();
    for (at, field, l) in lines {
        let (pid, mut row) = check_line(l, at, field, &by_code, month.days(), policy)?;
        if rows.iter().any(|r| r.product_id == pid) {
            return Err(AppError::invalid(
                format!("{field}.sku_code"),
                format!("{at}卷烟代码「{}」重复", l.sku_code.trim()),
            ));
        }
        let why = flag(
            &mut row,
            purchases.get(&pid).copied().unwrap_or(0),
            &products[&pid],
            policy,
        );
        if !why.is_empty() {
            flagged.push((format!("{field}.stock"), format!("{at}{}", why.join("，"))));
        }
        rows.push(row);
    }
    if !confirm && let Some((field, _)) = flagged.first() {
        let msg: Vec<String> = flagged.iter().take(5).map(|f| f.1.clone()).collect();
        return Err(AppError::invalid(
            field.clone(),
            format!(
                "{}{}。请核实后勾选「已核实」再提交",
                msg.join("；"),
                if flagged.len() > 5 {
                    format!(" 等 {} 行", flagged.len())
                } else {
                    String::new()
                }
            ),
        ));
    }
    Ok(rows)
}

/// A point's report for its month (replaces what it reported before); a pending point is
/// confirmed by it.
pub async fn report(
    app: &App, user: &CurrentUser, id: i64, input: &ReportInput,
) -> AppResult<PointPage> {
    user.require(&COLLECTORS)?;
    let p = point_for(app, user, id).await?;
    if p.status == PointStatus::Replaced.code() {
        return Err(AppError::Conflict(
            "该采集点已被替换，请在替换后的采集点录入".into(),
        ));
    }
    if input.lines.is_empty() {
        return Err(AppError::invalid("lines", "请至少录入一个规格"));
    }
    let policy = app.policy().await?.inventory;
    let month = month_field("month", &p.month)?;
    let products = products(app).await?;
    let typed: Vec<(String, String, &LineInput)> = input
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| (format!("第 {} 行：", i + 1), format!("lines[{i}]"), l))
        .collect();
    let rows = checked_rows(
        app,
        p.retailer_id,
        month,
        &typed,
        input.confirm,
        &policy,
        &products,
    )
    .await?;
    let mut tx = app.db.begin().await?;
    write_report(&mut tx, user, &p, &rows, app.clock.now()).await?;
    tx.commit().await?;
    point_page(app, user, id).await
}

/// Inside the writing transaction: replace a point's report of its month, check it still stands
/// (409 when it was replaced meanwhile), confirm it if pending, and record before → after.
async fn write_report(
    tx: &mut store::Tx, user: &CurrentUser, p: &PointRow, rows: &[CountRow],
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let before = repo::replace_counts(tx, &p.month, p.retailer_id, rows, user.id, now).await?;
    if !repo::standing(tx, p.id).await? {
        return Err(AppError::Conflict(format!(
            "客户 {} 的采集点已被替换，请在替换后的采集点录入",
            p.customer_code
        )));
    }
    repo::decide(tx, p.id, PointStatus::Confirmed.code(), None, user.id, now).await?;
    store::audit::record(
        tx,
        &user.actor(),
        "inventory.collect",
        "sample_collection",
        &format!("{}/{}", p.month, p.customer_code),
        Some(&before),
        Some(&rows),
    )
    .await?;
    Ok(())
}

/// Desk entry or the `samples` import: CSV lines 客户编码,卷烟代码,库存,销量,零售价(元/条),断货天数
/// (a header line is skipped) for the month's points of the person's scope; all or nothing.
/// Returns (points, lines) written.
pub async fn import(
    app: &App, user: &CurrentUser, input: &ImportInput,
) -> AppResult<(usize, usize)> {
    user.require(&COLLECTORS)?;
    let month = month_field("month", &input.month)?;
    let policy = app.policy().await?.inventory;
    let scope = Scope::of(&app.db, user).await?;
    let mut by_point: BTreeMap<String, Vec<(String, String, LineInput)>> = BTreeMap::new();
    let mut count = 0usize;
    for (i, raw) in input.text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || (i == 0 && line.contains("客户")) {
            continue;
        }
        count += 1;
        if count > MAX_IMPORT_LINES {
            return Err(AppError::invalid(
                "text",
                format!("一次最多导入 {MAX_IMPORT_LINES} 行"),
            ));
        }
        let at = format!("第 {} 行：", i + 1);
        let f: Vec<&str> = line.split([',', '，', '\t']).map(str::trim).collect();
        if f.len() != 6 {
            return Err(AppError::invalid(
                format!("rows[{}]", i + 1),
                format!(
                    "{at}应有 6 列（客户编码,卷烟代码,库存,销量,零售价,断货天数），收到 {} 列",
                    f.len()
                ),
            ));
        }
        let int = |k: usize, name: &str, label: &str| -> AppResult<i64> {
            f[k].parse().map_err(|_| {
                AppError::invalid(
                    format!("rows[{}].{name}", i + 1),
                    format!("{at}{label}「{}」不是整数", f[k]),
                )
            })
        };
        let l = LineInput {
            sku_code: f[1].to_string(),
            stock: int(2, "stock", "库存")?,
            sales: int(3, "sales", "销量")?,
            retail_price: f[4].to_string(),
            stockout_days: int(5, "stockout_days", "断货天数")?,
        };
        by_point
            .entry(f[0].to_string())
            .or_default()
            .push((at, format!("rows[{}]", i + 1), l));
    }
    if by_point.is_empty() {
        return Err(AppError::invalid("text", "没有可导入的行"));
    }
    let products = products(app).await?;
    let mut writes = Vec::with_capacity(by_point.len());
    for (code, lines) in &by_point {
        let (at, field, _) = &lines[0];
        let r = store::repo::retailer::by_code(&app.db, code)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    format!("{field}.customer_code"),
                    format!("{at}客户编码「{code}」不存在"),
                )
            })?;
        if !store::repo::retailer::in_scope(&app.db, scope.ids(), r.id).await? {
            return Err(AppError::invalid(
                format!("{field}.customer_code"),
                format!("{at}{}（{code}）", scope.refusal()),
            ));
        }
        let p = repo::point_of(&app.db, r.id, &month.to_string())
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    format!("{field}.customer_code"),
                    format!("{at}客户 {code} 不是 {month} 的采集点"),
                )
            })?;
        let typed: Vec<(String, String, &LineInput)> = lines
            .iter()
            .map(|(a, f, l)| (a.clone(), f.clone(), l))
            .collect();
        let rows =
            checked_rows(app, r.id, month, &typed, input.confirm, &policy, &products).await?;
        writes.push((p, rows));
    }
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let mut written = 0;
    for (p, rows) in &writes {
        write_report(&mut tx, user, p, rows, now).await?;
        written += rows.len();
    }
    tx.commit().await?;
    Ok((writes.len(), written))
}

/// The `samples` import as a file: an Excel sheet (xlsx) or a UTF-8 CSV, each row 客户编码,
/// 卷烟代码, 库存, 销量, 零售价(元/条), 断货天数 (a header row is skipped); then as [`import`].
pub async fn import_file(
    app: &App, user: &CurrentUser, month: &str, bytes: &[u8], confirm: bool,
) -> AppResult<(usize, usize)> {
    user.require(&COLLECTORS)?;
    let text = if bytes.starts_with(b"PK") {
        let rows = crate::xlsx_in::first_sheet_rows(bytes, MAX_IMPORT_LINES + 1)?;
        let cell = |d: &calamine::Data| match d {
            calamine::Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
            calamine::Data::Empty => String::new(),
            other => other.to_string().replace([',', '\n'], " "),
        };
        rows.iter()
            .map(|r| r.iter().map(cell).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        String::from_utf8(bytes.to_vec()).map_err(|_| {
            AppError::invalid(
                "file",
                "文件不是 UTF-8 编码的 CSV：请在 Excel 中另存为「CSV UTF-8」，或直接上传 xlsx",
            )
        })?
    };
    import(
        app,
        user,
        &ImportInput {
            month: month.to_string(),
            text,
            confirm,
        },
    )
    .await
}

/// The filter of the page.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    pub month: Option<String>,
    pub sku: Option<String>,
    pub brand: Option<String>,
}

/// Per point: (stratum, county, its lines (SKU, stock, sales)); per point and SKU (stock, sales,
/// stock-out days, price, purchases).
struct Reports {
    points: BTreeMap<i64, PointReport>,
    lines: HashMap<(i64, i64), Counted>,
}

/// A point's stratum, county and lines (SKU, stock, sales).
struct PointReport {
    stratum: String,
    county: i64,
    lines: Vec<(i64, i64, i64)>,
}

/// One reported line with the point's purchases of the SKU in the month.
struct Counted {
    stock: i64,
    sales: i64,
    out_days: i64,
    price_fen: i64,
    purchases: i64,
}

impl Reports {
    fn of<'a>(lines: impl IntoIterator<Item = &'a ReportLine>) -> Reports {
        let mut r = Reports {
            points: BTreeMap::new(),
            lines: HashMap::new(),
        };
        for l in lines {
            r.points
                .entry(l.retailer_id)
                .or_insert_with(|| PointReport {
                    stratum: l.stratum_key.clone(),
                    county: l.county_id,
                    lines: Vec::new(),
                })
                .lines
                .push((l.product_id, l.stock_qty, l.sales_qty));
            r.lines.insert(
                (l.retailer_id, l.product_id),
                Counted {
                    stock: l.stock_qty,
                    sales: l.sales_qty,
                    out_days: l.stockout_days,
                    price_fen: l.retail_price_fen,
                    purchases: l.purchases,
                },
            );
        }
        r
    }

    /// Stock and sales of the SKUs `pick` selects, restored over the strata (a point that
    /// reported none of them counts as 0); `within` limits the domain to some points (a county).
    fn restore(
        &self, strata: &[StratumRow], pick: &dyn Fn(i64) -> bool, within: &dyn Fn(i64) -> bool,
    ) -> (Estimate, Estimate) {
        let mut stock: HashMap<&str, Vec<f64>> = HashMap::new();
        let mut sales: HashMap<&str, Vec<f64>> = HashMap::new();
        for p in self.points.values() {
            let (mut s, mut q) = (0i64, 0i64);
            if within(p.county) {
                for (pid, st, sa) in &p.lines {
                    if pick(*pid) {
                        s = s.saturating_add(*st);
                        q = q.saturating_add(*sa);
                    }
                }
            }
            stock.entry(&p.stratum).or_default().push(s as f64);
            sales.entry(&p.stratum).or_default().push(q as f64);
        }
        (by_strata(strata, &stock), by_strata(strata, &sales))
    }
}

/// What the points' lines of some SKUs say about their movement (§6 动销比, 断货率).
#[derive(Default)]
struct Moves {
    /// Σ (S_prev + O_cur) and Σ (S_prev + O_cur − S_cur) over the lines reported both months.
    base: i64,
    moved: i64,
    /// Points with a stock-out day, lines reported, stock-out days.
    out_points: u64,
    lines: u64,
    out_days: i64,
    /// Σ price × sales (分) and Σ sales, for the mean actual price.
    amount: i128,
    sold: i64,
}

impl Moves {
    fn sell_through(&self) -> Option<f64> {
        (self.base > 0).then(|| self.moved as f64 / self.base as f64)
    }

    fn commercial_stockout(&self, days: u32) -> Option<f64> {
        inv::commercial_stockout_rate(self.out_days, self.lines as i64 * i64::from(days))
    }
}

impl Reports {
    /// The movement of the SKUs `pick` selects, with `before` the month before's reports.
    fn moves(&self, before: &Reports, pick: &dyn Fn(i64) -> bool) -> Moves {
        let mut m = Moves::default();
        let mut out = HashSet::new();
        for ((rid, pid), v) in &self.lines {
            if !pick(*pid) {
                continue;
            }
            m.lines += 1;
            m.out_days += v.out_days;
            if v.out_days > 0 {
                out.insert(*rid);
            }
            m.amount += v.price_fen as i128 * v.sales as i128;
            m.sold += v.sales;
            if let Some(b) = before.lines.get(&(*rid, *pid)) {
                let s = b.stock.saturating_add(v.purchases);
                m.base += s;
                m.moved += s - v.stock;
            }
        }
        m.out_points = out.len() as u64;
        m
    }
}

/// Restore a total from the values of each stratum's reporting points.
fn by_strata(strata: &[StratumRow], values: &HashMap<&str, Vec<f64>>) -> Estimate {
    inv::restore(
        &strata
            .iter()
            .map(|s| StratumSample {
                population: s.population as u64,
                values: values.get(s.key.as_str()).cloned().unwrap_or_default(),
            })
            .collect::<Vec<_>>(),
    )
}

fn restored(
    key: String, label: String, (stock, sales): (Estimate, Estimate), p: &InventoryPolicy,
) -> Restored {
    let ratio = inv::stock_to_sales(stock.total, sales.total);
    Restored {
        key,
        label,
        rse_pct: stock.rse_pct(),
        ratio_zh: match ratio {
            None => "—",
            Some(r) if r < p.stock_sales_low => "偏低",
            Some(r) if r > p.stock_sales_high => "偏高",
            Some(_) => "合理",
        },
        ratio,
        stock,
        sales,
        sell_through: None,
        commercial_stockout: None,
    }
}

/// The social inventory page (see the module comment).
pub async fn page(app: &App, user: &CurrentUser, q: &PageQuery) -> AppResult<InventoryPage> {
    user.require(&READERS)?;
    let policy = app.policy().await?.inventory;
    let design = design_view(app).await?;
    let can_design = DESIGNERS.contains(&user.role);
    let mut out = InventoryPage {
        design: None,
        months: Vec::new(),
        month: None,
        total: None,
        skus: Vec::new(),
        brands: Vec::new(),
        classes: Vec::new(),
        counties: Vec::new(),
        trend: Vec::new(),
        trend_of: "全市".into(),
        sku: None,
        brand: None,
        points: Vec::new(),
        counts: PointCounts::default(),
        ratio_low: policy.stock_sales_low,
        ratio_high: policy.stock_sales_high,
        can_design,
        can_collect: COLLECTORS.contains(&user.role),
        next_draw: None,
        policy: policy.clone(),
    };
    let Some(design) = design else {
        return Ok(out);
    };
    let d = &design.row;
    out.months = repo::months(&app.db, d.id).await?;
    let this = Month::of(app.clock.today());
    if can_design {
        out.next_draw = match out.months.first() {
            Some((m, _, _)) => Month::parse(m)
                .ok()
                .map(Month::next)
                .filter(|n| *n <= this)
                .map(|n| n.to_string()),
            None => Some(this.to_string()),
        };
    }
    let month = match q.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => {
            let m = month_field("month", m)?;
            out.months
                .iter()
                .find(|x| x.0 == m.to_string())
                .ok_or_else(|| AppError::NotFound(format!("{m} 未抽取采集点")))?;
            Some(m)
        }
        // the latest month with reports, else the latest drawn
        None => out
            .months
            .iter()
            .find(|m| m.2 > 0)
            .or(out.months.first())
            .and_then(|m| Month::parse(&m.0).ok()),
    };
    let Some(month) = month else {
        out.design = Some(design);
        return Ok(out);
    };
    let m = month.to_string();
    let scope = Scope::of(&app.db, user).await?;
    out.points = repo::points(&app.db, d.id, &m, scope.ids(), POINTS_SHOWN).await?;
    for p in &out.points {
        match p.status.as_str() {
            "PENDING" => out.counts.pending += 1,
            "CONFIRMED" => out.counts.confirmed += 1,
            _ => out.counts.replaced += 1,
        }
        if p.status != "REPLACED" {
            out.counts.standing += 1;
            if p.reported > 0 {
                out.counts.reported += 1;
            }
        }
    }
    let products = products(app).await?;
    let strata = &design.strata;
    let lines = repo::report_lines(&app.db, d.id, &month.prev().to_string(), &m).await?;
    let (prev, cur): (Vec<ReportLine>, Vec<ReportLine>) =
        lines.into_iter().partition(|l| l.month != m);
    let rep = Reports::of(&cur);
    let before = Reports::of(&prev);
    let mut pids: Vec<i64> = cur.iter().map(|l| l.product_id).collect();
    pids.sort_unstable();
    pids.dedup();
    let all = |_: i64| true;
    out.total = Some(restored(
        "ALL".into(),
        "全市".into(),
        rep.restore(strata, &all, &all),
        &policy,
    ));
    let ordering: HashMap<i64, i64> =
        repo::ordering_points(&app.db, d.id, &m, &month.plus(-2).to_string())
            .await?
            .into_iter()
            .collect();
    for pid in &pids {
        let Some(prod) = products.get(pid) else {
            continue;
        };
        let r = rep.restore(strata, &|x| x == *pid, &all);
        let mv = rep.moves(&before, &|x| x == *pid);
        out.skus.push(SkuLine {
            restored: restored(
                prod.sku_code.clone(),
                format!("{} {}", prod.brand, prod.spec_name),
                r,
                &policy,
            ),
            brand: prod.brand.clone(),
            price_class_zh: domain::product::PriceClass::parse(&prod.price_class)
                .map(|c| c.zh().to_string())
                .unwrap_or_default(),
            sell_through: mv.sell_through(),
            customer_stockout: inv::customer_stockout_rate(
                mv.out_points,
                ordering
                    .get(pid)
                    .copied()
                    .unwrap_or(0)
                    .max(mv.out_points as i64) as u64,
            ),
            commercial_stockout: mv.commercial_stockout(month.days()),
            retail_price_fen: (mv.sold > 0).then(|| (mv.amount / mv.sold as i128) as i64),
            suggested_fen: prod.suggested_retail_price_fen,
            points: mv.lines,
        });
    }
    out.skus
        .sort_by(|a, b| b.restored.stock.total.total_cmp(&a.restored.stock.total));
    let mut brands: Vec<&str> = pids
        .iter()
        .filter_map(|p| products.get(p).map(|p| p.brand.as_str()))
        .collect();
    brands.sort_unstable();
    brands.dedup();
    for b in brands {
        let of_brand = |x: i64| products.get(&x).is_some_and(|p| p.brand == b);
        let r = rep.restore(strata, &of_brand, &all);
        let mv = rep.moves(&before, &of_brand);
        let mut line = restored(b.into(), b.into(), r, &policy);
        line.sell_through = mv.sell_through();
        line.commercial_stockout = mv.commercial_stockout(month.days());
        out.brands.push(line);
    }
    out.brands
        .sort_by(|a, b| b.stock.total.total_cmp(&a.stock.total));
    for c in domain::product::PriceClass::ALL {
        let r = rep.restore(
            strata,
            &|x| products.get(&x).is_some_and(|p| p.price_class == c.code()),
            &all,
        );
        if r.0.n > 0 && r.0.total > 0.0 {
            out.classes
                .push(restored(c.code().into(), c.zh().into(), r, &policy));
        }
    }
    let names = unit_names(app).await?;
    let mut counties: Vec<i64> = rep.points.values().map(|p| p.county).collect();
    counties.sort_unstable();
    counties.dedup();
    for c in counties {
        let r = rep.restore(strata, &all, &|x| x == c);
        out.counties.push(restored(
            c.to_string(),
            names.get(&c).cloned().unwrap_or_default(),
            r,
            &policy,
        ));
    }
    // the trend: the company, or one SKU or brand
    let mut only: Option<Vec<i64>> = None;
    if let Some(s) = q.sku.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let p = products
            .values()
            .find(|p| p.sku_code == s)
            .ok_or_else(|| AppError::invalid("sku", format!("卷烟代码「{s}」不存在")))?;
        out.trend_of = format!("{} {}", p.brand, p.spec_name);
        out.sku = Some(s.to_string());
        only = Some(vec![p.id]);
    } else if let Some(b) = q.brand.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let ids: Vec<i64> = products
            .values()
            .filter(|p| p.brand == b)
            .map(|p| p.id)
            .collect();
        if ids.is_empty() {
            return Err(AppError::invalid("brand", format!("品牌「{b}」不存在")));
        }
        out.trend_of = b.to_string();
        out.brand = Some(b.to_string());
        only = Some(ids);
    }
    let from = month.plus(-12).to_string();
    let totals = repo::point_totals(&app.db, d.id, &from, &m, only.as_deref()).await?;
    let mut k = 0;
    while k < totals.len() {
        let mm = totals[k].0.clone();
        let mut stock: HashMap<&str, Vec<f64>> = HashMap::new();
        let mut sales: HashMap<&str, Vec<f64>> = HashMap::new();
        while k < totals.len() && totals[k].0 == mm {
            let (_, _, key, s, q) = &totals[k];
            stock.entry(key).or_default().push(*s as f64);
            sales.entry(key).or_default().push(*q as f64);
            k += 1;
        }
        let (s, q) = (by_strata(strata, &stock), by_strata(strata, &sales));
        out.trend.push(TrendPoint {
            month: mm,
            stock: s.total,
            sales: q.total,
            ratio: inv::stock_to_sales(s.total, q.total),
        });
    }
    out.month = Some(m);
    out.design = Some(design);
    Ok(out)
}

/// The demo city's history (§7 ⑥): a design made by the marketing centre thirteen months before
/// the last month with sales, every month drawn with its rotation, the points confirmed by their
/// reps (one in thirty replaced as closed or unwilling), and the reports of the complete months:
/// the eight SKUs a point bought most, sales near its purchases, stock a third to two thirds of
/// them (more where the SKU is slow), prices near the guide, stock-outs mostly on tight SKUs.
/// This month's points are drawn and wait for their reps. Returns the lines written.
pub async fn demo_history(app: &App, actor: &store::audit::Actor) -> AppResult<usize> {
    let Some((end, center)) = crate::demo::close_basis(app).await? else {
        return Ok(0);
    };
    let first = end.plus(-12);
    const SEED: i64 = 20_240_135;
    create_design(
        app,
        &center,
        &DesignInput {
            title: format!("{first} 起社会库存抽样设计"),
            seed: Some(SEED),
            month: Some(first.to_string()),
            ..Default::default()
        },
    )
    .await?;
    let d = active(app).await?;
    let this = Month::of(app.clock.today()).max(end);
    let products = products(app).await?;
    let policy = app.policy().await?.inventory;
    let mut written = 0;
    let mut month = first;
    loop {
        let m = month.to_string();
        if month > first {
            draw_month(app, actor, &d, month).await?;
        }
        if month > end {
            break;
        }
        // one in thirty replaced, the rest confirmed by their reps
        let points = repo::points(&app.db, d.id, &m, Default::default(), i64::MAX).await?;
        for p in points.iter().filter(|p| p.status == "PENDING") {
            if inv::unit(SEED as u64, month.index() as u64 ^ 0xD1, p.retailer_id) < 1.0 / 30.0 {
                let why = if p.retailer_id % 2 == 0 {
                    "停业"
                } else {
                    "不愿配合"
                };
                match decide(app, &center, p.id, "REPLACE", why).await {
                    // a stratum taken whole has no one to replace with: the point stays
                    Err(AppError::Rule(_)) => {}
                    r => {
                        r?;
                    }
                }
            }
        }
        let at = (month.day(month.days().min(28)))
            .and_hms_opt(18, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_else(|| app.clock.now());
        let mut tx = app.db.begin().await?;
        repo::confirm_pending(&mut tx, d.id, &m, at).await?;
        tx.commit().await?;
        let bought = repo::point_purchases(&app.db, d.id, &m).await?;
        let mut rows: Vec<(i64, Option<i64>, CountRow)> = Vec::new();
        let mut last = (0i64, 0usize);
        for (rid, rep, pid, supplied) in bought {
            if last.0 == rid {
                last.1 += 1;
            } else {
                last = (rid, 1);
            }
            let Some(prod) = products.get(&pid) else {
                continue;
            };
            if last.1 > 8 {
                continue;
            }
            let u = |k: i64| {
                inv::unit(
                    SEED as u64,
                    month.index() as u64,
                    rid * 10_000 + pid * 7 + k,
                )
            };
            let sales = (supplied as f64 * (0.85 + 0.25 * u(1))).round() as i64;
            let share = match prod.supply_status.as_str() {
                "SLOW" => 0.6 + 0.6 * u(2),
                "TIGHT" => 0.15 + 0.3 * u(2),
                _ => 0.3 + 0.4 * u(2),
            };
            let stock = (sales as f64 * share).round() as i64;
            let factor = match prod.supply_status.as_str() {
                "TIGHT" => 1.0 + 0.08 * u(3),
                "SLOW" => 0.88 + 0.09 * u(3),
                _ => 0.93 + 0.08 * u(3),
            };
            let price =
                ((prod.suggested_retail_price_fen as f64 * factor) / 100.0).round() as i64 * 100;
            let out = if prod.supply_status == "TIGHT" {
                (u(4) * 8.0) as i64
            } else if u(4) < 0.1 {
                1 + (u(5) * 3.0) as i64
            } else {
                0
            };
            let mut row = CountRow {
                product_id: pid,
                stock_qty: stock.clamp(0, policy.max_stock),
                sales_qty: sales.clamp(0, policy.max_sales),
                retail_price_fen: price.clamp(1, policy.max_price_fen),
                stockout_days: out.min(month.days() as i64),
                flags: String::new(),
            };
            flag(&mut row, supplied, prod, &policy);
            rows.push((rid, rep, row));
        }
        let mut tx = app.db.begin().await?;
        repo::insert_counts(&mut tx, &m, &rows, at).await?;
        store::audit::record(
            &mut tx,
            actor,
            "inventory.collect",
            "sample_collection",
            &m,
            None::<&()>,
            Some(&serde_json::json!({ "month": m, "lines": rows.len() })),
        )
        .await?;
        tx.commit().await?;
        written += rows.len();
        if month >= this {
            break;
        }
        month = month.next();
    }
    Ok(written)
}
