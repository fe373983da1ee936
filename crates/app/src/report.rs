//! 市场分析报告 (domain.md §7 ⑥ 总结; sections, states and sentences in `domain::report`).
//!
//! - **Authors**: a market manager for their area, a county's 营销主任 for the county, the
//!   marketing centre for the company; one report per scope and month.
//! - **The draft** is written from the data of the scope's month: market (volume, 条均价, 单箱,
//!   structure, coverage — the KPI page's figures with last year's), brand (key-brand share, new-SKU
//!   listing), customer (动销率, 需求旺盛度, the month's warnings), service (forecast accuracy,
//!   order fill, satisfaction), inventory (the restored social inventory, 存销比, stock-outs) and
//!   profit (the retailers' margin, inversions, the SKUs pulling it down). Each section keeps its
//!   figures, a 13-month trend, the places one level down, and findings written as sentences
//!   (direction and size of change, who drives it). The figures are frozen in the report.
//! - **Editing**: the author rewrites each section's narrative and adds measures while the
//!   report is a draft or returned; submit → the level above (a county's director or the centre
//!   for an area, the centre for a county, the administrator for the company) returns it with a
//!   comment or accepts it; an accepted report is archived and read-only (409). Every step is
//!   conditional on the version read and lands in the report's trail and the audit trail.
//!
//! Who reads: the author's scope and every scope above it (a market manager their area's
//! reports, a director their county's and its areas', the centre, brand managers and the
//! administrator all).
use crate::access::{CurrentUser, Scope};
use crate::{App, AppError, AppResult};
use domain::Month;
use domain::kpi::Kpi;
use domain::org::Role;
use domain::report::{
    ReportStatus, SectionKind, change_sentence, spread_sentence, target_sentence, value_text,
};
use serde::{Deserialize, Serialize};
use store::repo::report::{self as repo, EventRow, ReportRow};

const AUTHORS: [Role; 3] = [
    Role::MarketManager,
    Role::MarketingDirector,
    Role::MarketingCenter,
];
const READERS: [Role; 5] = [
    Role::MarketManager,
    Role::MarketingDirector,
    Role::MarketingCenter,
    Role::BrandManager,
    Role::Admin,
];

/// One figure of a section.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Figure {
    pub name: String,
    pub unit: String,
    pub value: Option<f64>,
    pub last_year: Option<f64>,
    pub target: Option<f64>,
    pub good: Option<bool>,
}

/// A section as the report keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Section {
    pub kind: String,
    pub title: String,
    pub figures: Vec<Figure>,
    /// Sentences written from the figures.
    pub findings: Vec<String>,
    pub chart_title: String,
    /// 13 months of the section's lead figure, oldest first.
    pub trend: Vec<(String, Option<f64>)>,
    pub chart_target: Option<f64>,
    /// The places one level down (or the SKUs): header and rows.
    pub table_head: Vec<String>,
    pub table: Vec<Vec<String>>,
    /// The author's text (the findings to begin with) and measures.
    pub narrative: String,
    pub measures: String,
}

/// A report with its sections and what the viewer may do.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    #[serde(flatten)]
    pub row: ReportRow,
    pub status_zh: String,
    pub parsed: Vec<Section>,
    pub events: Vec<EventRow>,
    pub can_edit: bool,
    pub can_review: bool,
}

/// The reports page.
#[derive(Debug, Clone, Serialize)]
pub struct ReportList {
    pub reports: Vec<(ReportRow, String)>,
    /// The scope the person writes for and the month a new draft is for.
    pub own_scope: Option<String>,
    pub draft_month: String,
}

/// A section's text as edited.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SectionText {
    pub kind: String,
    pub narrative: String,
    pub measures: String,
}

