//! The social inventory's pages and forms.
use super::InventoryParams;
use crate::chart::{Point, bars_with_line};
use crate::extract::{CsrfForm, CsrfUpload, Fields, PageCtx, PageResult, Path, Query};
use crate::page::{Chrome, done_or_shown};
use app::AppError;
use app::inventory::{DesignInput, ImportInput, InventoryPage, LineInput, PointPage, ReportInput};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;

#[derive(Template, WebTemplate)]
#[template(path = "inventory/page.html")]
struct Page {
    chrome: Option<Chrome>,
    csrf: String,
    p: InventoryPage,
    /// Restored stock (bars) and sales (line) by month (SVG).
    chart: String,
    /// 存销比 by month against the rational range's upper end (SVG).
    ratio_chart: String,
    /// 分品牌, 分价类, 分营销部: (title, whether a row links to its trend, rows).
    groups: Vec<(&'static str, bool, Vec<app::inventory::Restored>)>,
    message: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "inventory/point.html")]
struct PointView {
    chrome: Option<Chrome>,
    csrf: String,
    d: PointPage,
    message: Option<String>,
}

async fn render(ctx: &PageCtx, q: &InventoryParams, message: Option<String>) -> PageResult {
    let p = app::inventory::page(&ctx.app, &ctx.user, &q.query()).await?;
    let points: Vec<Point<'_>> = p
        .trend
        .iter()
        .map(|t| Point {
            label: &t.month[2..],
            bar: t.stock.round() as i64,
            line: t.sales.round() as i64,
        })
        .collect();
    let chart = bars_with_line(
        &format!("{}社会库存与销量（条，分层抽样还原）", p.trend_of),
        "库存",
        "销量",
        &points,
    );
    let ratios: Vec<(String, Option<f64>)> =
        p.trend.iter().map(|t| (t.month.clone(), t.ratio)).collect();
    let ratio_chart = crate::chart::trend(
        &format!(
            "{}存销比（合理 {:.1}–{:.1}）",
            p.trend_of, p.ratio_low, p.ratio_high
        ),
        &ratios,
        Some(p.ratio_high),
    );
    let groups = vec![
        ("分品牌", true, p.brands.clone()),
        ("分价类", false, p.classes.clone()),
        ("分营销部", false, p.counties.clone()),
    ];
    Ok(Page {
        chrome: ctx.chrome("inventory"),
        csrf: ctx.csrf.clone(),
        chart,
        ratio_chart,
        groups,
        p,
        message,
    }
    .into_response())
}

pub async fn page(ctx: PageCtx, Query(q): Query<InventoryParams>) -> PageResult {
    render(&ctx, &q, None).await
}

fn number(f: &Fields, name: &str, label: &str) -> Result<Option<f64>, AppError> {
    match f.get(name) {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(name, format!("{label}「{v}」不是数字"))),
    }
}

pub async fn design(ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let input = (|| {
        Ok::<_, AppError>(DesignInput {
            title: f.get("title").into(),
            allocation: Some(f.get("allocation").to_string()).filter(|a| !a.is_empty()),
            target_rel_error_pct: number(&f, "target_rel_error_pct", "目标相对误差")?,
            rotation_pct: number(&f, "rotation_pct", "轮换比例")?,
            seed: number(&f, "seed", "随机种子")?.map(|s| s as i64),
            month: Some(f.get("month").to_string()).filter(|m| !m.is_empty()),
        })
    })();
    let outcome = match input {
        Ok(i) => app::inventory::create_design(&ctx.app, &ctx.user, &i).await,
        Err(e) => Err(e),
    };
    let q = InventoryParams::default();
    done_or_shown(outcome, "/inventory", |m| render(&ctx, &q, Some(m))).await
}

pub async fn draw(ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let outcome = app::inventory::draw(&ctx.app, &ctx.user, f.get("month")).await;
    let to = match &outcome {
        Ok((m, _)) => format!("/inventory?month={m}"),
        Err(_) => "/inventory".into(),
    };
    let q = InventoryParams::default();
    done_or_shown(outcome, &to, |m| render(&ctx, &q, Some(m))).await
}

