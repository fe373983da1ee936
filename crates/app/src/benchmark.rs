//! 标杆终端 (domain.md §10 精诚打造终端): an account manager designates 3–4 benchmark terminals
//! (rural territories 1–2; policy `benchmark`) among the modern terminals (现代终端) of their
//! territory, scores each on the policy's rubric when visiting, and records the monthly in-store
//! service day (驻店式服务) as a visit of kind `IN_STORE_DAY`. Each terminal's last complete month
//! is set against its cluster — the retailers of the same market area and business format.
//!
//! Who: the rep designates, scores and records their own; their market manager may remove one;
//! market managers, directors, the center and the administrator see their scope's (with each
//! rep's count against the target). Every write is in the audit trail.
use crate::access::{CurrentUser, Scope};
use crate::{App, AppError, AppResult};
use chrono::{Duration, NaiveDate};
use domain::kpi::{Kpi, KpiSums, avg_price};
use domain::org::Role;
use domain::retailer::{BusinessFormat, MarketType};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use store::repo::ScopeIds;
use store::repo::benchmark::{self as repo, BenchRow, ScoreRow};

/// A terminal's month against its cluster (per buying retailer of the cluster).
#[derive(Debug, Clone, Serialize)]
pub struct ClusterCompare {
    pub month: String,
    pub cluster: String,
    pub cluster_buyers: i64,
    pub qty: i64,
    pub cluster_avg_qty: Option<f64>,
    /// 重点品牌销售比重, %.
    pub key_share_pct: Option<f64>,
    pub cluster_key_share_pct: Option<f64>,
    /// 条均价, 元.
    pub avg_price: Option<f64>,
    pub cluster_avg_price: Option<f64>,
}

/// A terminal with its score sheets, in-store days and cluster comparison.
#[derive(Debug, Clone, Serialize)]
pub struct BenchView {
    #[serde(flatten)]
    pub row: BenchRow,
    pub format_zh: String,
    pub scores: Vec<ScoreRow>,
    /// The in-store days, newest first (China-time date).
    pub in_store_days: Vec<String>,
    /// An in-store day in the current month.
    pub in_store_this_month: bool,
    /// Shown for a rep's and an area's terminals and on a terminal's own page (a county's or
    /// the company's list shows the counts and scores).
    pub compare: Option<ClusterCompare>,
}

/// A rep's count against the target.
#[derive(Debug, Clone, Serialize)]
pub struct RepCount {
    pub rep_id: i64,
    pub rep: String,
    pub count: i64,
    pub target: u32,
    pub most: u32,
    pub met: bool,
}

/// The benchmark page of a person.
#[derive(Debug, Clone, Serialize)]
pub struct BenchPage {
    pub terminals: Vec<BenchView>,
    pub reps: Vec<RepCount>,
    /// The rep's own: candidates (modern terminals not yet designated) as (code, name).
    pub candidates: Vec<(String, String)>,
    pub is_rep: bool,
    pub rubric: Vec<domain::config::RubricItem>,
    pub full_score: i64,
    pub today: String,
}

/// What the read side needs once per request: the policy, the org units, the last complete
/// month (a page of many terminals reads each once, not once per terminal).
struct Ctx {
    policy: domain::config::Policy,
    units: HashMap<i64, store::model::OrgUnit>,
    month: domain::Month,
}