/// The author's scope: (KPI scope key, label, county, area).
async fn own_scope(
    app: &App, user: &CurrentUser,
) -> AppResult<(String, String, Option<i64>, Option<i64>)> {
    user.require(&AUTHORS)?;
    let names = crate::access::Names::load(&app.db).await?;
    Ok(match Scope::of(&app.db, user).await? {
        Scope::Area(a) => {
            let county = store::repo::staff::org_unit(&app.db, a)
                .await?
                .and_then(|u| u.parent_id);
            (format!("area:{a}"), names.of("area_id", a), county, Some(a))
        }
        Scope::County(c) => (
            format!("county:{c}"),
            names.of("county_id", c),
            Some(c),
            None,
        ),
        _ => ("company".into(), "全公司".into(), None, None),
    })
}

fn line(kv: &crate::kpi::KpiView, k: Kpi) -> Option<&crate::kpi::KpiLine> {
    kv.kpis.iter().find(|l| l.code == k.code())
}

fn figure_of(l: &crate::kpi::KpiLine) -> Figure {
    Figure {
        name: l.name.into(),
        unit: l.unit.into(),
        value: l.value,
        last_year: l.last_year,
        target: l.target,
        good: l.good,
    }
}

/// Sentences for figures: against the target where there is one, else against last year.
fn findings_of(figures: &[Figure]) -> Vec<String> {
    figures
        .iter()
        .filter_map(|f| {
            let v = f.value?;
            Some(match f.target {
                Some(t) => target_sentence(&f.name, v, t),
                None => change_sentence(&f.name, v, f.last_year, &f.unit),
            })
        })
        .collect()
}

/// The places one level down with some KPIs: (header, rows) and per KPI the (label, value)s.
fn children_table(kv: &crate::kpi::KpiView, ks: &[Kpi]) -> (Vec<String>, Vec<Vec<String>>) {
    let idx: Vec<usize> = ks
        .iter()
        .filter_map(|k| Kpi::ALL.iter().position(|x| x == k))
        .collect();
    let mut head = vec![kv.child_level.unwrap_or("下一级").to_string()];
    head.extend(ks.iter().map(|k| format!("{}（{}）", k.zh(), k.unit())));
    let rows = kv
        .children
        .iter()
        .map(|c| {
            let mut r = vec![c.label.clone()];
            r.extend(idx.iter().zip(ks).map(|(i, k)| {
                c.values
                    .get(*i)
                    .copied()
                    .flatten()
                    .map(|v| value_text(v, k.unit()))
                    .unwrap_or_else(|| "—".into())
            }));
            r
        })
        .collect();
    (head, rows)
}

fn spread(kv: &crate::kpi::KpiView, k: Kpi) -> Option<String> {
    let i = Kpi::ALL.iter().position(|x| *x == k)?;
    let places: Vec<(String, f64)> = kv
        .children
        .iter()
        .filter_map(|c| {
            c.values
                .get(i)
                .copied()
                .flatten()
                .map(|v| (c.label.clone(), v))
        })
        .collect();
    spread_sentence(k.zh(), &places, k.unit())
}

fn section(kind: SectionKind, figures: Vec<Figure>) -> Section {
    let findings = findings_of(&figures);
    Section {
        kind: kind.code().into(),
        title: format!("{}分析", kind.zh()),
        narrative: findings.join("；"),
        findings,
        figures,
        chart_title: String::new(),
        trend: Vec::new(),
        chart_target: None,
        table_head: Vec::new(),
        table: Vec::new(),
        measures: String::new(),
    }
}

fn with_trend(mut s: Section, kv: &crate::kpi::KpiView, k: Kpi) -> Section {
    if let Some(l) = line(kv, k) {
        s.chart_title = format!("{}（{}，近 13 个月）", l.name, l.unit);
        s.trend = l.trend.clone();
        s.chart_target = l.target;
    }
    s
}

