//! The cultivation page: the tasks, the form to create one, the brand manager's time in market.
use crate::extract::{CsrfForm, NoFields, PageCtx, PageResult, Path};
use crate::page::{Chrome, done_or_shown};
use app::AppError;
use app::cultivation::{FormOptions, TaskInput, TaskView};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "cultivation/cultivation.html")]
struct CultivationPage {
    chrome: Option<Chrome>,
    csrf: String,
    tasks: Vec<TaskView>,
    o: FormOptions,
    can_create: bool,
    message: Option<String>,
    /// A brand manager's own time in market this month (§2.3, ≥ 1/3).
    field: Option<app::sheets::FieldTime>,
    field_period: String,
}

async fn render(ctx: &PageCtx, message: Option<String>) -> PageResult {
    let v = app::views::cultivation::page(&ctx.app, &ctx.user).await?;
    let page = CultivationPage {
        chrome: ctx.chrome("cultivation"),
        csrf: ctx.csrf.clone(),
        tasks: v.tasks,
        o: v.options,
        can_create: v.can_create,
        message,
        field: v.field,
        field_period: format!("{} 月初至今", v.month),
    };
    Ok(page.into_response())
}

pub async fn page(ctx: PageCtx) -> PageResult {
    render(&ctx, None).await
}

/// The task form as written: empty optional fields mean "none", the tier is checked here so a bad
/// one is refused on the page by name.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TaskForm {
    brand: String,
    sku_code: String,
    title: String,
    method: String,
    category: String,
    scope: String,
    org_unit_code: String,
    min_tier: String,
    business_format: String,
    from_week: String,
    to_week: String,
}

impl TaskForm {
    fn input(self) -> Result<TaskInput, AppError> {
        let some = |v: String| Some(v).filter(|v| !v.trim().is_empty());
        let min_tier =
            match self.min_tier.trim() {
                "" => None,
                t => Some(t.parse::<i64>().map_err(|_| {
                    AppError::invalid("min_tier", format!("最低档位「{t}」不是整数"))
                })?),
            };
        Ok(TaskInput {
            brand: self.brand,
            sku_code: some(self.sku_code),
            title: self.title,
            method: self.method,
            category: some(self.category),
            scope: some(self.scope),
            org_unit_code: some(self.org_unit_code),
            min_tier,
            business_format: some(self.business_format),
            from_week: self.from_week,
            to_week: some(self.to_week),
        })
    }
}

pub async fn create(ctx: PageCtx, CsrfForm(f): CsrfForm<TaskForm>) -> PageResult {
    let outcome = match f.input() {
        Ok(input) => app::cultivation::create(&ctx.app, &ctx.user, &input).await,
        Err(e) => Err(e),
    };
    done_or_shown(outcome, "/cultivation", |m| render(&ctx, Some(m))).await
}

pub async fn close(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> PageResult {
    let outcome = app::cultivation::close(&ctx.app, &ctx.user, id).await;
    done_or_shown(outcome, "/cultivation", |m| render(&ctx, Some(m))).await
}