async fn ctx(app: &App) -> AppResult<Ctx> {
    Ok(Ctx {
        policy: app.policy().await?,
        units: store::repo::staff::org_units(&app.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect(),
        month: crate::retailers::last_complete_month(app).await?,
    })
}

impl Ctx {
    /// (target, most) of a rep by their area's market type.
    fn band_of(&self, rep: &store::model::Staff) -> (u32, u32) {
        let market = rep
            .org_unit_id
            .and_then(|a| self.units.get(&a))
            .and_then(|u| u.market_type.as_deref())
            .and_then(|m| MarketType::parse(m).ok())
            .unwrap_or(MarketType::Urban);
        self.policy.benchmark.band(market)
    }

    fn county_of(&self, area: Option<i64>) -> Option<i64> {
        area.and_then(|a| self.units.get(&a))
            .and_then(|u| u.parent_id)
    }
}

/// (target, most) of a rep.
async fn band_of(app: &App, rep: &store::model::Staff) -> AppResult<(u32, u32)> {
    Ok(ctx(app).await?.band_of(rep))
}

/// Counts per rep of a scope against their targets (every rep of the scope, none left out).
pub async fn rep_counts(app: &App, scope: ScopeIds) -> AppResult<Vec<RepCount>> {
    let c = ctx(app).await?;
    rep_counts_in(app, &c, scope).await
}

async fn rep_counts_in(app: &App, c: &Ctx, scope: ScopeIds) -> AppResult<Vec<RepCount>> {
    let counts: HashMap<i64, i64> = repo::count_by_rep(&app.db, scope)
        .await?
        .into_iter()
        .collect();
    let reps = store::repo::staff::list(&app.db, Some(Role::AccountManager.code()), None).await?;
    let mut out = Vec::new();
    for r in reps {
        let inside = match (scope.rep_id, scope.area_id, scope.county_id) {
            (Some(id), _, _) => r.id == id,
            (None, Some(a), _) => r.org_unit_id == Some(a),
            (None, None, Some(county)) => c.county_of(r.org_unit_id) == Some(county),
            (None, None, None) => true,
        };
        if !inside || !r.active {
            continue;
        }
        let (target, most) = c.band_of(&r);
        let count = counts.get(&r.id).copied().unwrap_or(0);
        out.push(RepCount {
            rep_id: r.id,
            rep: format!("{}（{}）", r.name, r.username),
            count,
            target,
            most,
            met: count >= target as i64,
        });
    }
    Ok(out)
}

fn format_zh(code: &str) -> String {
    BusinessFormat::parse(code)
        .map(|f| f.zh().to_string())
        .unwrap_or_else(|_| code.to_string())
}

/// Terminals with their history, and (when asked) each one's month against its cluster: the
/// scores, in-store days and own months read for all of them at once, each cluster once.
async fn views(
    app: &App, c: &Ctx, rows: Vec<BenchRow>, with_compare: bool,
) -> AppResult<Vec<BenchView>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let retailers: Vec<i64> = rows.iter().map(|r| r.retailer_id).collect();
    let mut scores: HashMap<i64, Vec<ScoreRow>> = HashMap::new();
    for s in repo::scores_of(&app.db, &ids, 12).await? {
        scores.entry(s.benchmark_id).or_default().push(s);
    }
    let mut days: HashMap<i64, Vec<String>> = HashMap::new();
    for (rid, start) in repo::in_store_days_of(&app.db, &retailers, 12).await? {
        days.entry(rid)
            .or_default()
            .push(domain::visit::china_day(start).to_string());
    }
    let ms = c.month.to_string();
    let own: HashMap<i64, store::repo::kpi::PlaceMonth> = if with_compare {
        store::repo::kpi::retailers_month(&app.db, &retailers, &ms)
            .await?
            .into_iter()
            .map(|r| (r.place, r))
            .collect()
    } else {
        HashMap::new()
    };
    let mut clusters: HashMap<(i64, String), (i64, i64, i64, i64)> = HashMap::new();
    let this_month = domain::Month::of(app.clock.today()).to_string();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let compare = if with_compare {
            let key = (row.area_id, row.business_format.clone());
            if !clusters.contains_key(&key) {
                let v =
                    repo::cluster_month(&app.db, row.area_id, &row.business_format, &ms).await?;
                clusters.insert(key.clone(), v);
            }
            let (buyers, cq, ca, ck) = clusters[&key];
            let o = own.get(&row.retailer_id).cloned().unwrap_or_default();
            let area = c
                .units
                .get(&row.area_id)
                .map(|u| u.name.clone())
                .unwrap_or_default();
            Some(ClusterCompare {
                month: ms.clone(),
                cluster: format!("{area}·{}", format_zh(&row.business_format)),
                cluster_buyers: buyers,
                qty: o.qty,
                cluster_avg_qty: (buyers > 0).then(|| cq as f64 / buyers as f64),
                key_share_pct: Kpi::KeyBrandShare.value(&KpiSums {
                    qty: o.qty,
                    key_qty: o.key_qty,
                    ..KpiSums::default()
                }),
                cluster_key_share_pct: Kpi::KeyBrandShare.value(&KpiSums {
                    qty: cq,
                    key_qty: ck,
                    ..KpiSums::default()
                }),
                avg_price: avg_price(o.amount_fen, o.qty),
                cluster_avg_price: avg_price(ca, cq),
            })
        } else {
            None
        };
        let in_store_days = days.remove(&row.retailer_id).unwrap_or_default();
        out.push(BenchView {
            scores: scores.remove(&row.id).unwrap_or_default(),
            in_store_this_month: in_store_days.iter().any(|d| d.starts_with(&this_month)),
            in_store_days,
            compare,
            format_zh: format_zh(&row.business_format),
            row,
        });
    }
    Ok(out)
}