/// The six sections of a scope's month from the data (see the module comment).
async fn draft(app: &App, user: &CurrentUser, scope: &str, m: Month) -> AppResult<Vec<Section>> {
    let kv = crate::kpi::page(app, user, Some(scope), Some(m), None, None).await?;
    let figs = |ks: &[Kpi]| -> Vec<Figure> {
        ks.iter()
            .filter_map(|k| line(&kv, *k))
            .map(figure_of)
            .collect()
    };
    let mut out = Vec::new();

    // 市场
    let mut s = section(
        SectionKind::Market,
        figs(&[
            Kpi::Volume,
            Kpi::AvgPrice,
            Kpi::RevenuePerCase,
            Kpi::Class12Share,
            Kpi::Coverage,
        ]),
    );
    s.findings.extend(spread(&kv, Kpi::Volume));
    s.findings.extend(spread(&kv, Kpi::AvgPrice));
    (s.table_head, s.table) = children_table(
        &kv,
        &[Kpi::Volume, Kpi::AvgPrice, Kpi::Class12Share, Kpi::Coverage],
    );
    out.push(with_trend(s, &kv, Kpi::Volume));

    // 品牌
    let mut s = section(
        SectionKind::Brand,
        figs(&[Kpi::KeyBrandShare, Kpi::NewSkuListing]),
    );
    s.findings.extend(spread(&kv, Kpi::KeyBrandShare));
    (s.table_head, s.table) = children_table(&kv, &[Kpi::KeyBrandShare, Kpi::NewSkuListing]);
    out.push(with_trend(s, &kv, Kpi::KeyBrandShare));

    // 客户
    let mut s = section(
        SectionKind::Customer,
        figs(&[Kpi::ActiveSelling, Kpi::DemandVigour]),
    );
    let warned = crate::warnings::list(
        app,
        user,
        &crate::warnings::ListQuery {
            month: Some(m.to_string()),
            ..Default::default()
        },
    )
    .await;
    if let Ok(w) = warned
        && w.month.as_deref() == Some(m.to_string().as_str())
    {
        let parts: Vec<String> = w
            .counts
            .iter()
            .map(|c| {
                format!(
                    "{} {} 条（未关闭 {}）",
                    c.kind_zh,
                    c.open + c.closed,
                    c.open
                )
            })
            .collect();
        if !parts.is_empty() {
            s.findings.push(format!("本月预警：{}", parts.join("，")));
        }
    }
    s.findings.extend(spread(&kv, Kpi::ActiveSelling));
    (s.table_head, s.table) = children_table(&kv, &[Kpi::ActiveSelling, Kpi::DemandVigour]);
    s.narrative = s.findings.join("；");
    out.push(with_trend(s, &kv, Kpi::ActiveSelling));

    // 服务
    let mut s = section(
        SectionKind::Service,
        figs(&[Kpi::ForecastAccuracy, Kpi::OrderFill]),
    );
    if let Ok(p) = crate::satisfaction::page(app, user, None).await
        && let (Some(w), Some(sc)) = (&p.wave, &p.scope)
        && let Some(total) = sc.total
    {
        s.figures.push(Figure {
            name: "客户满意度".into(),
            unit: "%".into(),
            value: Some(total),
            last_year: None,
            target: Some(p.target_pct),
            good: Some(total >= p.target_pct),
        });
        s.findings.push(format!(
            "{}：{}",
            w.title,
            target_sentence("满意度得分", total, p.target_pct)
        ));
        if let Some((item, v)) = p.lowest.first() {
            s.findings
                .push(format!("满意度最低的项目是「{item}」（{v:.1} 分）"));
        }
    }
    (s.table_head, s.table) = children_table(&kv, &[Kpi::ForecastAccuracy, Kpi::OrderFill]);
    s.narrative = s.findings.join("；");
    out.push(with_trend(s, &kv, Kpi::ForecastAccuracy));

    // 库存 (restored for the company and per county)
    let mut s = section(SectionKind::Inventory, Vec::new());
    s.title = "库存分析".into();
    let q = crate::inventory::PageQuery {
        month: Some(m.to_string()),
        ..Default::default()
    };
    match crate::inventory::page(app, user, &q).await {
        Ok(p) => {
            let county = scope.strip_prefix("county:").map(str::to_string);
            let area_county = match scope.strip_prefix("area:") {
                Some(a) => match a.parse::<i64>() {
                    Ok(a) => store::repo::staff::org_unit(&app.db, a)
                        .await?
                        .and_then(|u| u.parent_id)
                        .map(|c| c.to_string()),
                    Err(_) => None,
                },
                None => None,
            };
            let pick = county.or(area_county);
            let r = match &pick {
                Some(c) => p.counties.iter().find(|x| &x.key == c).cloned(),
                None => p.total.clone(),
            };
            if let Some(r) = r {
                s.figures.push(Figure {
                    name: format!("社会库存（{}）", r.label),
                    unit: "条".into(),
                    value: Some(r.stock.total),
                    last_year: None,
                    target: None,
                    good: None,
                });
                s.findings.push(format!(
                    "{} 社会库存约 {}（95% 区间 {}–{}），存销比 {}，{}（合理区间 {:.1}–{:.1}）",
                    r.label,
                    value_text(r.stock.total, "条"),
                    value_text(r.stock.lo95, "条"),
                    value_text(r.stock.hi95, "条"),
                    r.ratio
                        .map(|x| format!("{x:.2}"))
                        .unwrap_or_else(|| "—".into()),
                    r.ratio_zh,
                    p.ratio_low,
                    p.ratio_high
                ));
            }
            let high: Vec<&crate::inventory::SkuLine> = p
                .skus
                .iter()
                .filter(|k| k.restored.ratio_zh == "偏高")
                .take(5)
                .collect();
            if !high.is_empty() {
                s.findings.push(format!(
                    "存销比偏高的规格：{}",
                    high.iter()
                        .map(|k| format!(
                            "{}（{:.2}）",
                            k.restored.label,
                            k.restored.ratio.unwrap_or_default()
                        ))
                        .collect::<Vec<_>>()
                        .join("、")
                ));
            }
            let out_of: Vec<&crate::inventory::SkuLine> = p
                .skus
                .iter()
                .filter(|k| {
                    k.customer_stockout
                        .is_some_and(|v| v * 100.0 >= p.policy.stockout_flag_pct)
                })
                .take(5)
                .collect();
            if !out_of.is_empty() {
                s.findings.push(format!(
                    "客户断货率 {}% 以上的规格：{}",
                    p.policy.stockout_flag_pct,
                    out_of
                        .iter()
                        .map(|k| k.restored.label.clone())
                        .collect::<Vec<_>>()
                        .join("、")
                ));
            }
            s.table_head = vec![
                "规格".into(),
                "社会库存（条）".into(),
                "存销比".into(),
                "客户断货率".into(),
            ];
            s.table = p
                .skus
                .iter()
                .take(15)
                .map(|k| {
                    vec![
                        k.restored.label.clone(),
                        value_text(k.restored.stock.total, "条"),
                        k.restored
                            .ratio
                            .map(|x| format!("{x:.2}"))
                            .unwrap_or_else(|| "—".into()),
                        k.customer_stockout
                            .map(|v| format!("{:.1}%", v * 100.0))
                            .unwrap_or_else(|| "—".into()),
                    ]
                })
                .collect();
            s.chart_title = "社会库存（条，近 13 个月）".into();
            s.trend = p
                .trend
                .iter()
                .map(|t| (t.month.clone(), Some(t.stock)))
                .collect();
        }
        Err(AppError::NotFound(_)) => s.findings.push(format!("{m} 未抽取信息采集点，无库存数据")),
        Err(e) => return Err(e),
    }
    s.narrative = s.findings.join("；");
    out.push(s);

    // 盈利
    let mut s = section(SectionKind::Profit, figs(&[Kpi::RetailerMargin]));
    match crate::profit::page(app, user, Some(&m.to_string())).await {
        Ok(p) => {
            if let Some(t) = &p.total {
                s.findings.push(format!(
                    "调查 {}/{} 户，价格倒挂 {} 行",
                    t.done, t.surveys, t.sums.inversions
                ));
            }
            let places: Vec<(String, f64)> = p
                .groups
                .iter()
                .filter_map(|g| g.margin_pct.map(|v| (g.label.clone(), v)))
                .collect();
            s.findings
                .extend(spread_sentence("零售户毛利率", &places, "%"));
            if !p.low_skus.is_empty() {
                s.findings.push(format!(
                    "拉低毛利的规格：{}",
                    p.low_skus
                        .iter()
                        .take(3)
                        .map(|k| format!(
                            "{}（{}）",
                            k.name,
                            k.margin_pct.map(|v| format!("{v:.1}%")).unwrap_or_default()
                        ))
                        .collect::<Vec<_>>()
                        .join("、")
                ));
            }
            s.table_head = vec![
                "规格".into(),
                "销量（条）".into(),
                "毛利率".into(),
                "倒挂".into(),
            ];
            s.table = p
                .low_skus
                .iter()
                .map(|k| {
                    vec![
                        k.name.clone(),
                        value_text(k.cartons as f64, "条"),
                        k.margin_pct
                            .map(|v| format!("{v:.1}%"))
                            .unwrap_or_else(|| "—".into()),
                        k.inversions.to_string(),
                    ]
                })
                .collect();
        }
        Err(AppError::NotFound(_)) => s.findings.push(format!("{m} 未开展盈利调查")),
        Err(e) => return Err(e),
    }
    s.narrative = s.findings.join("；");
    out.push(with_trend(s, &kv, Kpi::RetailerMargin));
    Ok(out)
}

