//! The one-sheet's pages: the editable sheet with its submit, review and green-channel forms,
//! the A4 print view and the Excel download.
use crate::export;
use crate::extract::{CsrfForm, Fields, NoFields, PageCtx, PageResult, Path};
use crate::page::{Chrome, TextForm, done_or_shown, see_other};
use app::AppError;
use app::sheets::{GreenInput, SheetView};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
use domain::IsoWeek;
use domain::Username;
use domain::one_sheet::{
    Channel, ChecklistCategory, Counterpart, DayTrack, GreenKind, Improvement, SheetContent,
    SheetStatus, Tick,
};
use domain::org::Role;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "sheets/sheet.html")]
struct SheetPage {
    chrome: Option<Chrome>,
    csrf: String,
    v: SheetView,
    can_edit: bool,
    can_review: bool,
    /// The rep's own sheet: items to retailers (who have no account) are handled here.
    is_rep: bool,
    message: Option<String>,
    prev: String,
    next: String,
    categories: Vec<(&'static str, &'static str)>,
    counterparts: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    /// Tick rows to show: the stored ticks and empty rows up to one more than the maximum.
    tick_rows: Vec<(usize, String, String, String)>,
}

impl SheetPage {
    fn codes_of(&self, day: &u32) -> String {
        self.v
            .visit_plan
            .iter()
            .find(|d| d.day == *day)
            .map(|d| {
                d.visits
                    .iter()
                    .map(|v| v.customer_code.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    }
    fn done_of(&self, d: &app::sheets::DayPlanView) -> usize {
        d.visits.iter().filter(|x| x.done).count()
    }
    fn focus_of(&self, day: &u32) -> String {
        self.v
            .visit_plan
            .iter()
            .find(|d| d.day == *day)
            .map(|d| d.focus.clone())
            .unwrap_or_default()
    }
}

/// `/sheets`: a rep's own sheet of this week; everyone else the week's roll-up.
pub async fn home(ctx: PageCtx) -> Response {
    let w = IsoWeek::of(ctx.app.clock.today());
    match ctx.user.role {
        Role::AccountManager => see_other(&format!("/sheets/{}/{w}", ctx.user.username)),
        _ => see_other(&format!("/rollup?week={w}")),
    }
}

async fn render_sheet(
    ctx: &PageCtx, username: &Username, week: IsoWeek, message: Option<String>,
) -> PageResult {
    let v = app::sheets::get(&ctx.app, &ctx.user, username, week).await?;
    let can_edit = ctx.user.username == v.username && v.status != SheetStatus::Reviewed;
    let can_review = ctx.user.role == Role::MarketManager && v.status == SheetStatus::Submitted;
    let mut tick_rows: Vec<(usize, String, String, String)> = v
        .checklist
        .iter()
        .enumerate()
        .map(|(i, t)| {
            (
                i,
                t.category.code().to_string(),
                t.item.clone(),
                t.method.clone(),
            )
        })
        .collect();
    while tick_rows.len() < v.max_ticks + 1 {
        tick_rows.push((tick_rows.len(), String::new(), String::new(), String::new()));
    }
    let page = SheetPage {
        chrome: ctx.chrome("sheet"),
        csrf: ctx.csrf.clone(),
        prev: week.prev().to_string(),
        next: week.next().to_string(),
        categories: ChecklistCategory::ALL
            .iter()
            .map(|c| (c.code(), c.zh()))
            .collect(),
        counterparts: Counterpart::ALL
            .iter()
            .map(|c| (c.code(), c.zh()))
            .collect(),
        kinds: GreenKind::ALL.iter().map(|c| (c.code(), c.zh())).collect(),
        tick_rows,
        is_rep: ctx.user.username == v.username,
        v,
        can_edit,
        can_review,
        message,
    };
    Ok(page.into_response())
}

pub async fn sheet(ctx: PageCtx, Path((username, week)): Path<(Username, IsoWeek)>) -> PageResult {
    render_sheet(&ctx, &username, week, None).await
}

/// Build the rep's content from the edit form over the current sheet (kept: proposals and the
/// service focus of customers still planned).
fn content_from_form(v: &SheetView, f: &Fields) -> Result<SheetContent, AppError> {
    let get1 = |k: &str| f.get(k).to_string();
    let lines = |s: String| -> Vec<String> {
        s.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect()
    };
    let mut targets = Vec::new();
    for t in &v.targets {
        let raw = get1(&format!("target_{}", t.code));
        let target = if raw.is_empty() {
            t.target
        } else {
            raw.parse().map_err(|_| {
                AppError::invalid(
                    format!("target_{}", t.code),
                    format!("{} 的目标「{raw}」不是有效的数字", t.indicator),
                )
            })?
        };
        targets.push(domain::one_sheet::Target {
            code: t.code.clone(),
            indicator: t.indicator.clone(),
            unit: t.unit.clone(),
            target,
        });
    }
    let mut checklist = Vec::new();
    for i in 0..12 {
        let cat = get1(&format!("tick_cat_{i}"));
        let item = get1(&format!("tick_item_{i}"));
        let method = get1(&format!("tick_method_{i}"));
        if cat.is_empty() && item.is_empty() && method.is_empty() {
            continue;
        }
        let category = ChecklistCategory::parse(&cat)
            .map_err(|_| AppError::invalid(format!("tick_cat_{i}"), "请选择清单分项"))?;
        checklist.push(Tick {
            category,
            item: if item.is_empty() {
                category.items()[0].to_string()
            } else {
                item
            },
            method,
        });
    }
    let mut visit_plan = Vec::new();
    let mut tracking = Vec::new();
    for d in 1..=7u32 {
        let codes = get1(&format!("codes_{d}"));
        let focus = get1(&format!("focus_{d}"));
        let old = v.visit_plan.iter().find(|p| p.day == d);
        if !codes.is_empty() || !focus.is_empty() || old.is_some() {
            let visits = codes
                .split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、')
                .filter(|c| !c.is_empty())
                .map(|c| domain::one_sheet::PlannedVisit {
                    customer_code: c.to_string(),
                    service_focus: old
                        .and_then(|o| o.visits.iter().find(|x| x.customer_code == c))
                        .map(|x| x.service_focus.clone())
                        .unwrap_or_default(),
                })
                .collect();
            visit_plan.push(domain::one_sheet::DayPlan {
                day: d,
                focus,
                visits,
            });
        }
        let t = DayTrack {
            day: d,
            main_indicators: get1(&format!("tr_ind_{d}")),
            adhoc: get1(&format!("tr_adhoc_{d}")),
            problem: get1(&format!("tr_problem_{d}")),
            improvement: get1(&format!("tr_impr_{d}")),
        };
        if t.is_filled() {
            tracking.push(t);
        }
    }
    Ok(SheetContent {
        targets,
        carried_over: lines(get1("carried_over")),
        proposed_priorities: v.proposed_priorities.clone(),
        top_priority: get1("top_priority"),
        checklist,
        visit_plan,
        tracking,
        improvement: Improvement {
            summary: get1("summary"),
            problems: get1("problems"),
            measures: get1("measures"),
        },
    })
}

/// After a sheet's form: on to the sheet (`then`: its query or anchor), or the sheet again with
/// the refusal a person can act on.
async fn on_sheet<T>(
    ctx: &PageCtx, username: &Username, week: IsoWeek, outcome: Result<T, AppError>, then: &str,
) -> PageResult {
    let to = format!("/sheets/{username}/{week}{then}");
    done_or_shown(outcome, &to, |m| render_sheet(ctx, username, week, Some(m))).await
}

/// The edit form (its field names carry the target code, the tick row and the day).
pub async fn save(
    ctx: PageCtx, Path((username, week)): Path<(Username, IsoWeek)>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    // The version the page was showing: a save over a newer one (another device) is refused.
    let expected = f.get("version").parse::<i64>().ok();
    let outcome =
        app::views::sheets::save_edit(&ctx.app, &ctx.user, &username, week, expected, |v| {
            content_from_form(v, &f)
        })
        .await;
    on_sheet(&ctx, &username, week, outcome, "?saved=1").await
}

pub async fn submit(
    ctx: PageCtx, Path((username, week)): Path<(Username, IsoWeek)>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> PageResult {
    let outcome = app::sheets::submit(&ctx.app, &ctx.user, &username, week).await;
    on_sheet(&ctx, &username, week, outcome, "").await
}

pub async fn review(
    ctx: PageCtx, Path((username, week)): Path<(Username, IsoWeek)>,
    CsrfForm(f): CsrfForm<TextForm>,
) -> PageResult {
    let outcome = app::sheets::review(&ctx.app, &ctx.user, &username, week, &f.text).await;
    on_sheet(&ctx, &username, week, outcome, "").await
}

/// The green-channel form: codes as written, so a bad one is refused on the sheet by name.
#[derive(Deserialize)]
pub(crate) struct GreenForm {
    #[serde(default)]
    counterpart: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    retailer_code: Option<String>,
}

impl GreenForm {
    fn input(self) -> Result<GreenInput, AppError> {
        let channel = match self.channel.trim() {
            "" => None,
            c => Some(Channel::parse(c).map_err(|e| AppError::invalid("channel", e.message))?),
        };
        Ok(GreenInput {
            counterpart: Counterpart::parse(&self.counterpart)
                .map_err(|e| AppError::invalid("counterpart", e.message))?,
            kind: GreenKind::parse(&self.kind).map_err(|e| AppError::invalid("kind", e.message))?,
            content: self.content,
            channel,
            retailer_code: self.retailer_code,
        })
    }
}

pub async fn green(
    ctx: PageCtx, Path((username, week)): Path<(Username, IsoWeek)>,
    CsrfForm(f): CsrfForm<GreenForm>,
) -> PageResult {
    let outcome = match f.input() {
        Ok(g) => app::sheets::add_green(&ctx.app, &ctx.user, &username, week, &g).await,
        Err(e) => Err(e),
    };
    on_sheet(&ctx, &username, week, outcome, "#b5").await
}

#[derive(Template, WebTemplate)]
#[template(path = "sheets/print.html")]
struct PrintPage {
    v: SheetView,
}

impl PrintPage {
    /// A compact list of a day's customers: the first `n` names, then the count of the rest.
    fn names(&self, d: &app::sheets::DayPlanView, n: usize) -> String {
        let mut s: Vec<String> = d
            .visits
            .iter()
            .take(n)
            .map(|v| {
                let name = if v.name.is_empty() {
                    v.customer_code.clone()
                } else {
                    // The shop's name without its branch in brackets, at most 8 characters.
                    let base = v.name.split(['(', '（']).next().unwrap_or(&v.name);
                    base.chars().take(8).collect()
                };
                if v.done { format!("{name}✓") } else { name }
            })
            .collect();
        if d.visits.len() > n {
            s.push(format!("等 {} 户", d.visits.len()));
        }
        s.join("、")
    }
}

pub async fn print(ctx: PageCtx, Path((username, week)): Path<(Username, IsoWeek)>) -> PageResult {
    let v = app::sheets::get(&ctx.app, &ctx.user, &username, week).await?;
    Ok(PrintPage { v }.into_response())
}

pub async fn xlsx(ctx: PageCtx, Path((username, week)): Path<(Username, IsoWeek)>) -> PageResult {
    let v = app::sheets::get(&ctx.app, &ctx.user, &username, week).await?;
    let bytes = export::sheet_workbook(week, &v)?;
    Ok(export::xlsx_response(
        bytes,
        &format!("one-sheet-{username}-{week}.xlsx"),
    ))
}
