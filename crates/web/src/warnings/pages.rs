//! The warnings pages: the list with its filters and counts, one warning with its figures,
//! history and handling forms, and the center's re-detection of a month.
use super::api::ListParams;
use crate::extract::{CsrfForm, PageCtx, PageResult, Path, Query};
use crate::page::{Chrome, done_or_shown};
use app::warnings::{StepInput, WarningDetail, WarningList};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::Month;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "warnings/list.html")]
struct ListPage {
    chrome: Option<Chrome>,
    csrf: String,
    l: WarningList,
    message: Option<String>,
}

impl ListPage {
    /// The query string of another page of the same list.
    fn page_link(&self, page: i64) -> String {
        let mut q = vec![format!("page={page}")];
        if let Some(m) = &self.l.month {
            q.push(format!("month={m}"));
        }
        if let Some(k) = &self.l.kind {
            q.push(format!("kind={k}"));
        }
        if let Some(s) = &self.l.status {
            q.push(format!("status={s}"));
        }
        format!("/warnings?{}", q.join("&"))
    }

    fn pages(&self) -> i64 {
        (self.l.total + app::warnings::PAGE_ROWS - 1) / app::warnings::PAGE_ROWS
    }
}

pub async fn list(ctx: PageCtx, Query(p): Query<ListParams>) -> PageResult {
    let l = app::warnings::list(&ctx.app, &ctx.user, &p.query()).await?;
    Ok(ListPage {
        chrome: ctx.chrome("warnings"),
        csrf: ctx.csrf.clone(),
        l,
        message: None,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "warnings/detail.html")]
struct DetailPage {
    chrome: Option<Chrome>,
    csrf: String,
    d: WarningDetail,
    message: Option<String>,
}

impl DetailPage {
    fn can(&self, action: &str) -> bool {
        self.d.actions.contains(&action)
    }
}

async fn render_detail(ctx: &PageCtx, id: i64, message: Option<String>) -> PageResult {
    let d = app::warnings::detail(&ctx.app, &ctx.user, id).await?;
    Ok(DetailPage {
        chrome: ctx.chrome("warnings"),
        csrf: ctx.csrf.clone(),
        d,
        message,
    }
    .into_response())
}

pub async fn detail(ctx: PageCtx, Path(id): Path<i64>) -> PageResult {
    render_detail(&ctx, id, None).await
}

/// A handling step from the page's forms (the version read travels as a hidden field).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct StepForm {
    action: String,
    measure: String,
    result: String,
    note: String,
    version: String,
}

pub async fn step(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<StepForm>,
) -> PageResult {
    let some = |v: String| Some(v).filter(|v| !v.trim().is_empty());
    let input = StepInput {
        action: f.action,
        measure: some(f.measure),
        result: some(f.result),
        note: some(f.note),
        version: f.version.trim().parse().ok(),
    };
    let outcome = app::warnings::act(&ctx.app, &ctx.user, id, &input).await;
    done_or_shown(outcome, &format!("/warnings/{id}"), |m| {
        render_detail(&ctx, id, Some(m))
    })
    .await
}

/// The center's re-detection form: the month.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DetectForm {
    month: String,
}

pub async fn detect(ctx: PageCtx, CsrfForm(f): CsrfForm<DetectForm>) -> PageResult {
    let outcome = match Month::parse(f.month.trim()) {
        Ok(m) => app::warnings::redetect(&ctx.app, &ctx.user, m).await,
        Err(e) => Err(app::AppError::invalid("month", e.message)),
    };
    let to = format!("/warnings?month={}", f.month.trim());
    done_or_shown(outcome, &to, |m| async move {
        let l = app::warnings::list(&ctx.app, &ctx.user, &Default::default()).await?;
        Ok(ListPage {
            chrome: ctx.chrome("warnings"),
            csrf: ctx.csrf.clone(),
            l,
            message: Some(m),
        }
        .into_response())
    })
    .await
}