fn parse_sections(row: &ReportRow) -> AppResult<Vec<Section>> {
    serde_json::from_str(&row.sections)
        .map_err(|_| AppError::Rule(format!("报告 {} 的内容无法读取", row.id)))
}

async fn row(app: &App, id: i64) -> AppResult<ReportRow> {
    repo::by_id(&app.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("市场分析报告 {id} 不存在")))
}

/// Whether the person reads a report (see the module comment).
fn reads(user: &CurrentUser, scope: Scope, r: &ReportRow) -> bool {
    let within = match scope {
        Scope::Company => true,
        Scope::County(c) => r.county_id == Some(c),
        Scope::Area(a) => r.area_id == Some(a),
        Scope::Rep(_) => false,
    };
    within || r.author_id == user.id
}

/// Whether the person reviews a report: the level above its scope.
fn reviews(user: &CurrentUser, scope: Scope, r: &ReportRow) -> bool {
    if r.author_id == user.id {
        return false;
    }
    if r.scope.starts_with("area:") {
        matches!(user.role, Role::MarketingCenter | Role::Admin)
            || (user.role == Role::MarketingDirector
                && matches!(scope, Scope::County(c) if r.county_id == Some(c)))
    } else if r.scope.starts_with("county:") {
        matches!(user.role, Role::MarketingCenter | Role::Admin)
    } else {
        user.role == Role::Admin
    }
}

