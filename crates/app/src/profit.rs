//! 零售户盈利调查 (domain.md §6 零售户毛利率 ≥ 11.2 %, §7 ⑥ 盈利调查; formulas and the monthly
//! pick in `domain::profit`).
//!
//! - **The month's list**: the marketing centre draws it (a share of each rep's retailers from the
//!   policy, those surveyed longest ago first, so everyone is surveyed within a year).
//! - **Entry** by the rep on the phone: per SKU the quantity sold in the month and the actual
//!   retail price, pre-filled from the retailer's sample-point collection where there is one,
//!   else with the SKUs it bought; the wholesale price of the day is kept with each line. A stale
//!   version → 409; every entry in the audit trail.
//! - **Figures**: 条毛利, 条毛利率 per line; the gross margin of the retailer, rep, area, county and
//!   company against the target; price inversions and the SKUs that pull the margin down; the
//!   13-month trend of the scope.
//!
//! Who: everyone but 专卖人员 reads the figures of their scope; the rep of the retailer (their
//! market manager, the centre, the admin) enters; the centre and the admin draw.
use crate::access::{CurrentUser, Scope};
use crate::products::by_id as products;
use crate::{App, AppError, AppResult};
use domain::Month;
use domain::profit::{MarginSums, carton_margin, carton_margin_pct, inverted};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use store::model::Product;
use store::repo::profit::{self as repo, LineRow, SurveyRow};

use crate::access::CENTER as DRAWERS;
use crate::access::FIELD_WRITERS as ENTRANTS;
use crate::access::MARKET_READERS as READERS;
const SURVEYS_SHOWN: i64 = 500;
const INVERSIONS_SHOWN: i64 = 50;
/// Seed of the monthly pick's tie-break (the pick is reproducible from the history).
const PICK_SEED: u64 = 0x0135_0011;

/// One line as typed (price in 元/条).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LineInput {
    pub sku_code: String,
    pub qty: i64,
    pub retail_price: String,
}

/// An entry: the lines and the survey's version as read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SurveyInput {
    pub lines: Vec<LineInput>,
    pub version: i64,
}

/// The figures of a group (a rep, area, county, the scope).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub key: i64,
    pub label: String,
    pub surveys: i64,
    pub done: i64,
    pub sums: MarginSums,
    pub margin_pct: Option<f64>,
    pub met: Option<bool>,
}

/// A SKU's margin over the scope's surveys.
#[derive(Debug, Clone, Serialize)]
pub struct SkuMargin {
    pub sku_code: String,
    pub name: String,
    pub cartons: i64,
    pub revenue_fen: i64,
    pub margin_pct: Option<f64>,
    pub inversions: i64,
}

/// An inversion with its SKU in words.
#[derive(Debug, Clone, Serialize)]
pub struct InversionView {
    #[serde(flatten)]
    pub row: repo::Inversion,
    pub sku_code: String,
    pub name: String,
    /// 条毛利 (negative), 分.
    pub carton_margin_fen: i64,
}

/// The profit survey page.
#[derive(Debug, Clone, Serialize)]
pub struct ProfitPage {
    pub months: Vec<String>,
    pub month: Option<String>,
    pub target_pct: f64,
    pub share_pct: f64,
    pub total: Option<Group>,
    /// The children of the scope (reps of an area, areas of a county, counties of the company).
    pub groups: Vec<Group>,
    pub group_label: &'static str,
    /// The scope's gross margin by month, %.
    pub trend: Vec<(String, Option<f64>)>,
    pub low_skus: Vec<SkuMargin>,
    pub inversions: Vec<InversionView>,
    pub surveys: Vec<SurveyLine>,
    pub can_draw: bool,
    pub next_draw: Option<String>,
}

/// A survey of the month's list with its margin.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyLine {
    #[serde(flatten)]
    pub row: SurveyRow,
    pub margin_pct: Option<f64>,
}

/// The sums of a [`repo::sums`] row: (month, group, surveys, done, revenue, margin, cartons,
/// inversions).
fn sums_of(r: &(String, i64, i64, i64, i64, i64, i64, i64)) -> MarginSums {
    MarginSums {
        revenue_fen: r.4 as i128,
        margin_fen: r.5 as i128,
        cartons: r.6,
        inversions: r.7,
    }
}

