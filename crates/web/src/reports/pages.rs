//! The market analysis reports' pages and forms.
use crate::export;
use crate::extract::{CsrfForm, Fields, PageCtx, PageResult, Path};
use crate::page::{Chrome, done_or_shown};
use app::AppError;
use app::report::{ReportList, ReportView, SectionText};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;

#[derive(Template, WebTemplate)]
#[template(path = "reports/list.html")]
struct List {
    chrome: Option<Chrome>,
    csrf: String,
    p: ReportList,
    message: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/report.html")]
struct Report {
    chrome: Option<Chrome>,
    csrf: String,
    r: ReportView,
    /// Each section's trend chart (SVG), in section order.
    charts: Vec<String>,
    message: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/print.html")]
struct Print {
    r: ReportView,
    charts: Vec<String>,
}

async fn render(ctx: &PageCtx, message: Option<String>) -> PageResult {
    let p = app::report::list(&ctx.app, &ctx.user).await?;
    Ok(List {
        chrome: ctx.chrome("reports"),
        csrf: ctx.csrf.clone(),
        p,
        message,
    }
    .into_response())
}

pub async fn page(ctx: PageCtx) -> PageResult {
    render(&ctx, None).await
}

pub async fn create(ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let outcome = app::report::create(&ctx.app, &ctx.user, f.get("month")).await;
    let to = match &outcome {
        Ok(r) => format!("/reports/{}", r.row.id),
        Err(_) => "/reports".into(),
    };
    done_or_shown(outcome, &to, |m| render(&ctx, Some(m))).await
}

fn charts(r: &ReportView) -> Vec<String> {
    r.parsed
        .iter()
        .map(|s| match s.trend.is_empty() {
            true => String::new(),
            false => crate::chart::trend(&s.chart_title, &s.trend, s.chart_target),
        })
        .collect()
}

async fn render_report(ctx: &PageCtx, id: i64, message: Option<String>) -> PageResult {
    let r = app::report::view(&ctx.app, &ctx.user, id).await?;
    Ok(Report {
        chrome: ctx.chrome("reports"),
        csrf: ctx.csrf.clone(),
        charts: charts(&r),
        r,
        message,
    }
    .into_response())
}

pub async fn report(ctx: PageCtx, Path(id): Path<i64>) -> PageResult {
    render_report(&ctx, id, None).await
}

/// The A4 print view: the sections one after another, a page break before each.
pub async fn print(ctx: PageCtx, Path(id): Path<i64>) -> PageResult {
    let r = app::report::view(&ctx.app, &ctx.user, id).await?;
    Ok(Print {
        charts: charts(&r),
        r,
    }
    .into_response())
}

/// The report's tables as a workbook: a sheet per section.
pub async fn xlsx(ctx: PageCtx, Path(id): Path<i64>) -> PageResult {
    let r = app::report::view(&ctx.app, &ctx.user, id).await?;
    let bytes = export::report_workbook(&r)?;
    Ok(export::xlsx_response(
        bytes,
        &format!(
            "report-{}-{}.xlsx",
            r.row.scope.replace(':', "-"),
            r.row.month
        ),
    ))
}

fn version(f: &Fields) -> Result<i64, AppError> {
    f.get("version")
        .parse()
        .map_err(|_| AppError::invalid("version", "版本无效，请刷新后再操作"))
}

pub async fn edit(ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let texts: Vec<SectionText> = f
        .all("kind")
        .map(|k| SectionText {
            kind: k.to_string(),
            narrative: f.get(&format!("narrative_{k}")).to_string(),
            measures: f.get(&format!("measures_{k}")).to_string(),
        })
        .collect();
    let outcome = match version(&f) {
        Ok(v) => app::report::edit(&ctx.app, &ctx.user, id, &texts, v).await,
        Err(e) => Err(e),
    };
    done_or_shown(outcome, &format!("/reports/{id}"), |m| {
        render_report(&ctx, id, Some(m))
    })
    .await
}

pub async fn step(ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let outcome = match version(&f) {
        Ok(v) => {
            app::report::act(
                &ctx.app,
                &ctx.user,
                id,
                f.get("action"),
                f.get("comment"),
                v,
            )
            .await
        }
        Err(e) => Err(e),
    };
    done_or_shown(outcome, &format!("/reports/{id}"), |m| {
        render_report(&ctx, id, Some(m))
    })
    .await
}
