//! 客户满意度 (domain.md §6 `customer_satisfaction`, target ≥ 90 %; the questionnaire and the
//! scoring in `domain::satisfaction`).
//!
//! - **A wave** is opened by the marketing centre: the policy's questionnaire (kept with the wave
//!   as it was), a random sample of at least the policy's share of each rep's retailers from a
//!   recorded seed, and a closing day.
//! - **Answers**: the retailer answers on its own page with the POS credential the self-report
//!   uses (the lockout applies), once per wave; a survey panel (the centre) enters paper answers
//!   for an invited retailer. An answer keeps the rep, area and county but not the retailer, so
//!   no one can read a retailer's answer; the invitation only records that it answered (a second
//!   answer → 409, checked inside the writing transaction).
//! - **Scores** per item and in total for the person's scope against the target, and per rep,
//!   area or county one level down — a group with fewer answers than the policy's `min_group` is
//!   not shown, so a rep cannot infer one retailer's answer. The lowest items are named for the
//!   135 page's analysis step ([`lowest_items`]).
//!
//! Who: everyone but 专卖人员 reads their scope's scores; the centre and the admin open waves and
//! enter paper answers.
use crate::access::{CurrentUser, Scope};
use crate::{App, AppError, AppResult};
use chrono::NaiveDate;
use domain::Month;
use domain::satisfaction::{Questionnaire, mean};
use serde::{Deserialize, Serialize};
pub use store::repo::satisfaction::WaveRow;
use store::repo::satisfaction::{self as repo, AnswerRow};

use crate::access::CENTER as PANEL;
use crate::access::MARKET_READERS as READERS;

/// A wave as the centre opens it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct WaveInput {
    pub title: String,
    /// The month it surveys (this month when empty).
    pub month: String,
    /// The last day answers are taken (YYYY-MM-DD).
    pub closes_on: String,
    /// Share of each rep's retailers, % (the policy's when absent; at least it).
    pub sample_pct: Option<f64>,
}

/// An invitation as the page counts it: (retailer, rep, area, county, answered).
type Invite = (i64, Option<i64>, i64, i64, bool);

/// An answer sheet: per item, per sub-item the scale index chosen (`None` = not answered).
pub type Answers = Vec<Vec<Option<usize>>>;

/// The scores of a group.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    pub key: i64,
    pub label: String,
    pub respondents: usize,
    pub invited: i64,
    pub answered: i64,
    /// Mean of the respondents' scores (0–100); `None` when the group is too small to show.
    pub total: Option<f64>,
    /// Per item of the questionnaire.
    pub items: Vec<Option<f64>>,
    pub met: Option<bool>,
}

/// The satisfaction page.
#[derive(Debug, Clone, Serialize)]
pub struct SatisfactionPage {
    pub waves: Vec<WaveRow>,
    pub wave: Option<WaveRow>,
    pub questionnaire: Option<Questionnaire>,
    pub target_pct: f64,
    pub min_group: usize,
    pub scope: Option<Scores>,
    pub groups: Vec<Scores>,
    pub group_label: &'static str,
    /// The items of the scope from the lowest score up: (item, score).
    pub lowest: Vec<(String, f64)>,
    pub can_open: bool,
    pub today: NaiveDate,
    pub policy_sample_pct: f64,
}

/// What the retailer's page shows.
#[derive(Debug, Clone, Serialize)]
pub struct PosSurvey {
    pub wave: WaveRow,
    pub questionnaire: Questionnaire,
    pub retailer_name: String,
}

fn questionnaire_of(w: &WaveRow) -> AppResult<Questionnaire> {
    serde_json::from_str(&w.questionnaire)
        .map_err(|_| AppError::Rule(format!("调查 {} 的问卷无法读取", w.id)))
}

async fn wave_row(app: &App, id: i64) -> AppResult<WaveRow> {
    repo::wave(&app.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("满意度调查 {id} 不存在")))
}

