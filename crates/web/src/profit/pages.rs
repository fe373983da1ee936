//! The profit survey's pages and forms.
use super::ProfitParams;
use crate::extract::{CsrfForm, Fields, PageCtx, PageResult, Path, Query};
use crate::page::{Chrome, done_or_shown};
use app::AppError;
use app::profit::{LineInput, ProfitPage, SurveyInput, SurveyPage};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;

#[derive(Template, WebTemplate)]
#[template(path = "profit/page.html")]
struct Page {
    chrome: Option<Chrome>,
    csrf: String,
    p: ProfitPage,
    /// The scope's gross margin by month against the target (SVG).
    chart: String,
    message: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "profit/survey.html")]
struct SurveyView {
    chrome: Option<Chrome>,
    csrf: String,
    d: SurveyPage,
    message: Option<String>,
}

async fn render(ctx: &PageCtx, month: Option<&str>, message: Option<String>) -> PageResult {
    let p = app::profit::page(&ctx.app, &ctx.user, month).await?;
    let chart = crate::chart::trend("零售户毛利率（%）", &p.trend, Some(p.target_pct));
    Ok(Page {
        chrome: ctx.chrome("profit"),
        csrf: ctx.csrf.clone(),
        chart,
        p,
        message,
    }
    .into_response())
}

pub async fn page(ctx: PageCtx, Query(q): Query<ProfitParams>) -> PageResult {
    render(&ctx, q.month.as_deref(), None).await
}

pub async fn draw(ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let outcome = app::profit::draw(&ctx.app, &ctx.user, f.get("month")).await;
    let to = match &outcome {
        Ok((m, _)) => format!("/profit?month={m}"),
        Err(_) => "/profit".into(),
    };
    done_or_shown(outcome, &to, |m| render(&ctx, None, Some(m))).await
}

async fn render_survey(ctx: &PageCtx, id: i64, message: Option<String>) -> PageResult {
    let d = app::profit::survey(&ctx.app, &ctx.user, id).await?;
    Ok(SurveyView {
        chrome: ctx.chrome("profit"),
        csrf: ctx.csrf.clone(),
        d,
        message,
    }
    .into_response())
}

pub async fn survey(ctx: PageCtx, Path(id): Path<i64>) -> PageResult {
    render_survey(&ctx, id, None).await
}

/// The form's rows: `sku_code`, `qty`, `retail_price` repeated in order; a row with neither a
/// quantity nor a price is a SKU the retailer did not sell.
fn rows(f: &Fields) -> Result<Vec<LineInput>, AppError> {
    let codes: Vec<&str> = f.all("sku_code").map(str::trim).collect();
    let qty: Vec<&str> = f.all("qty").map(str::trim).collect();
    let price: Vec<&str> = f.all("retail_price").map(str::trim).collect();
    let mut out = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let q = qty.get(i).copied().unwrap_or("");
        let p = price.get(i).copied().unwrap_or("");
        if code.is_empty() || (q.is_empty() && p.is_empty()) {
            continue;
        }
        let n = match q {
            "" => 0,
            v => v.parse().map_err(|_| {
                AppError::invalid(
                    format!("lines[{i}].qty"),
                    format!("第 {} 行：销量「{v}」不是整数", i + 1),
                )
            })?,
        };
        out.push(LineInput {
            sku_code: code.to_string(),
            qty: n,
            retail_price: p.to_string(),
        });
    }
    Ok(out)
}

pub async fn enter(ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let outcome = match (rows(&f), f.get("version").parse::<i64>()) {
        (Ok(lines), Ok(version)) => {
            app::profit::enter(&ctx.app, &ctx.user, id, &SurveyInput { lines, version }).await
        }
        (Err(e), _) => Err(e),
        (_, Err(_)) => Err(AppError::invalid("version", "版本无效，请刷新后重新录入")),
    };
    done_or_shown(outcome, &format!("/profit/surveys/{id}"), |m| {
        render_survey(&ctx, id, Some(m))
    })
    .await
}