/// A report as the person sees it (404 when it does not exist, 403 outside their part).
pub async fn view(app: &App, user: &CurrentUser, id: i64) -> AppResult<ReportView> {
    user.require(&READERS)?;
    let r = row(app, id).await?;
    let scope = Scope::of(&app.db, user).await?;
    if !reads(user, scope, &r) {
        return Err(AppError::Forbidden("该报告不在您的范围内".into()));
    }
    let status = ReportStatus::parse(&r.status).unwrap_or(ReportStatus::Draft);
    Ok(ReportView {
        status_zh: status.zh().into(),
        parsed: parse_sections(&r)?,
        events: repo::events(&app.db, id).await?,
        can_edit: r.author_id == user.id && status.editable(),
        can_review: status.reviewable() && reviews(user, scope, &r),
        row: r,
    })
}

/// The reports the person reads, and the month a new draft would be for.
pub async fn list(app: &App, user: &CurrentUser) -> AppResult<ReportList> {
    user.require(&READERS)?;
    let scope = Scope::of(&app.db, user).await?;
    let (county, area) = match scope {
        Scope::County(c) => (Some(c), None),
        Scope::Area(a) => (None, Some(a)),
        _ => (None, None),
    };
    let rows = repo::list(&app.db, county, area, 200).await?;
    let own = match AUTHORS.contains(&user.role) {
        true => Some(own_scope(app, user).await?.1),
        false => None,
    };
    Ok(ReportList {
        reports: rows
            .into_iter()
            .map(|r| {
                let zh = ReportStatus::parse(&r.status)
                    .map(|s| s.zh().to_string())
                    .unwrap_or_default();
                (r, zh)
            })
            .collect(),
        own_scope: own,
        draft_month: crate::retailers::last_complete_month(app)
            .await?
            .to_string(),
    })
}

