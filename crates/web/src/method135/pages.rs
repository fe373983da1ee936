use crate::extract::{CsrfForm, PageCtx, PageResult, Path};
use crate::page::{Chrome, see_other};
use app::accuracy::AccuracyRow;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
use domain::Month;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "method135/page.html")]
struct Method135Page {
    chrome: Option<Chrome>,
    csrf: String,
    /// The working month.
    month: String,
    prev: String,
    /// The month forecast in it.
    target: String,
    role_zh: &'static str,
    analysis: Vec<(&'static str, Vec<String>)>,
    last_improvement: Option<String>,
    plan: String,
    improvement: String,
    updated_at: Option<String>,
    evaluation: Option<AccuracyRow>,
    evaluation_note: Option<String>,
}

pub async fn home(ctx: PageCtx) -> Response {
    see_other(&format!("/method135/{}", Month::of(ctx.app.clock.today())))
}

pub async fn page(ctx: PageCtx, Path(month): Path<Month>) -> PageResult {
    let v = app::views::method135::page(&ctx.app, &ctx.user, month).await?;
    Ok(Method135Page {
        chrome: ctx.chrome("method135"),
        csrf: ctx.csrf.clone(),
        month: month.to_string(),
        prev: month.prev().to_string(),
        target: month.next().to_string(),
        role_zh: ctx.user.role.zh(),
        analysis: v.analysis,
        last_improvement: v.last_improvement,
        plan: v.plan,
        improvement: v.improvement,
        updated_at: v.updated_at.map(crate::filters::datetime),
        evaluation: v.evaluation,
        evaluation_note: v.evaluation_note,
    }
    .into_response())
}

#[derive(Deserialize)]
pub(crate) struct PlanForm {
    #[serde(default)]
    plan: String,
    #[serde(default)]
    improvement: String,
}

pub async fn save(
    ctx: PageCtx, Path(month): Path<Month>, CsrfForm(f): CsrfForm<PlanForm>,
) -> PageResult {
    let res = app::cycle::save_plan135(&ctx.app, &ctx.user, month, &f.plan, &f.improvement)
        .await
        .map(|_| "已保存计划与改进措施".to_string());
    ctx.redirect(&format!("/method135/{month}"), res)
}