pub async fn import(ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let input = ImportInput {
        month: f.get("month").into(),
        text: f.get("text").into(),
        confirm: f.get("confirm") == "1",
    };
    let outcome = app::inventory::import(&ctx.app, &ctx.user, &input).await;
    let q = InventoryParams {
        month: Some(input.month.clone()).filter(|m| !m.is_empty()),
        ..Default::default()
    };
    let to = match &q.month {
        Some(m) => format!("/inventory?month={m}"),
        None => "/inventory".into(),
    };
    done_or_shown(outcome, &to, |m| render(&ctx, &q, Some(m))).await
}

/// The file import (xlsx or CSV); `?confirm=1` saves flagged rows as checked.
pub async fn upload(
    ctx: PageCtx, Path(month): Path<String>, Query(q): Query<UploadParams>, up: CsrfUpload,
) -> PageResult {
    let outcome = match up.file.filter(|b| !b.is_empty()) {
        None => Err(AppError::invalid("file", "请选择 Excel 或 CSV 文件")),
        Some(bytes) => {
            app::inventory::import_file(&ctx.app, &ctx.user, &month, &bytes, q.confirm == Some(1))
                .await
        }
    };
    let p = InventoryParams {
        month: Some(month.clone()),
        ..Default::default()
    };
    done_or_shown(outcome, &format!("/inventory?month={month}"), |m| {
        render(&ctx, &p, Some(m))
    })
    .await
}

/// `?confirm=1` on the upload.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct UploadParams {
    confirm: Option<i64>,
}

async fn render_point(ctx: &PageCtx, id: i64, message: Option<String>) -> PageResult {
    let d = app::inventory::point_page(&ctx.app, &ctx.user, id).await?;
    Ok(PointView {
        chrome: ctx.chrome("inventory"),
        csrf: ctx.csrf.clone(),
        d,
        message,
    }
    .into_response())
}

pub async fn point(ctx: PageCtx, Path(id): Path<i64>) -> PageResult {
    render_point(&ctx, id, None).await
}

pub async fn decide(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let outcome =
        app::inventory::decide(&ctx.app, &ctx.user, id, f.get("action"), f.get("reason")).await;
    let to = match &outcome {
        Ok(p) => match &p.replaced_by {
            Some(r) if p.point.status == "REPLACED" => format!("/inventory/points/{}", r.id),
            _ => format!("/inventory/points/{id}"),
        },
        Err(_) => format!("/inventory/points/{id}"),
    };
    done_or_shown(outcome, &to, |m| render_point(&ctx, id, Some(m))).await
}

/// The form's rows: `sku_code`, `stock`, `sales`, `retail_price`, `stockout_days` repeated in
/// order; a row with no stock, sales and price is a SKU the point does not carry.
fn rows(f: &Fields) -> Result<Vec<LineInput>, AppError> {
    fn col<'a>(f: &'a Fields, n: &'a str) -> Vec<&'a str> {
        f.all(n).map(str::trim).collect()
    }
    fn at<'a>(k: &[&'a str], i: usize) -> &'a str {
        k.get(i).copied().unwrap_or("")
    }
    let (codes, stock, sales, price, days) = (
        col(f, "sku_code"),
        col(f, "stock"),
        col(f, "sales"),
        col(f, "retail_price"),
        col(f, "stockout_days"),
    );
    let mut out = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        if code.is_empty()
            || (at(&stock, i).is_empty() && at(&sales, i).is_empty() && at(&price, i).is_empty())
        {
            continue;
        }
        let int = |v: &str, name: &str, label: &str| -> Result<i64, AppError> {
            if v.is_empty() {
                return Ok(0);
            }
            v.parse().map_err(|_| {
                AppError::invalid(
                    format!("lines[{i}].{name}"),
                    format!("第 {} 行：{label}「{v}」不是整数", i + 1),
                )
            })
        };
        out.push(LineInput {
            sku_code: code.to_string(),
            stock: int(at(&stock, i), "stock", "库存")?,
            sales: int(at(&sales, i), "sales", "销量")?,
            retail_price: at(&price, i).to_string(),
            stockout_days: int(at(&days, i), "stockout_days", "断货天数")?,
        });
    }
    Ok(out)
}

pub async fn report(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let outcome = match rows(&f) {
        Ok(lines) => {
            let input = ReportInput {
                lines,
                confirm: f.get("confirm") == "1",
            };
            app::inventory::report(&ctx.app, &ctx.user, id, &input).await
        }
        Err(e) => Err(e),
    };
    done_or_shown(outcome, &format!("/inventory/points/{id}"), |m| {
        render_point(&ctx, id, Some(m))
    })
    .await
}
