//! The phone page 今日拜访: today's route with one-tap check-in and check-out.
use crate::extract::{CsrfForm, Fields, PageCtx, PageResult};
use crate::page::{Chrome, done_or_shown};
use app::AppError;
use app::visits::{CheckIn, CheckOut, ServiceItem, Today};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::one_sheet::ChecklistCategory;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "visits/today.html")]
struct TodayPage {
    chrome: Option<Chrome>,
    csrf: String,
    t: Today,
    message: Option<String>,
}

pub async fn today(ctx: PageCtx) -> PageResult {
    render_today(&ctx, None).await
}

async fn render_today(ctx: &PageCtx, message: Option<String>) -> PageResult {
    let t = app::visits::today(&ctx.app, &ctx.user).await?;
    let page = TodayPage {
        chrome: ctx.chrome("today"),
        csrf: ctx.csrf.clone(),
        t,
        message,
    };
    Ok(page.into_response())
}

/// A coordinate of the phone's position; empty when the phone gave none.
fn coordinate(field: &str, v: &str) -> Result<Option<f64>, AppError> {
    match v.trim() {
        "" => Ok(None),
        s => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("\"{s}\" 不是有效的数字"))),
    }
}

#[derive(Deserialize)]
pub(crate) struct CheckInForm {
    #[serde(default)]
    retailer_code: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lng: String,
}

pub async fn checkin(ctx: PageCtx, CsrfForm(f): CsrfForm<CheckInForm>) -> PageResult {
    let input = CheckIn {
        retailer_code: f.retailer_code,
        purpose: f.purpose,
        lat: coordinate("lat", &f.lat)?,
        lng: coordinate("lng", &f.lng)?,
        ..CheckIn::default()
    };
    let outcome = app::visits::check_in(&ctx.app, &ctx.user, &input).await;
    done_or_shown(outcome, "/today", |m| render_today(&ctx, Some(m))).await
}

/// The check-out form: the traces, and one `service` box per §8.3 category ticked.
pub async fn checkout(ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let id: i64 = f
        .get("visit_id")
        .parse()
        .map_err(|_| AppError::invalid("visit_id", "拜访编号无效"))?;
    let service_items = f
        .all("service")
        .map(|c| {
            Ok(ServiceItem {
                category: ChecklistCategory::parse(c)?,
                item: String::new(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let input = CheckOut {
        service_items,
        findings: f.get("findings").to_string(),
        demand_notes: f.get("demand_notes").to_string(),
        brand_notes: f.get("brand_notes").to_string(),
        consumer_feedback: f.get("consumer_feedback").to_string(),
        anomalies: f.get("anomalies").to_string(),
        advice: f.get("advice").to_string(),
        follow_up: f.get("follow_up").to_string(),
        lat: coordinate("lat", f.get("lat"))?,
        lng: coordinate("lng", f.get("lng"))?,
        ..CheckOut::default()
    };
    let outcome = app::visits::check_out(&ctx.app, &ctx.user, id, &input).await;
    done_or_shown(outcome, "/today", |m| render_today(&ctx, Some(m))).await
}
