//! The listing programmes' pages and forms.
use crate::extract::{CsrfForm, Fields, PageCtx, PageResult, Path};
use crate::page::{Chrome, done_or_shown};
use app::AppError;
use app::new_sku::{ListPage, ProgrammeDetail, ProgrammeInput, ReviewInput};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;

#[derive(Template, WebTemplate)]
#[template(path = "new_sku/list.html")]
struct List {
    chrome: Option<Chrome>,
    csrf: String,
    p: ListPage,
    message: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "new_sku/detail.html")]
struct Detail {
    chrome: Option<Chrome>,
    csrf: String,
    d: ProgrammeDetail,
    /// The cumulative listing rate by week (SVG).
    chart: String,
    message: Option<String>,
}

async fn render(ctx: &PageCtx, message: Option<String>) -> PageResult {
    let p = app::new_sku::page(&ctx.app, &ctx.user).await?;
    Ok(List {
        chrome: ctx.chrome("new_sku"),
        csrf: ctx.csrf.clone(),
        p,
        message,
    }
    .into_response())
}

pub async fn page(ctx: PageCtx) -> PageResult {
    render(&ctx, None).await
}

async fn render_detail(ctx: &PageCtx, id: i64, message: Option<String>) -> PageResult {
    let d = app::new_sku::detail(&ctx.app, &ctx.user, id).await?;
    let points: Vec<(String, Option<f64>)> =
        d.curve.iter().map(|c| (c.week.clone(), c.pct)).collect();
    let chart = crate::chart::trend("累计上柜率（%）", &points, Some(d.listing_target_pct));
    Ok(Detail {
        chrome: ctx.chrome("new_sku"),
        csrf: ctx.csrf.clone(),
        d,
        chart,
        message,
    }
    .into_response())
}

pub async fn detail(ctx: PageCtx, Path(id): Path<i64>) -> PageResult {
    render_detail(&ctx, id, None).await
}

fn int(f: &Fields, name: &str, label: &str) -> Result<Option<i64>, AppError> {
    match f.get(name) {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(name, format!("{label}「{v}」不是整数"))),
    }
}

fn input(f: &Fields) -> Result<ProgrammeInput, AppError> {
    let some = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
    let all = |name: &str| {
        f.all(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
            .collect()
    };
    Ok(ProgrammeInput {
        sku_code: f.get("sku_code").into(),
        title: f.get("title").into(),
        min_tier: int(f, "min_tier", "最低档位")?,
        max_tier: int(f, "max_tier", "最高档位")?,
        business_formats: all("business_format"),
        market_types: all("market_type"),
        org_unit_codes: all("org_unit_code"),
        from_week: some(f.get("from_week")),
        to_week: some(f.get("to_week")),
        plan_qty: int(f, "plan_qty", "计划销量")?.unwrap_or(0),
    })
}

pub async fn create(ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let outcome = match input(&f) {
        Ok(i) => app::new_sku::create(&ctx.app, &ctx.user, &i).await,
        Err(e) => Err(e),
    };
    let to = match &outcome {
        Ok(d) => format!("/new-sku/{}", d.summary.row.id),
        Err(_) => "/new-sku".into(),
    };
    done_or_shown(outcome, &to, |m| render(&ctx, Some(m))).await
}

pub async fn review(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let outcome = match int(&f, "version", "版本") {
        Ok(v) => {
            let i = ReviewInput {
                decision: f.get("decision").into(),
                note: f.get("note").into(),
                new_to_week: Some(f.get("new_to_week").to_string()).filter(|w| !w.is_empty()),
                version: v.unwrap_or(0),
            };
            app::new_sku::review(&ctx.app, &ctx.user, id, &i).await
        }
        Err(e) => Err(e),
    };
    done_or_shown(outcome, &format!("/new-sku/{id}"), |m| {
        render_detail(&ctx, id, Some(m))
    })
    .await
}