/// Draft the report of the person's scope for `month` (409 when it exists).
pub async fn create(app: &App, user: &CurrentUser, month: &str) -> AppResult<ReportView> {
    let (scope, label, county, area) = own_scope(app, user).await?;
    let m = crate::error::month_field("month", month)?;
    if m > Month::of(app.clock.today()) {
        return Err(AppError::invalid("month", format!("{m} 尚未开始")));
    }
    if let Some(id) = repo::of_scope(&app.db, &scope, &m.to_string()).await? {
        return Err(AppError::Conflict(format!(
            "{label} {m} 的报告已存在（编号 {id}）"
        )));
    }
    let sections = draft(app, user, &scope, m).await?;
    let json =
        serde_json::to_string(&sections).map_err(|_| AppError::Rule("报告无法保存".into()))?;
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let id = repo::insert(
        &mut tx,
        &m.to_string(),
        &scope,
        &label,
        county,
        area,
        user.id,
        &json,
        now,
    )
    .await?
    .ok_or_else(|| AppError::Conflict(format!("{label} {m} 的报告已存在")))?;
    repo::event(&mut tx, id, "CREATE", user.id, "", now).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "report.create",
        "market_report",
        &id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "scope": scope, "month": m.to_string() })),
    )
    .await?;
    tx.commit().await?;
    view(app, user, id).await
}

/// The author's narratives and measures (a draft or a returned report; a stale version → 409).
pub async fn edit(
    app: &App, user: &CurrentUser, id: i64, texts: &[SectionText], version: i64,
) -> AppResult<ReportView> {
    user.require(&AUTHORS)?;
    let r = row(app, id).await?;
    if r.author_id != user.id {
        return Err(AppError::Forbidden("只有报告作者可以修改".into()));
    }
    let max = app.policy().await?.limits.max_text_chars;
    let mut sections = parse_sections(&r)?;
    let before = sections.clone();
    for (i, t) in texts.iter().enumerate() {
        let s = sections
            .iter_mut()
            .find(|s| s.kind == t.kind.trim())
            .ok_or_else(|| {
                AppError::invalid(
                    format!("sections[{i}].kind"),
                    format!("没有章节「{}」", t.kind),
                )
            })?;
        for (field, v) in [("narrative", &t.narrative), ("measures", &t.measures)] {
            if v.chars().count() > max {
                return Err(AppError::invalid(
                    format!("sections[{i}].{field}"),
                    format!("「{}」不超过 {max} 字", s.title),
                ));
            }
        }
        s.narrative = t.narrative.trim().to_string();
        s.measures = t.measures.trim().to_string();
    }
    let json =
        serde_json::to_string(&sections).map_err(|_| AppError::Rule("报告无法保存".into()))?;
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    if !repo::update(
        &mut tx,
        id,
        version,
        &["DRAFT", "RETURNED"],
        &r.status,
        Some(&json),
        now,
    )
    .await?
    {
        return Err(conflict(app, id).await);
    }
    repo::event(&mut tx, id, "EDIT", user.id, "", now).await?;
    let texts_of = |v: &[Section]| -> Vec<(String, String, String)> {
        v.iter()
            .map(|s| (s.kind.clone(), s.narrative.clone(), s.measures.clone()))
            .collect()
    };
    store::audit::record(
        &mut tx,
        &user.actor(),
        "report.edit",
        "market_report",
        &id.to_string(),
        Some(&texts_of(&before)),
        Some(&texts_of(&sections)),
    )
    .await?;
    tx.commit().await?;
    view(app, user, id).await
}

async fn conflict(app: &App, id: i64) -> AppError {
    match repo::by_id(&app.db, id).await {
        Ok(Some(r)) => AppError::Conflict(format!(
            "报告已变化（当前状态：{}），请刷新后再操作",
            ReportStatus::parse(&r.status).map(|s| s.zh()).unwrap_or("")
        )),
        _ => AppError::Conflict("报告已变化，请刷新后再操作".into()),
    }
}