/// A survey's stored sums.
fn sums_of_row(s: &SurveyRow) -> MarginSums {
    MarginSums {
        revenue_fen: s.revenue_fen as i128,
        margin_fen: s.margin_fen as i128,
        cartons: s.cartons,
        inversions: s.inversions,
    }
}

/// One SKU row of the entry form.
#[derive(Debug, Clone, Serialize)]
pub struct FormLine {
    pub sku_code: String,
    pub name: String,
    pub wholesale_fen: i64,
    pub suggested_fen: i64,
    pub qty: Option<i64>,
    pub retail_price_fen: Option<i64>,
    /// Pre-filled from the sample-point collection of the month.
    pub from_collection: bool,
    /// 条毛利 and 条毛利率 of the entered price.
    pub carton_margin_fen: Option<i64>,
    pub carton_margin_pct: Option<f64>,
    pub inverted: bool,
}

/// A survey's entry page.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyPage {
    pub survey: SurveyRow,
    pub lines: Vec<FormLine>,
    pub margin_pct: Option<f64>,
    /// The margin is at or above the target.
    pub met: Option<bool>,
    pub target_pct: f64,
    pub can_enter: bool,
}

fn month_field(s: &str) -> AppResult<Month> {
    crate::error::month_field("month", s)
}

/// Draw a month's list (see the module comment); 409 when drawn already.
pub async fn draw(app: &App, user: &CurrentUser, month: &str) -> AppResult<(String, usize)> {
    user.require(&DRAWERS)?;
    let month = month_field(month)?;
    if month > Month::of(app.clock.today()).next() {
        return Err(AppError::invalid("month", format!("{month} 晚于下月")));
    }
    let n = draw_month(app, &user.actor(), month).await?;
    Ok((month.to_string(), n))
}

async fn draw_month(app: &App, actor: &store::audit::Actor, month: Month) -> AppResult<usize> {
    let share = app.policy().await?.profit.share_pct;
    let frame = repo::frame(&app.db).await?;
    // (rep, [(retailer, last month surveyed)])
    type Candidates = Vec<(i64, Option<String>)>;
    let mut by_rep: Vec<(i64, Candidates)> = Vec::new();
    for (rep, r, last) in frame {
        match by_rep.last_mut() {
            Some((k, v)) if *k == rep => v.push((r, last)),
            _ => by_rep.push((rep, vec![(r, last)])),
        }
    }
    let mut rows = Vec::new();
    for (rep, retailers) in &by_rep {
        for id in domain::profit::pick(retailers, share, PICK_SEED, month.index() as u64) {
            rows.push((id, *rep));
        }
    }
    let m = month.to_string();
    let mut tx = app.db.begin().await?;
    if repo::drawn(&mut tx, &m).await? {
        return Err(AppError::Conflict(format!("{m} 的盈利调查名单已生成")));
    }
    repo::insert(&mut tx, &m, &rows).await?;
    store::audit::record(
        &mut tx,
        actor,
        "profit.draw",
        "profit_survey",
        &m,
        None::<&()>,
        Some(&serde_json::json!({ "month": m, "surveys": rows.len(), "share_pct": share })),
    )
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}

fn group(key: i64, label: String, surveys: i64, done: i64, sums: MarginSums, target: f64) -> Group {
    let margin_pct = sums.pct();
    Group {
        key,
        label,
        surveys,
        done,
        sums,
        margin_pct,
        met: margin_pct.map(|p| p >= target),
    }
}

