//! The retailer list (with its htmx results block) and one retailer's page with its chart.
use super::RetailerParams;
use crate::chart;
use crate::extract::{PageCtx, PageResult, Path, Query};
use crate::page::Chrome;
use app::retailers::{Page, RetailerDetail, RetailerListItem};
use askama::Template;
use askama_web::WebTemplate;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use domain::CustomerCode;
use domain::retailer::{BusinessFormat, MarketType};

#[derive(Template, WebTemplate)]
#[template(path = "retailers/list.html")]
struct RetailersPage {
    chrome: Option<Chrome>,
    p: RetailerParams,
    result: Page<RetailerListItem>,
    base_query: String,
    formats: &'static [BusinessFormat],
    markets: &'static [MarketType],
}

/// The results block alone, for htmx updates of the list.
#[derive(Template, WebTemplate)]
#[template(path = "retailers/results.html")]
struct RetailersResults {
    p: RetailerParams,
    result: Page<RetailerListItem>,
    base_query: String,
}

pub async fn retailers(
    ctx: PageCtx, headers: HeaderMap, Query(p): Query<RetailerParams>,
) -> PageResult {
    let result = app::retailers::search(&ctx.app, &ctx.user, &p.parse()?).await?;
    let base_query = p.without_page();
    if headers.contains_key("HX-Request") && !headers.contains_key("HX-Boosted") {
        return Ok(RetailersResults {
            p,
            result,
            base_query,
        }
        .into_response());
    }
    Ok(RetailersPage {
        chrome: ctx.chrome("retailers"),
        base_query,
        p,
        result,
        formats: BusinessFormat::ALL,
        markets: MarketType::ALL,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "retailers/retailer.html")]
struct RetailerPage {
    chrome: Option<Chrome>,
    d: RetailerDetail,
    chart_svg: String,
}

pub async fn retailer(ctx: PageCtx, Path(code): Path<CustomerCode>) -> PageResult {
    let d = app::retailers::detail(&ctx.app, &ctx.user, &code).await?;
    let points: Vec<chart::Point<'_>> = d
        .months
        .iter()
        .map(|m| chart::Point {
            label: &m.month,
            bar: m.supplied,
            line: m.demanded,
        })
        .collect();
    let chart_svg = chart::bars_with_line("近 12 个月购进（条）", "实际购进量", "需求量", &points);
    Ok(RetailerPage {
        chrome: ctx.chrome("retailers"),
        d,
        chart_svg,
    }
    .into_response())
}
