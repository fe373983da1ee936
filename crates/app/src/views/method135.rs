//! The 135 page per role (domain.md §9): 分析 → 计划 → 实施 → 评估 → 改进 for one working month.
use crate::accuracy::{AccuracyBy, AccuracyRow};
use crate::{App, AppError, AppResult, CurrentUser};
use domain::Month;
use domain::money::group_thousands as qty;
use domain::org::Role;

pub struct Method135View {
    /// 分析: pre-filled lines per heading.
    pub analysis: Vec<(&'static str, Vec<String>)>,
    /// 改进: last month's improvement measures, carried into this month's plan.
    pub last_improvement: Option<String>,
    pub plan: String,
    pub improvement: String,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// 评估: last month's forecast accuracy and order fill in the person's scope.
    pub evaluation: Option<AccuracyRow>,
    pub evaluation_note: Option<String>,
}

pub async fn page(app: &App, u: &CurrentUser, month: Month) -> AppResult<Method135View> {
    let analysis = analysis_of(app, u).await?;
    let last_improvement = crate::cycle::plan135(app, u, month.prev())
        .await?
        .map(|p| p.improvement)
        .filter(|t| !t.is_empty());
    let mine = crate::cycle::plan135(app, u, month).await?;
    let (evaluation, evaluation_note) =
        match crate::accuracy::accuracy(app, u, month.prev(), AccuracyBy::Total).await {
            Ok(a) => (a.rows.into_iter().next(), None),
            Err(AppError::Conflict(m)) => (None, Some(m)),
            Err(e) => return Err(e),
        };
    Ok(Method135View {
        analysis,
        last_improvement,
        plan: mine.as_ref().map(|p| p.plan.clone()).unwrap_or_default(),
        improvement: mine
            .as_ref()
            .map(|p| p.improvement.clone())
            .unwrap_or_default(),
        updated_at: mine.map(|p| p.updated_at),
        evaluation,
        evaluation_note,
    })
}

/// A growth figure with its sign, or a dash.
fn growth(v: &Option<f64>) -> String {
    match v {
        Some(g) => format!("{g:+.1}%"),
        None => "—".to_string(),
    }
}

fn versus_line(v: &crate::dashboard::Versus) -> String {
    format!(
        "{}：{} 条，同比 {}",
        v.label,
        qty(v.qty),
        growth(&v.yoy_pct)
    )
}

/// 分析: the person's figures from their home page, as lines under headings.
async fn analysis_of(app: &App, u: &CurrentUser) -> AppResult<Vec<(&'static str, Vec<String>)>> {
    // Open warnings of the person's part (§6), by kind: the last month detected.
    let warned =
        crate::warnings::open_lines(app, u, crate::retailers::last_complete_month(app).await?)
            .await?;
    let mut out = match u.role {
        Role::AccountManager => {
            let h = crate::dashboard::rep_home(app, u).await?;
            vec![
                (
                    "客户分析",
                    vec![format!(
                        "服务客户 {} 户；{} 销量 {} 条，同比 {}",
                        h.retailers,
                        h.month,
                        qty(h.total.qty),
                        growth(&h.total.yoy_pct)
                    )],
                ),
                ("品牌分析", h.top_brands.iter().map(versus_line).collect()),
                (
                    "市场分析（按价类）",
                    h.by_class.iter().map(versus_line).collect(),
                ),
            ]
        }
        Role::MarketManager => {
            let h = crate::dashboard::market_manager_home(app, u).await?;
            vec![
                (
                    "市场部分析",
                    vec![format!(
                        "{} {}：{} 条，同比 {}",
                        h.area_name,
                        h.month,
                        qty(h.total.qty),
                        growth(&h.total.yoy_pct)
                    )],
                ),
                (
                    "客户经理",
                    h.reps
                        .iter()
                        .map(|r| {
                            format!(
                                "{}：{} 户，{} 条，同比 {}，预警 {} 户{}",
                                r.name,
                                r.retailers,
                                qty(r.volume.qty),
                                growth(&r.volume.yoy_pct),
                                r.warnings,
                                r.band_breach
                                    .as_ref()
                                    .map(|b| format!("；{b}"))
                                    .unwrap_or_default()
                            )
                        })
                        .collect(),
                ),
                ("品牌", h.top_brands.iter().map(versus_line).collect()),
            ]
        }
        Role::BrandManager => {
            let h = crate::dashboard::brand_manager_home(app, u).await?;
            vec![
                (
                    "品牌分析",
                    std::iter::once(format!(
                        "重点品牌占比 {:.1}%（目标 {:.1}%）",
                        h.key_brand_share_pct, h.key_brand_target_pct
                    ))
                    .chain(h.key_brands.iter().map(versus_line))
                    .collect(),
                ),
                (
                    "市场分析",
                    h.by_area
                        .iter()
                        .take(20)
                        .map(|b| {
                            format!(
                                "{} · {}：{} 条，占比 {:.1}%，覆盖率 {:.1}%，上柜率 {:.1}%",
                                b.brand, b.area, b.qty, b.share_pct, b.coverage_pct, b.listing_pct
                            )
                        })
                        .collect(),
                ),
                (
                    "工业企业",
                    h.manufacturers
                        .iter()
                        .map(|m| versus_line(&m.volume).replacen(&m.volume.label, &m.name, 1))
                        .collect(),
                ),
            ]
        }
        _ => {
            let h = crate::dashboard::center_home(app, u).await?;
            vec![
                ("总体", vec![versus_line(&h.total)]),
                ("县级营销部", h.by_county.iter().map(versus_line).collect()),
                ("品牌", h.top_brands.iter().map(versus_line).collect()),
            ]
        }
    };
    out.extend(warned);
    // Phase ⑥'s surveys of the person's part: the retailers' margin and its weakest SKUs, the
    // lowest satisfaction items (§6 targets 11.2 % and 90 %).
    if u.role != Role::MonopolyOfficer {
        if let Some((m, t, skus)) = crate::profit::summary(app, u, 3).await?
            && let Some(pct) = t.margin_pct
        {
            let target = app.policy().await?.kpi_targets.retailer_gross_margin_pct;
            let mut lines = vec![format!(
                "{m} 零售户毛利率 {pct:.1}%（目标 {target:.1}%，已调查 {}/{} 户，价格倒挂 {} 行）",
                t.done, t.surveys, t.sums.inversions
            )];
            lines.extend(skus.iter().filter_map(|s| {
                s.margin_pct
                    .map(|v| format!("拉低毛利：{}（{}）毛利率 {v:.1}%", s.name, s.sku_code))
            }));
            out.push(("盈利分析", lines));
        }
        let low = crate::satisfaction::lowest_items(app, u, 3).await?;
        if !low.is_empty() {
            out.push((
                "客户满意度（最低项）",
                low.into_iter()
                    .map(|(item, v)| format!("{item}：{v:.1} 分"))
                    .collect(),
            ));
        }
    }
    Ok(out)
}