/// Submit (the author), return with a comment or accept (the level above).
pub async fn act(
    app: &App, user: &CurrentUser, id: i64, action: &str, comment: &str, version: i64,
) -> AppResult<ReportView> {
    user.require(&READERS)?;
    let r = row(app, id).await?;
    let scope = Scope::of(&app.db, user).await?;
    if !reads(user, scope, &r) {
        return Err(AppError::Forbidden("该报告不在您的范围内".into()));
    }
    let comment = comment.trim();
    let max = app.policy().await?.limits.max_text_chars;
    if comment.chars().count() > max {
        return Err(AppError::invalid("comment", format!("意见不超过 {max} 字")));
    }
    let (from, to, audit): (&[&str], ReportStatus, &str) = match action.trim() {
        "SUBMIT" => {
            if r.author_id != user.id {
                return Err(AppError::Forbidden("只有报告作者可以提交".into()));
            }
            (
                &["DRAFT", "RETURNED"],
                ReportStatus::Submitted,
                "report.submit",
            )
        }
        "RETURN" | "ACCEPT" => {
            if !reviews(user, scope, &r) {
                return Err(AppError::Forbidden("只有上级可以审核该报告".into()));
            }
            if action.trim() == "RETURN" {
                if comment.is_empty() {
                    return Err(AppError::invalid("comment", "退回时请填写修改意见"));
                }
                (&["SUBMITTED"], ReportStatus::Returned, "report.return")
            } else {
                (&["SUBMITTED"], ReportStatus::Accepted, "report.accept")
            }
        }
        other => {
            return Err(AppError::invalid(
                "action",
                format!("无效的操作「{other}」，可选 SUBMIT、RETURN、ACCEPT"),
            ));
        }
    };
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    if !repo::update(&mut tx, id, version, from, to.code(), None, now).await? {
        return Err(conflict(app, id).await);
    }
    repo::event(&mut tx, id, action.trim(), user.id, comment, now).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        audit,
        "market_report",
        &id.to_string(),
        Some(&serde_json::json!({ "status": r.status })),
        Some(&serde_json::json!({ "status": to.code(), "comment": comment })),
    )
    .await?;
    tx.commit().await?;
    view(app, user, id).await
}

/// The demo city's reports: last complete month's of every area, county and the company, the
/// areas' accepted, the counties' submitted, the company's a draft.
pub async fn demo_history(app: &App) -> AppResult<usize> {
    let m = crate::retailers::last_complete_month(app).await?;
    let mut n = 0;
    for role in [
        Role::MarketManager,
        Role::MarketingDirector,
        Role::MarketingCenter,
    ] {
        let people = store::repo::staff::list(&app.db, Some(role.code()), None).await?;
        let mut seen = std::collections::HashSet::new();
        for p in people {
            let u = CurrentUser::from_staff(&p)?;
            let Ok((scope, ..)) = own_scope(app, &u).await else {
                continue;
            };
            if !seen.insert(scope) {
                continue;
            }
            let r = create(app, &u, &m.to_string()).await?;
            n += 1;
            if role == Role::MarketingCenter {
                continue;
            }
            let r = act(app, &u, r.row.id, "SUBMIT", "", r.row.version).await?;
            if role == Role::MarketManager
                && let Some(d) = reviewer_of(app, &r.row).await?
            {
                act(
                    app,
                    &d,
                    r.row.id,
                    "ACCEPT",
                    "分析到位，措施可行",
                    r.row.version,
                )
                .await?;
            }
        }
    }
    Ok(n)
}

/// A director of the report's county (the demo's reviewer of an area's report).
async fn reviewer_of(app: &App, r: &ReportRow) -> AppResult<Option<CurrentUser>> {
    for p in store::repo::staff::list(&app.db, Some(Role::MarketingDirector.code()), None).await? {
        let u = CurrentUser::from_staff(&p)?;
        if matches!(Scope::of(&app.db, &u).await?, Scope::County(c) if r.county_id == Some(c)) {
            return Ok(Some(u));
        }
    }
    Ok(None)
}