/// The page (see the module comment).
pub async fn page(app: &App, user: &CurrentUser, month: Option<&str>) -> AppResult<ProfitPage> {
    user.require(&READERS)?;
    let policy = app.policy().await?;
    let target = policy.kpi_targets.retailer_gross_margin_pct;
    let months = repo::months(&app.db).await?;
    let this = Month::of(app.clock.today());
    let can_draw = DRAWERS.contains(&user.role);
    let next_draw = can_draw
        .then(|| match months.first() {
            Some(m) => Month::parse(m).ok().map(Month::next).filter(|n| *n <= this),
            None => Some(this),
        })
        .flatten()
        .map(|m| m.to_string());
    let scope = Scope::of(&app.db, user).await?;
    let ids = scope.ids();
    let mut out = ProfitPage {
        months: months.clone(),
        month: None,
        target_pct: target,
        share_pct: policy.profit.share_pct,
        total: None,
        groups: Vec::new(),
        group_label: "",
        trend: Vec::new(),
        low_skus: Vec::new(),
        inversions: Vec::new(),
        surveys: Vec::new(),
        can_draw,
        next_draw,
    };
    let month = match month.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => {
            let m = month_field(m)?;
            if !months.contains(&m.to_string()) {
                return Err(AppError::NotFound(format!("{m} 未生成盈利调查名单")));
            }
            m
        }
        None => {
            // the latest month with entries of this scope, else the latest drawn
            let sums = match months.first() {
                Some(last) => {
                    let from = Month::parse(last)
                        .map(|m| m.plus(-12).to_string())
                        .unwrap_or_default();
                    repo::sums(&app.db, ids, None, "", &from, last).await?
                }
                None => Vec::new(),
            };
            match sums
                .iter()
                .rev()
                .find(|s| s.3 > 0)
                .map(|s| s.0.clone())
                .or(months.first().cloned())
            {
                Some(m) => month_field(&m)?,
                None => return Ok(out),
            }
        }
    };
    let m = month.to_string();
    let (label, col) = scope.children().unwrap_or(("", ""));
    out.group_label = label;
    for r in repo::sums(&app.db, ids, None, "", &month.plus(-12).to_string(), &m).await? {
        let s = sums_of(&r);
        out.trend.push((r.0.clone(), s.pct()));
        if r.0 == m {
            out.total = Some(group(0, "合计".into(), r.2, r.3, s, target));
        }
    }
    if !col.is_empty() {
        let names = crate::access::Names::load(&app.db).await?;
        for r in repo::sums(&app.db, ids, None, col, &m, &m).await? {
            let label = names.of(col, r.1);
            out.groups
                .push(group(r.1, label, r.2, r.3, sums_of(&r), target));
        }
        out.groups.sort_by(|a, b| {
            a.margin_pct
                .unwrap_or(f64::MAX)
                .total_cmp(&b.margin_pct.unwrap_or(f64::MAX))
        });
    }
    let products = products(app).await?;
    let name = |pid: i64| {
        products
            .get(&pid)
            .map(|p| (p.sku_code.clone(), format!("{} {}", p.brand, p.spec_name)))
            .unwrap_or_default()
    };
    out.low_skus = low_skus(app, &products, ids, &m, policy.profit.low_skus).await?;
    out.inversions = repo::inversions(&app.db, ids, &m, INVERSIONS_SHOWN)
        .await?
        .into_iter()
        .map(|row| {
            let (sku_code, name) = name(row.product_id);
            InversionView {
                carton_margin_fen: carton_margin(row.retail_price_fen, row.wholesale_price_fen),
                sku_code,
                name,
                row,
            }
        })
        .collect();
    out.surveys = repo::list(&app.db, ids, &m, SURVEYS_SHOWN)
        .await?
        .into_iter()
        .map(|row| SurveyLine {
            margin_pct: sums_of_row(&row).pct(),
            row,
        })
        .collect();
    out.month = Some(m);
    Ok(out)
}

/// The SKUs with the lowest margin over a scope's surveys of a month, at most `n`.
async fn low_skus(
    app: &App, products: &HashMap<i64, Product>, ids: store::repo::ScopeIds, m: &str, n: usize,
) -> AppResult<Vec<SkuMargin>> {
    let mut skus: Vec<SkuMargin> = repo::by_sku(&app.db, ids, m)
        .await?
        .into_iter()
        .filter(|r| r.3 > 0)
        .map(|(pid, revenue, margin, cartons, inv)| {
            let p = products.get(&pid);
            SkuMargin {
                sku_code: p.map(|p| p.sku_code.clone()).unwrap_or_default(),
                name: p
                    .map(|p| format!("{} {}", p.brand, p.spec_name))
                    .unwrap_or_default(),
                cartons,
                revenue_fen: revenue,
                margin_pct: MarginSums {
                    revenue_fen: revenue as i128,
                    margin_fen: margin as i128,
                    ..Default::default()
                }
                .pct(),
                inversions: inv,
            }
        })
        .collect();
    skus.sort_by(|a, b| {
        a.margin_pct
            .unwrap_or(f64::MAX)
            .total_cmp(&b.margin_pct.unwrap_or(f64::MAX))
    });
    skus.truncate(n);
    Ok(skus)
}

