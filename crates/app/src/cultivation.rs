//! 品牌培育 (domain.md §9.2 品牌经理 计划; design.md §1): a brand manager's cultivation tasks —
//! brand (one of theirs), optional SKU, what to do and how (具体做法), the §8.3 checklist category,
//! where (whole company, a county or a market area), which retailers (tier ≥ a minimum and/or one
//! business format) and the ISO weeks it applies.
//!
//! Tasks land on the reps' one-sheet drafts as **proposed** priorities marked with their source
//! (the brand manager's name) and the number of the rep's retailers that meet the criteria
//! ([`proposals`]). They are never ticked for the rep: the ≤ 5 ticked items stay the rep's choice,
//! so a task can never push the ticked count over the maximum.
use crate::{App, AppError, AppResult, CurrentUser};
use domain::IsoWeek;
use domain::one_sheet::ChecklistCategory;
use domain::org::{OrgKind, Role};
use domain::retailer::BusinessFormat;
use serde::{Deserialize, Serialize};
use store::model::Staff;
use store::repo::cultivation::{self as repo, NewTask, TaskRow};

/// Where a task applies.
pub const SCOPES: [(&str, &str); 3] = [
    ("COMPANY", "全公司"),
    ("COUNTY", "县级营销部"),
    ("AREA", "市场部"),
];

/// A new task as the brand manager writes it (codes as strings so a bad one is named).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TaskInput {
    pub brand: String,
    pub sku_code: Option<String>,
    pub title: String,
    /// 具体做法.
    pub method: String,
    /// §8.3 category code; INDUSTRY_COLLAB_INFO when absent.
    pub category: Option<String>,
    /// COMPANY (default) | COUNTY | AREA.
    pub scope: Option<String>,
    /// Code of the county or area (required unless the scope is COMPANY).
    pub org_unit_code: Option<String>,
    /// Target retailers: tier (档位) ≥ this, 1–30.
    pub min_tier: Option<i64>,
    /// Target retailers: this business format code.
    pub business_format: Option<String>,
    pub from_week: String,
    /// Last week (inclusive); the first week when absent.
    pub to_week: Option<String>,
}

/// A task with its labels.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    #[serde(flatten)]
    pub row: TaskRow,
    pub category_zh: String,
    pub scope_zh: String,
    pub business_format_zh: Option<String>,
}

impl TaskView {
    fn of(row: TaskRow) -> TaskView {
        TaskView {
            category_zh: ChecklistCategory::parse(&row.category)
                .map(|c| c.zh().to_string())
                .unwrap_or_default(),
            scope_zh: SCOPES
                .iter()
                .find(|(c, _)| *c == row.scope)
                .map(|(_, z)| (*z).to_string())
                .unwrap_or_default(),
            business_format_zh: row
                .business_format
                .as_deref()
                .and_then(|f| BusinessFormat::parse(f).ok())
                .map(|f| f.zh().to_string()),
            row,
        }
    }

    /// Whether the task is open and one of its weeks overlaps the month (the forecast meeting's
    /// brand plan).
    pub fn open_in(&self, m: domain::Month) -> bool {
        let (Ok(from), Ok(to)) = (
            IsoWeek::parse(&self.row.from_week),
            IsoWeek::parse(&self.row.to_week),
        ) else {
            return false;
        };
        self.row.status == "OPEN" && from.monday() <= m.last_day() && to.day(6) >= m.first_day()
    }

