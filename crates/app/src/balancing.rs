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
use store::repo::supply as repo;

/// One supply line as entered; `row` names it in messages (`lines[3]`, `第 5 行`).
#[derive(Debug, Clone)]
pub struct SupplyInput {
    pub row: String,
    pub sku: String,
    pub quantity: i64,
}

async fn ensure_not_published(app: &App, m: &str) -> AppResult<()> {
    if repo::run(&app.db, m)
        .await?
        .is_some_and(|r| r.state == "PUBLISHED")
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
    app: &App,
    user: &CurrentUser,
    target: Month,
    lines: &[SupplyInput],
) -> AppResult<usize> {
    user.require(&[Role::MarketingCenter, Role::Admin])?;
    let m = target.to_string();
    ensure_not_published(app, &m).await?;
    if lines.is_empty() {
        return Err(AppError::invalid("lines", "没有货源数据"));
    }
    let mut checked = Vec::with_capacity(lines.len());
    let mut seen = std::collections::HashSet::new();
    for l in lines {
        if l.quantity < 0 {
            return Err(AppError::invalid(l.row.clone(), "货源量不能为负"));
        }
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
pub fn parse_supply_xlsx(bytes: &[u8]) -> AppResult<Vec<SupplyInput>> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| AppError::invalid("file", format!("不是有效的 Excel (xlsx) 文件: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| AppError::invalid("file", "Excel 文件中没有工作表"))?
        .map_err(|e| AppError::invalid("file", format!("无法读取工作表: {e}")))?;
    let mut rows = range.rows();
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

/// The review of a run: per SKU, per tier, flagged retailers.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub month: String,
    pub state: String,
    pub skus: Vec<SkuReview>,
    pub tiers: Vec<TierReview>,
    pub flagged: Vec<store::repo::supply::LineView>,
    pub retailers: usize,
    pub lines: usize,
    /// SKUs forecast but without supply entered: kept at their forecasts.
    pub skus_without_supply: Vec<String>,
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
    ensure_not_published(app, &m).await?;
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
    let forecasts = repo::submitted(&app.db, &m).await?;
    if forecasts.is_empty() {
        return Err(AppError::Conflict(format!(
            "{m} 还没有已提交的预测可供平衡"
        )));
    }
    let lines = balance_lines(&forecasts, &supply, &cfg)?;
    let mut tx = app.db.begin().await?;
    repo::replace_run(&mut tx, &m, &lines, user.id, app.clock.now()).await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "balance.run",
        "balance_run",
        &m,
        None::<&()>,
        Some(&serde_json::json!({"lines": lines.len(), "skus_with_supply": supply.len()})),
    )
    .await?;
    tx.commit().await?;
    review(app, user, target).await
}

/// Pure part: submitted forecasts (retailer, product, tier, qty) sorted by product, supply per
/// product → one line per forecast. A SKU without supply keeps its forecasts.
pub fn balance_lines(
    forecasts: &[(i64, i64, i64, i64)],
    supply: &BTreeMap<i64, i64>,
    cfg: &allocate::balance::BalanceConfig,
) -> AppResult<Vec<store::repo::supply::Line>> {
    let mut lines = Vec::with_capacity(forecasts.len());
    for group in forecasts.chunk_by(|a, b| a.1 == b.1) {
        let pid = group[0].1;
        let Some(&s) = supply.get(&pid) else {
            lines.extend(
                group
                    .iter()
                    .map(|f| (f.0, f.1, f.2, f.3, f.3, false, false)),
            );
            continue;
        };
        let mut retailers = Vec::with_capacity(group.len());
        for f in group {
            retailers.push(allocate::balance::BalanceRetailer {
                // Zero-padded so the engine's id tie-break follows the retailer id.
                id: format!("{:012}", f.0),
                tier: domain::Tier::new(f.2)?,
                forecast: f.3.max(0) as u64,
            });
        }
        let problem = allocate::balance::BalanceProblem {
            sku: pid.to_string(),
            supply: s.max(0) as u64,
            retailers,
            tier_caps: [None; allocate::TIERS],
        };
        let sol = allocate::balance::balance(&problem, cfg)
            .map_err(|e| AppError::invalid("balance", e.to_string()))?;
        for (f, a) in group.iter().zip(&sol.allocations) {
            lines.push((f.0, f.1, f.2, f.3, a.final_qty as i64, a.capped, a.flagged));
        }
    }
    Ok(lines)
}

/// The review of the latest run.
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
    let lines = repo::lines(&app.db, &m).await?;
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
        flagged: lines.iter().filter(|l| l.flagged).cloned().collect(),
        retailers: retailers.len(),
        lines: lines.len(),
        skus_without_supply,
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
    app: &App,
    user: &CurrentUser,
    target: Month,
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
    app: &App,
    user: &CurrentUser,
    target: Month,
    retailer_code: &str,
    note: &str,
) -> AppResult<TickOut> {
    user.require(&[Role::AccountManager])?;
    let r = store::repo::retailer::by_code(&app.db, retailer_code.trim())
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