/// The person's scope in the latest month with entries — its figures and its `n` weakest SKUs —
/// for the 135 page (the page's trend, groups and lists left out).
pub async fn summary(
    app: &App, user: &CurrentUser, n: usize,
) -> AppResult<Option<(String, Group, Vec<SkuMargin>)>> {
    user.require(&READERS)?;
    let months = repo::months(&app.db).await?;
    let (Some(last), Some(first)) = (months.first(), months.get(12).or(months.last())) else {
        return Ok(None);
    };
    let target = app.policy().await?.kpi_targets.retailer_gross_margin_pct;
    let ids = Scope::of(&app.db, user).await?.ids();
    let Some(r) = repo::sums(&app.db, ids, None, "", first, last)
        .await?
        .into_iter()
        .rev()
        .find(|r| r.3 > 0)
    else {
        return Ok(None);
    };
    let sums = sums_of(&r);
    let skus = low_skus(app, &products(app).await?, ids, &r.0, n).await?;
    Ok(Some((
        r.0.clone(),
        group(0, "合计".into(), r.2, r.3, sums, target),
        skus,
    )))
}

async fn survey_for(app: &App, user: &CurrentUser, id: i64) -> AppResult<SurveyRow> {
    user.require(&READERS)?;
    let s = repo::by_id(&app.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("盈利调查 {id} 不存在")))?;
    let scope = Scope::of(&app.db, user).await?;
    if !store::repo::retailer::in_scope(&app.db, scope.ids(), s.retailer_id).await? {
        return Err(AppError::Forbidden(scope.refusal().into()));
    }
    Ok(s)
}

/// A survey's entry page: its lines, or the pre-filled form.
pub async fn survey(app: &App, user: &CurrentUser, id: i64) -> AppResult<SurveyPage> {
    let s = survey_for(app, user, id).await?;
    let target = app.policy().await?.kpi_targets.retailer_gross_margin_pct;
    let products = products(app).await?;
    let month = month_field(&s.month)?;
    let mut lines: Vec<FormLine> = Vec::new();
    let entered = repo::lines(&app.db, id).await?;
    let form =
        |p: &Product, qty: Option<i64>, price: Option<i64>, wholesale: i64, from: bool| FormLine {
            sku_code: p.sku_code.clone(),
            name: format!("{} {}", p.brand, p.spec_name),
            wholesale_fen: wholesale,
            suggested_fen: p.suggested_retail_price_fen,
            qty,
            retail_price_fen: price,
            from_collection: from,
            carton_margin_fen: price.map(|r| carton_margin(r, wholesale)),
            carton_margin_pct: price.and_then(|r| carton_margin_pct(r, wholesale)),
            inverted: price.is_some_and(|r| inverted(r, wholesale)),
        };
    if entered.is_empty() {
        let collected = store::repo::inventory::counts(&app.db, &s.month, s.retailer_id).await?;
        let m = month.to_string();
        let bought = store::repo::inventory::bought(
            &app.db,
            s.retailer_id,
            &month.plus(-2).to_string(),
            &m,
            &m,
        )
        .await?;
        for c in &collected {
            if let Some(p) = products.get(&c.product_id) {
                lines.push(form(
                    p,
                    Some(c.sales_qty),
                    Some(c.retail_price_fen),
                    p.wholesale_price_fen,
                    true,
                ));
            }
        }
        for (pid, _) in bought {
            if collected.iter().any(|c| c.product_id == pid) {
                continue;
            }
            if let Some(p) = products.get(&pid) {
                lines.push(form(p, None, None, p.wholesale_price_fen, false));
            }
        }
    } else {
        for l in &entered {
            if let Some(p) = products.get(&l.product_id) {
                lines.push(form(
                    p,
                    Some(l.qty),
                    Some(l.retail_price_fen),
                    l.wholesale_price_fen,
                    false,
                ));
            }
        }
    }
    let margin_pct = (s.status == "DONE")
        .then(|| sums_of_row(&s).pct())
        .flatten();
    Ok(SurveyPage {
        met: margin_pct.map(|p| p >= target),
        margin_pct,
        target_pct: target,
        can_enter: ENTRANTS.contains(&user.role),
        lines,
        survey: s,
    })
}