/// The person's benchmark terminals (a rep their own, others their scope's).
pub async fn page(app: &App, user: &CurrentUser) -> AppResult<BenchPage> {
    let scope = Scope::of(&app.db, user).await?;
    let ids = scope.ids();
    let with_compare = matches!(scope, Scope::Rep(_) | Scope::Area(_));
    let c = ctx(app).await?;
    let rows = repo::active(&app.db, ids).await?;
    let terminals = views(app, &c, rows, with_compare).await?;
    let is_rep = user.role == Role::AccountManager;
    Ok(BenchPage {
        terminals,
        reps: rep_counts_in(app, &c, ids).await?,
        candidates: if is_rep {
            repo::candidates(&app.db, user.id)
                .await?
                .into_iter()
                .map(|(_, c, n)| (c, n))
                .collect()
        } else {
            Vec::new()
        },
        is_rep,
        full_score: c.policy.benchmark.full_score(),
        rubric: c.policy.benchmark.rubric.clone(),
        today: app.clock.today().to_string(),
    })
}

/// A terminal the person may see (404 otherwise: another's is not shown to exist).
async fn visible(app: &App, user: &CurrentUser, id: i64) -> AppResult<BenchRow> {
    let not_found = || AppError::NotFound(format!("标杆终端 {id} 不存在"));
    let row = repo::by_id(&app.db, id).await?.ok_or_else(not_found)?;
    let scope = Scope::of(&app.db, user).await?.ids();
    if !store::repo::retailer::in_scope(&app.db, scope, row.retailer_id).await? {
        return Err(not_found());
    }
    Ok(row)
}

/// One terminal with its history.
pub async fn detail(app: &App, user: &CurrentUser, id: i64) -> AppResult<BenchView> {
    let row = visible(app, user, id).await?;
    let c = ctx(app).await?;
    let mut v = views(app, &c, vec![row], true).await?;
    v.pop()
        .ok_or_else(|| AppError::NotFound(format!("标杆终端 {id} 不存在")))
}

/// A designation as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DesignateInput {
    /// 客户编码 of one of the rep's modern terminals.
    pub customer_code: String,
    /// 设立理由.
    pub reason: String,
}

/// Designate one of the rep's modern terminals (the count checked in the writing transaction).
pub async fn designate(
    app: &App, user: &CurrentUser, input: &DesignateInput,
) -> AppResult<BenchView> {
    user.require(&[Role::AccountManager])?;
    let code = input.customer_code.trim();
    if code.is_empty() {
        return Err(AppError::invalid("customer_code", "请选择零售客户"));
    }
    let reason = input.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "请填写设立理由"));
    }
    let limits = app.policy().await?.limits;
    crate::limits::text(&limits, "reason", reason)?;
    let r = store::repo::retailer::by_code(&app.db, code)
        .await?
        .ok_or_else(|| AppError::invalid("customer_code", format!("客户编码 {code} 不存在")))?;
    if r.account_manager_id != Some(user.id) {
        return Err(AppError::Forbidden(
            "该零售客户不属于您的辖区，只能在自己的客户中设立标杆终端".into(),
        ));
    }
    if r.terminal_level != "MODERN" {
        return Err(AppError::invalid(
            "customer_code",
            format!(
                "{}（{code}）不是现代终端，标杆终端只能从现代终端中设立",
                r.name
            ),
        ));
    }
    let me = store::repo::staff::by_id(&app.db, user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let (_, most) = band_of(app, &me).await?;
    let mut tx = app.db.begin().await?;
    let Some(id) =
        repo::designate(&mut tx, r.id, user.id, reason, most as i64, app.clock.now()).await?
    else {
        return Err(AppError::Conflict(format!(
            "{}（{code}）已是标杆终端，或您的标杆终端已达上限 {most} 家",
            r.name
        )));
    };
    store::audit::record(
        &mut tx,
        &user.actor(),
        "benchmark.designate",
        "benchmark_terminal",
        &id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({"customer_code": code, "reason": reason})),
    )
    .await?;
    tx.commit().await?;
    detail(app, user, id).await
}