/// Open a wave (see the module comment).
pub async fn open(app: &App, user: &CurrentUser, input: &WaveInput) -> AppResult<WaveRow> {
    user.require(&PANEL)?;
    let policy = app.policy().await?.satisfaction;
    let today = app.clock.today();
    let month = match input.month.trim() {
        "" => Month::of(today),
        m => crate::error::month_field("month", m)?,
    };
    let closes_on = NaiveDate::parse_from_str(input.closes_on.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("closes_on", "截止日期格式应为 YYYY-MM-DD"))?;
    if closes_on < today || (closes_on - today).num_days() > i64::from(policy.max_open_days) {
        return Err(AppError::invalid(
            "closes_on",
            format!("截止日期应在今天至 {} 天内", policy.max_open_days),
        ));
    }
    let pct = input.sample_pct.unwrap_or(policy.sample_pct);
    if !(policy.sample_pct..=100.0).contains(&pct) {
        return Err(AppError::invalid(
            "sample_pct",
            format!("抽样比例应在 {}%–100% 之间，收到 {pct}", policy.sample_pct),
        ));
    }
    let title = match input.title.trim() {
        "" => format!("{month} 零售客户满意度调查"),
        t if t.chars().count() > 200 => {
            return Err(AppError::invalid("title", "名称不超过 200 字"));
        }
        t => t.to_string(),
    };
    if policy.questionnaire.items.is_empty() || policy.questionnaire.scale.is_empty() {
        return Err(AppError::Rule(
            "问卷为空，请先在配置中填写评价项目与答案等级".into(),
        ));
    }
    let q = serde_json::to_string(&policy.questionnaire)
        .map_err(|_| AppError::Rule("问卷无法保存".into()))?;
    let invites = sample(&repo::frame(&app.db).await?, pct, month.index() as u64);
    if invites.is_empty() {
        return Err(AppError::Rule("没有可调查的零售客户".into()));
    }
    let mut tx = app.db.begin().await?;
    let id = repo::insert_wave(
        &mut tx,
        &title,
        &month.to_string(),
        &q,
        pct,
        closes_on,
        &invites,
        user.id,
        app.clock.now(),
    )
    .await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "satisfaction.open",
        "satisfaction_wave",
        &id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "title": title, "month": month.to_string(), "closes_on": closes_on, "sample_pct": pct, "invited": invites.len() })),
    )
    .await?;
    tx.commit().await?;
    wave_row(app, id).await
}

/// ⌈pct × n⌉ of each rep's retailers (at least one), by the selection hash of `salt`.
fn sample(frame: &[(i64, i64)], pct: f64, salt: u64) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < frame.len() {
        let rep = frame[i].0;
        let members: Vec<i64> = frame[i..]
            .iter()
            .take_while(|(r, _)| *r == rep)
            .map(|(_, id)| *id)
            .collect();
        i += members.len();
        let n = ((pct / 100.0 * members.len() as f64).ceil() as usize).max(1);
        for id in domain::inventory::select(&members, n, 0x5A71_5FAC, salt, &[], 0.0) {
            out.push((id, rep));
        }
    }
    out
}

/// Score an answer sheet against a wave's questionnaire.
fn scored(q: &Questionnaire, answers: &Answers) -> AppResult<(Vec<Option<f64>>, f64)> {
    q.score(answers)
        .map_err(|e| AppError::invalid(e.field, e.message))
}