    /// The target retailers in words.
    pub fn criteria(&self) -> String {
        let mut s = Vec::new();
        if let Some(t) = self.row.min_tier {
            s.push(format!("{t} 档及以上"));
        }
        if let Some(f) = &self.business_format_zh {
            s.push(f.clone());
        }
        if s.is_empty() {
            "全部客户".into()
        } else {
            s.join("、")
        }
    }
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn week_field(field: &str, s: &str) -> AppResult<IsoWeek> {
    IsoWeek::parse(s.trim()).map_err(|e| AppError::invalid(field, e.message))
}

/// Brands the person may cultivate: their assignments, or any brand for the centre and admin.
async fn check_brand(app: &App, user: &CurrentUser, brand: &str) -> AppResult<()> {
    if user.role == Role::BrandManager {
        let mine = store::repo::product::brands_of_manager(&app.db, user.id).await?;
        if !mine.iter().any(|b| b == brand) {
            return Err(AppError::Forbidden(format!(
                "品牌「{brand}」不是您负责的品牌，只能为{}制定培育任务",
                if mine.is_empty() {
                    "已分配给您的品牌".to_string()
                } else {
                    format!("「{}」", mine.join("、"))
                }
            )));
        }
        return Ok(());
    }
    if !repo::brand_exists(&app.db, brand).await? {
        return Err(AppError::invalid("brand", format!("品牌「{brand}」不存在")));
    }
    Ok(())
}

/// Create a task (brand manager for their brands; marketing centre and admin for any brand).
pub async fn create(app: &App, user: &CurrentUser, input: &TaskInput) -> AppResult<TaskView> {
    user.require(&[Role::BrandManager, Role::MarketingCenter, Role::Admin])?;
    let brand = input.brand.trim();
    if brand.is_empty() {
        return Err(AppError::invalid("brand", "请选择品牌"));
    }
    let title = input.title.trim();
    if title.is_empty() {
        return Err(AppError::invalid("title", "请填写培育任务"));
    }
    if title.chars().count() > 200 {
        return Err(AppError::invalid("title", "培育任务不超过 200 字"));
    }
    let method = input.method.trim();
    if method.is_empty() {
        return Err(AppError::invalid("method", "请填写具体做法"));
    }
    if method.chars().count() > 1000 {
        return Err(AppError::invalid("method", "具体做法不超过 1000 字"));
    }
    let from = week_field("from_week", &input.from_week)?;
    let to = match opt(&input.to_week) {
        Some(w) => week_field("to_week", w)?,
        None => from,
    };
    if to < from {
        return Err(AppError::invalid("to_week", "结束周早于开始周"));
    }
    let category = match opt(&input.category) {
        Some(c) => {
            ChecklistCategory::parse(c).map_err(|e| AppError::invalid("category", e.message))?
        }
        None => ChecklistCategory::IndustryCollabInfo,
    };
    let scope = opt(&input.scope).unwrap_or("COMPANY");
    if !SCOPES.iter().any(|(c, _)| *c == scope) {
        return Err(AppError::invalid(
            "scope",
            format!("\"{scope}\" 不是有效的范围（COMPANY、COUNTY 或 AREA）"),
        ));
    }
    let org_unit_id = if scope == "COMPANY" {
        None
    } else {
        let kind = if scope == "COUNTY" {
            OrgKind::County
        } else {
            OrgKind::Area
        };
        let code = opt(&input.org_unit_code)
            .ok_or_else(|| AppError::invalid("org_unit_code", format!("请选择{}", kind.zh())))?;
        let unit = store::repo::staff::org_units(&app.db)
            .await?
            .into_iter()
            .find(|u| u.code == code && u.kind == kind.code())
            .ok_or_else(|| {
                AppError::invalid("org_unit_code", format!("{}「{code}」不存在", kind.zh()))
            })?;
        Some(unit.id)
    };
    if let Some(t) = input.min_tier
        && !(1..=30).contains(&t)
    {
        return Err(AppError::invalid("min_tier", "最低档位应在 1–30 之间"));
    }
    let business_format = match opt(&input.business_format) {
        Some(f) => Some(
            BusinessFormat::parse(f)
                .map_err(|e| AppError::invalid("business_format", e.message))?
                .code()
                .to_string(),
        ),
        None => None,
    };
    check_brand(app, user, brand).await?;
    let product_id = match opt(&input.sku_code) {
        Some(sku) => {
            let p = store::repo::product::by_code(&app.db, sku)
                .await?
                .ok_or_else(|| AppError::invalid("sku_code", format!("规格 {sku} 不存在")))?;
            if p.brand != brand {
                return Err(AppError::invalid(
                    "sku_code",
                    format!("规格 {sku} 不属于品牌「{brand}」"),
                ));
            }
            Some(p.id)
        }
        None => None,
    };
    let t = NewTask {
        brand: brand.into(),
        product_id,
        title: title.into(),
        method: method.into(),
        category: category.code().into(),
        scope: scope.into(),
        org_unit_id,
        min_tier: input.min_tier,
        business_format,
        from_week: from.to_string(),
        to_week: to.to_string(),
        created_by: user.id,
        created_at: app.clock.now(),
    };
    let mut tx = app.db.begin().await?;
    let id = repo::insert(&mut tx, &t).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "cultivation.create",
        "cultivation_task",
        &id.to_string(),
        None::<&()>,
        Some(&t),
    )
    .await?;
    tx.commit().await?;
    get(app, id).await
}