/// Enter (or correct) a survey; see the module comment.
pub async fn enter(
    app: &App, user: &CurrentUser, id: i64, input: &SurveyInput,
) -> AppResult<SurveyPage> {
    user.require(&ENTRANTS)?;
    let s = survey_for(app, user, id).await?;
    let policy = app.policy().await?;
    let max_price = policy.inventory.max_price_fen;
    let products = products(app).await?;
    let by_code: HashMap<&str, &Product> = products
        .values()
        .map(|p| (p.sku_code.as_str(), p))
        .collect();
    let mut rows: Vec<LineRow> = Vec::new();
    let mut sums = MarginSums::default();
    for (i, l) in input.lines.iter().enumerate() {
        let at = format!("第 {} 行：", i + 1);
        let code = l.sku_code.trim();
        let p = by_code.get(code).ok_or_else(|| {
            AppError::invalid(
                format!("lines[{i}].sku_code"),
                format!("{at}卷烟代码「{code}」不存在"),
            )
        })?;
        if rows.iter().any(|r| r.product_id == p.id) {
            return Err(AppError::invalid(
                format!("lines[{i}].sku_code"),
                format!("{at}卷烟代码「{code}」重复"),
            ));
        }
        if !(0..=policy.profit.max_qty).contains(&l.qty) {
            return Err(AppError::invalid(
                format!("lines[{i}].qty"),
                format!(
                    "{at}销量应在 0–{} 条之间，收到 {}",
                    policy.profit.max_qty, l.qty
                ),
            ));
        }
        let price = domain::Fen::parse_yuan(l.retail_price.trim())
            .map_err(|e| {
                AppError::invalid(
                    format!("lines[{i}].retail_price"),
                    format!("{at}零售价：{}", e.message),
                )
            })?
            .0;
        if !(1..=max_price).contains(&price) {
            return Err(AppError::invalid(
                format!("lines[{i}].retail_price"),
                format!("{at}零售价应在 0.01–{} 元/条之间", max_price / 100),
            ));
        }
        sums.add(l.qty, price, p.wholesale_price_fen);
        rows.push(LineRow {
            product_id: p.id,
            qty: l.qty,
            retail_price_fen: price,
            wholesale_price_fen: p.wholesale_price_fen,
        });
    }
    if sums.cartons == 0 {
        return Err(AppError::invalid("lines", "请至少录入一个规格的销量"));
    }
    let fit = |v: i128, field: &str| {
        i64::try_from(v).map_err(|_| AppError::invalid(field.to_string(), "金额合计过大"))
    };
    let totals = (
        fit(sums.revenue_fen, "lines")?,
        fit(sums.margin_fen, "lines")?,
        sums.cartons,
        sums.inversions,
    );
    let before = repo::lines(&app.db, id).await?;
    let mut tx = app.db.begin().await?;
    if !repo::save(
        &mut tx,
        id,
        input.version,
        &rows,
        totals,
        user.id,
        app.clock.now(),
    )
    .await?
    {
        return Err(AppError::Conflict(
            "该调查已被他人修改（版本已变化），请刷新后重新录入".into(),
        ));
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "profit.enter",
        "profit_survey",
        &format!("{}/{}", s.month, s.customer_code),
        Some(&before),
        Some(&rows),
    )
    .await?;
    tx.commit().await?;
    survey(app, user, id).await
}