/// Remove a terminal (its rep, or the market manager of its area).
pub async fn remove(app: &App, user: &CurrentUser, id: i64, reason: &str) -> AppResult<()> {
    user.require(&[Role::AccountManager, Role::MarketManager])?;
    let row = visible(app, user, id).await?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "请填写撤销理由"));
    }
    crate::limits::text(&app.policy().await?.limits, "reason", reason)?;
    let mut tx = app.db.begin().await?;
    if repo::remove(&mut tx, id, reason, app.clock.now()).await? == 0 {
        return Err(AppError::Conflict("该标杆终端已撤销".into()));
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "benchmark.remove",
        "benchmark_terminal",
        &id.to_string(),
        Some(&serde_json::json!({"status": row.status, "reason": row.reason})),
        Some(&serde_json::json!({"status": "REMOVED", "reason": reason})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn own(user: &CurrentUser, row: &BenchRow) -> AppResult<()> {
    if user.role != Role::AccountManager || row.rep_id != user.id {
        return Err(AppError::Forbidden(
            "只有该标杆终端的客户经理可以评分和记录驻店服务".into(),
        ));
    }
    if row.status != "ACTIVE" {
        return Err(AppError::Conflict("该标杆终端已撤销".into()));
    }
    Ok(())
}

/// A score sheet as written: every rubric item's points.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ScoreInput {
    pub items: BTreeMap<String, i64>,
    pub note: String,
    /// The visit it was scored at (one of the rep's visits of this shop), if any.
    pub visit_id: Option<i64>,
}

/// Score a terminal on the rubric (the rep, at a visit).
pub async fn score(
    app: &App, user: &CurrentUser, id: i64, input: &ScoreInput,
) -> AppResult<BenchView> {
    let row = visible(app, user, id).await?;
    own(user, &row)?;
    let policy = app.policy().await?;
    let total = policy
        .benchmark
        .score(&input.items)
        .map_err(|(item, msg)| AppError::invalid(format!("items.{item}"), msg))?;
    crate::limits::text(&policy.limits, "note", &input.note)?;
    if let Some(v) = input.visit_id {
        let ok = store::repo::visits::by_id(&app.db, v)
            .await?
            .is_some_and(|x| x.rep_id == user.id && x.retailer_id == row.retailer_id);
        if !ok {
            return Err(AppError::invalid(
                "visit_id",
                format!("拜访 {v} 不是您对该客户的拜访"),
            ));
        }
    }
    let s = repo::NewScore {
        benchmark_id: id,
        scored_on: domain::visit::china_day(app.clock.now()).to_string(),
        scored_by: user.id,
        visit_id: input.visit_id,
        items: serde_json::to_string(&input.items).unwrap_or_default(),
        total,
        note: input.note.trim().to_string(),
    };
    let mut tx = app.db.begin().await?;
    if !repo::still_active(&mut tx, id, user.id).await? {
        return Err(AppError::Conflict("该标杆终端已撤销".into()));
    }
    let sid = repo::insert_score(&mut tx, &s).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "benchmark.score",
        "benchmark_score",
        &sid.to_string(),
        None::<&()>,
        Some(&s),
    )
    .await?;
    tx.commit().await?;
    detail(app, user, id).await
}

/// An in-store service day as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InStoreInput {
    /// YYYY-MM-DD, today or earlier (default today).
    pub date: Option<String>,
    /// Hours in the shop (1–12, default 8 from 09:00).
    pub hours: Option<i64>,
    /// 服务内容与发现.
    pub findings: String,
}