/// Store one answer for an invited retailer (the one-answer check inside the transaction).
async fn store_answer(
    app: &App, w: &WaveRow, retailer: &store::model::Retailer, answers: &Answers, channel: &str,
    by: Option<&CurrentUser>,
) -> AppResult<f64> {
    if w.closes_on < app.clock.today() {
        return Err(AppError::Conflict(format!("调查已于 {} 截止", w.closes_on)));
    }
    let q = questionnaire_of(w)?;
    let (items, total) = scored(&q, answers)?;
    match repo::invite(&app.db, w.id, retailer.id).await? {
        None => {
            return Err(AppError::invalid(
                "customer_code",
                format!("客户 {} 不在本次调查的样本中", retailer.customer_code),
            ));
        }
        Some(true) => return Err(AppError::Conflict("该客户已回答本次调查".into())),
        Some(false) => {}
    }
    let row = AnswerRow {
        rep_id: retailer.account_manager_id,
        area_id: Some(retailer.area_id),
        county_id: Some(retailer.county_id),
        channel: channel.into(),
        total,
        item_scores: serde_json::to_string(&items).unwrap_or_else(|_| "[]".into()),
    };
    let sheet = serde_json::to_string(answers).unwrap_or_else(|_| "[]".into());
    let mut tx = app.db.begin().await?;
    if !repo::take_invite(&mut tx, w.id, retailer.id).await? {
        return Err(AppError::Conflict("该客户已回答本次调查".into()));
    }
    repo::insert_answer(
        &mut tx,
        w.id,
        &row,
        &sheet,
        by.map(|u| u.id),
        app.clock.now(),
    )
    .await?;
    let actor = match by {
        Some(u) => u.actor(),
        None => store::audit::Actor {
            id: None,
            username: format!("pos:{}", retailer.customer_code),
        },
    };
    // the trail records that an answer came in, not what it says (anonymous to the rep)
    store::audit::record(
        &mut tx,
        &actor,
        "satisfaction.answer",
        "satisfaction_wave",
        &w.id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "channel": channel })),
    )
    .await?;
    tx.commit().await?;
    Ok(total)
}

/// The retailer's page: the open wave it was invited to and has not answered.
pub async fn pos_survey(app: &App, code: &str, token: &str) -> AppResult<PosSurvey> {
    let r = crate::forecasting::pos_retailer(app, code, token).await?;
    let id = repo::open_invite(&app.db, r.id, app.clock.today())
        .await?
        .ok_or_else(|| AppError::NotFound("目前没有需要您回答的满意度调查，谢谢支持".into()))?;
    let wave = wave_row(app, id).await?;
    Ok(PosSurvey {
        questionnaire: questionnaire_of(&wave)?,
        wave,
        retailer_name: r.name,
    })
}

/// The retailer answers with its POS credential; returns its score.
pub async fn pos_answer(app: &App, code: &str, token: &str, answers: &Answers) -> AppResult<f64> {
    let r = crate::forecasting::pos_retailer(app, code, token).await?;
    let id = match repo::open_invite(&app.db, r.id, app.clock.today()).await? {
        Some(id) => id,
        None => {
            return Err(AppError::Conflict(
                "没有待回答的满意度调查（已回答或已截止）".into(),
            ));
        }
    };
    let wave = wave_row(app, id).await?;
    store_answer(app, &wave, &r, answers, "POS", None).await
}

/// The survey panel enters a paper answer for an invited retailer.
pub async fn paper_answer(
    app: &App, user: &CurrentUser, wave_id: i64, customer_code: &str, answers: &Answers,
) -> AppResult<f64> {
    user.require(&PANEL)?;
    let wave = wave_row(app, wave_id).await?;
    let code = customer_code.trim();
    let r = store::repo::retailer::by_code(&app.db, code)
        .await?
        .ok_or_else(|| AppError::invalid("customer_code", format!("客户编码「{code}」不存在")))?;
    store_answer(app, &wave, &r, answers, "PAPER", Some(user)).await
}

/// A group's scores; `(invited, answered)` its invitations.
fn group_scores(
    key: i64, label: String, rows: &[&AnswerRow], n_items: usize, (invited, answered): (i64, i64),
    min_group: usize, target: f64,
) -> Scores {
    let shown = rows.len() >= min_group;
    let items: Vec<Vec<Option<f64>>> = rows
        .iter()
        .map(|r| serde_json::from_str(&r.item_scores).unwrap_or_default())
        .collect();
    let total = shown.then(|| mean(rows.iter().map(|r| r.total))).flatten();
    Scores {
        key,
        label,
        respondents: rows.len(),
        invited,
        answered,
        met: total.map(|t| t >= target),
        total,
        items: (0..n_items)
            .map(|k| {
                shown
                    .then(|| mean(items.iter().filter_map(|v| v.get(k).copied().flatten())))
                    .flatten()
            })
            .collect(),
    }
}

