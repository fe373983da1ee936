//! The benchmark terminals' page and its forms.
use crate::extract::{CsrfForm, Fields, PageCtx, PageResult, Path};
use crate::page::{Chrome, done_or_shown};
use app::benchmark::{BenchPage, DesignateInput, InStoreInput, ScoreInput};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "benchmarks/benchmarks.html")]
struct Page {
    chrome: Option<Chrome>,
    csrf: String,
    p: BenchPage,
    message: Option<String>,
}

impl Page {
    fn opt(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".into(), |x| format!("{x:.1}"))
    }
}

async fn render(ctx: &PageCtx, message: Option<String>) -> PageResult {
    let p = app::benchmark::page(&ctx.app, &ctx.user).await?;
    Ok(Page {
        chrome: ctx.chrome("benchmarks"),
        csrf: ctx.csrf.clone(),
        p,
        message,
    }
    .into_response())
}

pub async fn page(ctx: PageCtx) -> PageResult {
    render(&ctx, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DesignateForm {
    customer_code: String,
    reason: String,
}

pub async fn designate(ctx: PageCtx, CsrfForm(f): CsrfForm<DesignateForm>) -> PageResult {
    let input = DesignateInput {
        customer_code: f.customer_code,
        reason: f.reason,
    };
    let outcome = app::benchmark::designate(&ctx.app, &ctx.user, &input).await;
    done_or_shown(outcome, "/benchmarks", |m| render(&ctx, Some(m))).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReasonForm {
    reason: String,
}

pub async fn remove(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<ReasonForm>,
) -> PageResult {
    let outcome = app::benchmark::remove(&ctx.app, &ctx.user, id, &f.reason).await;
    done_or_shown(outcome, "/benchmarks", |m| render(&ctx, Some(m))).await
}

/// The score form: one field per rubric item (`item_<CODE>`), a note.
pub async fn score(ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let mut input = ScoreInput {
        note: f.get("note").to_string(),
        ..ScoreInput::default()
    };
    let mut bad = None;
    for (code, v) in f.with_prefix("item_") {
        match v.parse::<i64>() {
            Ok(n) => {
                input.items.insert(code.to_string(), n);
            }
            Err(_) => {
                bad = Some(app::AppError::invalid(
                    format!("items.{code}"),
                    format!("「{v}」不是整数"),
                ))
            }
        }
    }
    let outcome = match bad {
        Some(e) => Err(e),
        None => app::benchmark::score(&ctx.app, &ctx.user, id, &input).await,
    };
    done_or_shown(outcome, "/benchmarks", |m| render(&ctx, Some(m))).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct InStoreForm {
    date: String,
    hours: String,
    findings: String,
}

pub async fn in_store_day(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<InStoreForm>,
) -> PageResult {
    let hours = match f.hours.trim() {
        "" => Ok(None),
        h => h
            .parse::<i64>()
            .map(Some)
            .map_err(|_| app::AppError::invalid("hours", format!("「{h}」不是整数"))),
    };
    let outcome = match hours {
        Ok(hours) => {
            let input = InStoreInput {
                date: Some(f.date),
                hours,
                findings: f.findings,
            };
            app::benchmark::in_store_day(&ctx.app, &ctx.user, id, &input).await
        }
        Err(e) => Err(e),
    };
    done_or_shown(outcome, "/benchmarks", |m| render(&ctx, Some(m))).await
}