async fn get(app: &App, id: i64) -> AppResult<TaskView> {
    repo::by_id(&app.db, id)
        .await?
        .map(TaskView::of)
        .ok_or_else(|| AppError::NotFound(format!("培育任务 {id} 不存在")))
}

/// Tasks: a brand manager's own; everyone else sees all (newest and open first).
pub async fn list(app: &App, user: &CurrentUser) -> AppResult<Vec<TaskView>> {
    let by = (user.role == Role::BrandManager).then_some(user.id);
    Ok(repo::list(&app.db, by, 500)
        .await?
        .into_iter()
        .map(TaskView::of)
        .collect())
}

/// Close a task (its author, or the marketing centre and admin): it stops landing on drafts.
pub async fn close(app: &App, user: &CurrentUser, id: i64) -> AppResult<TaskView> {
    user.require(&[Role::BrandManager, Role::MarketingCenter, Role::Admin])?;
    let t = get(app, id).await?;
    let ok =
        t.row.created_by == user.id || matches!(user.role, Role::MarketingCenter | Role::Admin);
    if !ok {
        return Err(AppError::Forbidden(
            "只有制定人或营销中心可以关闭该培育任务".into(),
        ));
    }
    if t.row.status != "OPEN" {
        return Err(AppError::Conflict("该培育任务已关闭".into()));
    }
    let mut tx = app.db.begin().await?;
    repo::close(&mut tx, id, app.clock.now()).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "cultivation.close",
        "cultivation_task",
        &id.to_string(),
        Some(&t.row.status),
        Some(&"CLOSED"),
    )
    .await?;
    tx.commit().await?;
    get(app, id).await
}

/// The tasks that apply to a rep's week, as proposed priorities of the draft (see the module doc).
pub async fn proposals(app: &App, rep: &Staff, week: IsoWeek) -> AppResult<Vec<String>> {
    let county = match rep.org_unit_id {
        Some(a) => store::repo::staff::org_unit(&app.db, a)
            .await?
            .and_then(|u| u.parent_id),
        None => None,
    };
    let tasks = repo::applying(&app.db, &week.to_string(), rep.org_unit_id, county).await?;
    let mut out = Vec::new();
    for t in tasks.into_iter().map(TaskView::of) {
        let n = repo::target_count(
            &app.db,
            rep.id,
            t.row.min_tier,
            t.row.business_format.as_deref(),
        )
        .await?;
        out.push(format!(
            "品牌培育（品牌经理 {}）：{}{} {} — {}：{}；目标客户 {} {n} 户",
            t.row.author_name,
            t.row.brand,
            t.row
                .sku_code
                .as_deref()
                .map(|s| format!("（{s}）"))
                .unwrap_or_default(),
            t.row.title,
            t.category_zh,
            t.row.method,
            t.criteria(),
        ));
    }
    Ok(out)
}

/// What the page's form offers: the person's brands, the counties and areas, categories, formats.
#[derive(Debug, Clone, Serialize)]
pub struct FormOptions {
    pub brands: Vec<String>,
    /// (code, label) of the counties and areas.
    pub org_units: Vec<(String, String)>,
    pub categories: Vec<(&'static str, &'static str)>,
    pub formats: Vec<(&'static str, &'static str)>,
    pub this_week: String,
}

/// The counties and market areas a brand manager's task or programme may name: (code, label).
pub(crate) async fn org_unit_choices(app: &App) -> AppResult<Vec<(String, String)>> {
    Ok(store::repo::staff::org_units(&app.db)
        .await?
        .into_iter()
        .filter(|u| u.kind == OrgKind::County.code() || u.kind == OrgKind::Area.code())
        .map(|u| {
            let kind = OrgKind::parse(&u.kind).map(|k| k.zh()).unwrap_or_default();
            (u.code, format!("{kind} {}", u.name))
        })
        .collect())
}

pub async fn form_options(app: &App, user: &CurrentUser) -> AppResult<FormOptions> {
    let brands = if user.role == Role::BrandManager {
        store::repo::product::brands_of_manager(&app.db, user.id).await?
    } else {
        repo::all_brands(&app.db).await?
    };
    let org_units = org_unit_choices(app).await?;
    Ok(FormOptions {
        brands,
        org_units,
        categories: ChecklistCategory::ALL
            .iter()
            .map(|c| (c.code(), c.zh()))
            .collect(),
        formats: BusinessFormat::ALL
            .iter()
            .map(|c| (c.code(), c.zh()))
            .collect(),
        this_week: IsoWeek::of(app.clock.today()).to_string(),
    })
}