/// The page (see the module comment).
pub async fn page(app: &App, user: &CurrentUser, wave: Option<i64>) -> AppResult<SatisfactionPage> {
    user.require(&READERS)?;
    let policy = app.policy().await?;
    let target = policy.kpi_targets.customer_satisfaction_pct;
    let min_group = policy.satisfaction.min_group;
    let waves = repo::waves(&app.db).await?;
    let mut out = SatisfactionPage {
        waves: waves.clone(),
        wave: None,
        questionnaire: None,
        target_pct: target,
        min_group,
        scope: None,
        groups: Vec::new(),
        group_label: "",
        lowest: Vec::new(),
        can_open: PANEL.contains(&user.role),
        today: app.clock.today(),
        policy_sample_pct: policy.satisfaction.sample_pct,
    };
    let w = match wave {
        Some(id) => wave_row(app, id).await?,
        None => match waves.iter().find(|w| w.answered > 0).or(waves.first()) {
            Some(w) => w.clone(),
            None => return Ok(out),
        },
    };
    let q = questionnaire_of(&w)?;
    let scope = Scope::of(&app.db, user).await?;
    let ids = scope.ids();
    let rows = repo::answers(&app.db, w.id, ids).await?;
    let invited: Vec<Invite> = repo::invited(&app.db, w.id)
        .await?
        .into_iter()
        .filter(|(_, rep, area, county, _)| {
            ids.rep_id.is_none_or(|x| *rep == Some(x))
                && ids.area_id.is_none_or(|x| *area == x)
                && ids.county_id.is_none_or(|x| *county == x)
        })
        .collect();
    let count = |f: &dyn Fn(&Invite) -> bool| {
        let all: Vec<_> = invited.iter().filter(|i| f(i)).collect();
        (all.len() as i64, all.iter().filter(|i| i.4).count() as i64)
    };
    let n_items = q.items.len();
    let all: Vec<&AnswerRow> = rows.iter().collect();
    // a rep's own scope is one group of their retailers: shown only from min_group answers
    let s = group_scores(
        0,
        "合计".into(),
        &all,
        n_items,
        count(&|_| true),
        min_group,
        target,
    );
    let mut lowest: Vec<(String, f64)> = q
        .items
        .iter()
        .zip(&s.items)
        .filter_map(|(it, v)| v.map(|v| (it.name.clone(), v)))
        .collect();
    lowest.sort_by(|a, b| a.1.total_cmp(&b.1));
    out.lowest = lowest;
    out.scope = Some(s);
    let (label, col) = scope.children().unwrap_or(("", ""));
    let pick = |a: &AnswerRow| match col {
        "account_manager_id" => a.rep_id,
        "area_id" => a.area_id,
        _ => a.county_id,
    };
    out.group_label = label;
    if !label.is_empty() {
        let names = crate::access::Names::load(&app.db).await?;
        let mut keys: Vec<i64> = invited
            .iter()
            .filter_map(|i| match scope {
                Scope::Area(_) => i.1,
                Scope::County(_) => Some(i.2),
                _ => Some(i.3),
            })
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            let mine: Vec<&AnswerRow> = rows.iter().filter(|a| pick(a) == Some(k)).collect();
            let counts = count(&|i| match scope {
                Scope::Area(_) => i.1 == Some(k),
                Scope::County(_) => i.2 == k,
                _ => i.3 == k,
            });
            let label = names.of(col, k);
            out.groups.push(group_scores(
                k, label, &mine, n_items, counts, min_group, target,
            ));
        }
        out.groups.sort_by(|a, b| {
            a.total
                .unwrap_or(f64::MAX)
                .total_cmp(&b.total.unwrap_or(f64::MAX))
        });
    }
    out.questionnaire = Some(q);
    out.wave = Some(w);
    Ok(out)
}