/// Record the month's in-store service day (驻店式服务) at a terminal: a visit of kind
/// `IN_STORE_DAY`, one a day.
pub async fn in_store_day(
    app: &App, user: &CurrentUser, id: i64, input: &InStoreInput,
) -> AppResult<BenchView> {
    let row = visible(app, user, id).await?;
    own(user, &row)?;
    let today = app.clock.today();
    let date = match input
        .date
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| AppError::invalid("date", format!("「{d}」不是日期（YYYY-MM-DD）")))?,
        None => today,
    };
    if date > today || date < today - Duration::days(62) {
        return Err(AppError::invalid("date", "驻店日期应在今天及之前两个月内"));
    }
    let hours = input.hours.unwrap_or(8);
    if !(1..=12).contains(&hours) {
        return Err(AppError::invalid("hours", "驻店时长应为 1–12 小时"));
    }
    let findings = input.findings.trim();
    if findings.is_empty() {
        return Err(AppError::invalid("findings", "请填写服务内容与发现"));
    }
    crate::limits::text(&app.policy().await?.limits, "findings", findings)?;
    let day_start = domain::visit::china_day_start(date);
    let start = day_start + Duration::hours(9);
    let end = start + Duration::hours(hours);
    let mut tx = app.db.begin().await?;
    // Both checks in the writing transaction, under the terminal's row lock.
    if !repo::still_active(&mut tx, id, user.id).await? {
        return Err(AppError::Conflict("该标杆终端已撤销".into()));
    }
    let on_day = repo::in_store_between(
        &mut tx,
        row.retailer_id,
        day_start,
        day_start + Duration::days(1),
    )
    .await?;
    if on_day > 0 {
        return Err(AppError::Conflict(format!("{date} 已记录驻店服务")));
    }
    let vid = repo::insert_in_store_day(
        &mut tx,
        user.id,
        row.retailer_id,
        start,
        end,
        findings,
        app.clock.now(),
    )
    .await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "benchmark.in_store_day",
        "visit",
        &vid.to_string(),
        None::<&()>,
        Some(&serde_json::json!({"benchmark": id, "date": date.to_string(), "hours": hours, "findings": findings})),
    )
    .await?;
    tx.commit().await?;
    detail(app, user, id).await
}

/// The demo city's benchmark terminals: each rep designates up to their target among their
/// modern terminals, scored in each of the last three months and visited for an in-store day
/// in each; written as the reps' (one transaction, one audit entry).
pub async fn demo_history(app: &App, actor: &store::audit::Actor) -> AppResult<usize> {
    let c = ctx(app).await?;
    let (policy, last) = (&c.policy, c.month);
    let reps = store::repo::staff::list(&app.db, Some(Role::AccountManager.code()), None).await?;
    let mut tx = app.db.begin().await?;
    let mut n = 0;
    for rep in &reps {
        let (target, most) = c.band_of(rep);
        let cands = repo::candidates(&app.db, rep.id).await?;
        for (k, (rid, _, _)) in cands.iter().take(target as usize).enumerate() {
            let at =
                domain::visit::china_day_start(last.plus(-2).first_day()) + Duration::hours(10);
            let Some(id) = repo::designate(
                &mut tx,
                *rid,
                rep.id,
                "现代终端，位置好、客流大，陈列与经营规范，可带动周边客户",
                most as i64,
                at,
            )
            .await?
            else {
                continue;
            };
            n += 1;
            for (j, m) in [last.plus(-2), last.plus(-1), last].iter().enumerate() {
                let items: BTreeMap<String, i64> = policy
                    .benchmark
                    .rubric
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let off = ((rep.id as usize + k + i + j) % 4) as i64;
                        (item.code.clone(), (item.max - off).max(0))
                    })
                    .collect();
                let total = items.values().sum();
                let day = m.first_day() + Duration::days(14);
                let start = domain::visit::china_day_start(day) + Duration::hours(9);
                let vid = repo::insert_in_store_day(
                    &mut tx,
                    rep.id,
                    *rid,
                    start,
                    start + Duration::hours(8),
                    "驻店服务：协助调整卷烟陈列、讲解新品卖点，记录消费者购买偏好",
                    start,
                )
                .await?;
                repo::insert_score(
                    &mut tx,
                    &repo::NewScore {
                        benchmark_id: id,
                        scored_on: day.to_string(),
                        scored_by: rep.id,
                        visit_id: Some(vid),
                        items: serde_json::to_string(&items).unwrap_or_default(),
                        total,
                        note: "驻店服务日评分".into(),
                    },
                )
                .await?;
            }
        }
    }
    store::audit::record(
        &mut tx,
        actor,
        "benchmark.demo_history",
        "benchmark_terminal",
        "*",
        None::<&()>,
        Some(&serde_json::json!({"designated": n})),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}