/// The demo city's history (§7 ⑥): the last thirteen months' lists drawn and entered by the reps
/// — the six SKUs a retailer bought most, sales and prices from its sample-point collection where
/// there is one, else near its purchases and the guide (tight SKUs a little above it, slow ones
/// below, one slow line in thirty under the wholesale price) — and this month's list drawn.
pub async fn demo_history(app: &App, actor: &store::audit::Actor) -> AppResult<usize> {
    let Some((end, _)) = crate::demo::close_basis(app).await? else {
        return Ok(0);
    };
    let this = Month::of(app.clock.today()).max(end);
    let products = products(app).await?;
    let mut written = 0;
    let mut month = end.plus(-12);
    loop {
        draw_month(app, actor, month).await?;
        if month > end {
            break;
        }
        let m = month.to_string();
        let basis = repo::demo_basis(&app.db, &m).await?;
        let mut rows: Vec<(i64, LineRow)> = Vec::new();
        let mut last = (0i64, 0usize);
        for (sid, rid, pid, supplied, sold, price) in basis {
            if last.0 == sid {
                last.1 += 1;
            } else {
                last = (sid, 1);
            }
            let Some(p) = products.get(&pid) else {
                continue;
            };
            if last.1 > 6 {
                continue;
            }
            let u = |k: i64| {
                (domain::inventory::draw_key(
                    PICK_SEED,
                    month.index() as u64,
                    rid * 10_000 + pid * 7 + k,
                ) >> 11) as f64
                    / (1u64 << 53) as f64
            };
            let qty = sold.unwrap_or_else(|| (supplied as f64 * (0.9 + 0.2 * u(1))).round() as i64);
            let retail = price.unwrap_or_else(|| {
                let f = match p.supply_status.as_str() {
                    "TIGHT" => 1.0 + 0.08 * u(2),
                    "SLOW" if u(3) < 1.0 / 30.0 => {
                        p.wholesale_price_fen as f64 * 0.97
                            / p.suggested_retail_price_fen.max(1) as f64
                    }
                    "SLOW" => 0.88 + 0.09 * u(2),
                    _ => 0.93 + 0.08 * u(2),
                };
                ((p.suggested_retail_price_fen as f64 * f) / 100.0).round() as i64 * 100
            });
            rows.push((
                sid,
                LineRow {
                    product_id: pid,
                    qty: qty.max(0),
                    retail_price_fen: retail.max(1),
                    wholesale_price_fen: p.wholesale_price_fen,
                },
            ));
        }
        let at = month
            .day(month.days().min(28))
            .and_hms_opt(17, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_else(|| app.clock.now());
        let mut tx = app.db.begin().await?;
        repo::insert_lines(&mut tx, &rows).await?;
        repo::settle(&mut tx, &m, at).await?;
        store::audit::record(
            &mut tx,
            actor,
            "profit.enter",
            "profit_survey",
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

/// The KPI page's 零售户毛利率 (domain.md §6): (Σ revenue, Σ margin) of the surveys of a scope —
/// or of one retailer — per month of `months`.
pub async fn kpi_months(
    app: &App, ids: store::repo::ScopeIds, retailer: Option<i64>, months: &[Month],
) -> AppResult<Vec<(i64, i64)>> {
    let (Some(first), Some(last)) = (months.iter().min(), months.iter().max()) else {
        return Ok(Vec::new());
    };
    let rows = repo::sums(
        &app.db,
        ids,
        retailer,
        "",
        &first.to_string(),
        &last.to_string(),
    )
    .await?;
    Ok(months
        .iter()
        .map(|m| {
            let m = m.to_string();
            rows.iter()
                .find(|r| r.0 == m)
                .map_or((0, 0), |r| (r.4, r.5))
        })
        .collect())
}

/// The same for the places one level down: `group` a retailer column (county_id, area_id,
/// account_manager_id, retailer_id) → place → (Σ revenue, Σ margin).
pub async fn kpi_children(
    app: &App, ids: store::repo::ScopeIds, group: &str, month: Month,
) -> AppResult<HashMap<i64, (i64, i64)>> {
    let m = month.to_string();
    Ok(repo::sums(&app.db, ids, None, group, &m, &m)
        .await?
        .into_iter()
        .map(|r| (r.1, (r.4, r.5)))
        .collect())
}