/// The lowest-scoring items of the person's scope in the latest wave with answers, for the 135
/// page's analysis step: (item, score), at most `n`.
pub async fn lowest_items(
    app: &App, user: &CurrentUser, n: usize,
) -> AppResult<Vec<(String, f64)>> {
    let p = page(app, user, None).await?;
    Ok(p.lowest.into_iter().take(n).collect())
}

/// The demo city's history: a wave for the last month with sales, closed, three in four invited
/// retailers answering (most 满意 or 非常满意, the rep's visits a little weaker in some areas).
pub async fn demo_history(app: &App, actor: &store::audit::Actor) -> AppResult<usize> {
    let Some((end, center)) = crate::demo::close_basis(app).await? else {
        return Ok(0);
    };
    let policy = app.policy().await?.satisfaction;
    let q = policy.questionnaire.clone();
    let json = serde_json::to_string(&q).map_err(|_| AppError::Rule("问卷无法保存".into()))?;
    let invites = sample(
        &repo::frame(&app.db).await?,
        policy.sample_pct,
        end.index() as u64,
    );
    let at = end
        .day(20)
        .and_hms_opt(9, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_else(|| app.clock.now());
    let mut tx = app.db.begin().await?;
    let id = repo::insert_wave(
        &mut tx,
        &format!("{end} 零售客户满意度调查"),
        &end.to_string(),
        &json,
        policy.sample_pct,
        end.last_day(),
        &invites,
        center.id,
        at,
    )
    .await?;
    store::audit::record(
        &mut tx,
        actor,
        "satisfaction.open",
        "satisfaction_wave",
        &id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "month": end.to_string(), "invited": invites.len() })),
    )
    .await?;
    tx.commit().await?;
    let mut tx = app.db.begin().await?;
    let mut n = 0;
    for (rid, rep, area, county) in repo::invited(&app.db, id)
        .await?
        .into_iter()
        .map(|(r, rep, a, c, _)| (r, rep, a, c))
    {
        let u = |k: i64| domain::inventory::unit(0xD3_40, end.index() as u64, rid * 100 + k);
        if u(0) > 0.75 {
            continue;
        }
        let weak = area % 3 == 0;
        let answers: Answers = q
            .items
            .iter()
            .enumerate()
            .map(|(k, it)| {
                (0..it.sub_items.len())
                    .map(|j| {
                        let x = u(1 + (k * 10 + j) as i64);
                        let level = if weak && it.code == "ACCOUNT_MANAGER" {
                            if x < 0.3 {
                                0
                            } else if x < 0.7 {
                                1
                            } else if x < 0.9 {
                                2
                            } else {
                                3
                            }
                        } else if x < 0.6 {
                            0
                        } else if x < 0.92 {
                            1
                        } else if x < 0.98 {
                            2
                        } else {
                            3
                        };
                        Some(level.min(q.scale.len().saturating_sub(1)))
                    })
                    .collect()
            })
            .collect();
        let (items, total) = scored(&q, &answers)?;
        repo::take_invite(&mut tx, id, rid).await?;
        let row = AnswerRow {
            rep_id: rep,
            area_id: Some(area),
            county_id: Some(county),
            channel: if u(99) < 0.85 {
                "POS".into()
            } else {
                "PAPER".into()
            },
            total,
            item_scores: serde_json::to_string(&items).unwrap_or_else(|_| "[]".into()),
        };
        let sheet = serde_json::to_string(&answers).unwrap_or_else(|_| "[]".into());
        repo::insert_answer(&mut tx, id, &row, &sheet, None, at).await?;
        n += 1;
    }
    tx.commit().await?;
    Ok(n)
}
