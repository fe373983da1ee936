//! The roll-up page, its Excel workbook and the month close page.
use crate::export;
use crate::extract::{PageCtx, PageResult, Path, Query};
use crate::page::Chrome;
use app::sheets::{MonthClose, Rollup, RollupRow, TargetView};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::{IsoWeek, Month};
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "rollup/rollup.html")]
struct RollupPage {
    chrome: Option<Chrome>,
    r: Rollup,
    month: String,
}

impl RollupPage {
    fn target<'a>(&self, row: &'a RollupRow, code: &str) -> Option<&'a TargetView> {
        row.targets.iter().find(|t| t.code == code)
    }
}

#[derive(Deserialize)]
pub(crate) struct WeekQuery {
    /// Default: this week.
    week: Option<IsoWeek>,
}

pub async fn rollup(ctx: PageCtx, Query(q): Query<WeekQuery>) -> PageResult {
    let week = q.week.unwrap_or_else(|| IsoWeek::of(ctx.app.clock.today()));
    let r = app::sheets::rollup(&ctx.app, &ctx.user, week).await?;
    Ok(RollupPage {
        chrome: ctx.chrome("rollup"),
        month: week.month().to_string(),
        r,
    }
    .into_response())
}

pub async fn xlsx(ctx: PageCtx, Path(week): Path<IsoWeek>) -> PageResult {
    let r = app::views::rollup::with_sheets(&ctx.app, &ctx.user, week).await?;
    let bytes = export::rollup_workbook(&r.rollup, &r.sheets)?;
    Ok(export::xlsx_response(
        bytes,
        &format!("one-sheets-{week}.xlsx"),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "rollup/month.html")]
struct MonthPage {
    chrome: Option<Chrome>,
    m: MonthClose,
}

pub async fn month(ctx: PageCtx, Path(month): Path<Month>) -> PageResult {
    let m = app::sheets::month_close(&ctx.app, &ctx.user, month).await?;
    Ok(MonthPage {
        chrome: ctx.chrome("rollup"),
        m,
    }
    .into_response())
}
