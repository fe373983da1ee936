use crate::error::{PageError, shown_in_place, status_of};
use crate::extract::{CsrfForm, CsrfUpload, Fields, PageCtx, PageResult, Path};
use crate::page::{Chrome, see_other, target_month};
use app::AppError;
use app::balancing::SupplyInput;
use app::views::supply::SupplyRow;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::Month;

#[derive(Template, WebTemplate)]
#[template(path = "supply/page.html")]
struct SupplyPage {
    chrome: Option<Chrome>,
    csrf: String,
    month: String,
    published: bool,
    rows: Vec<SupplyRow>,
    error: Option<String>,
}

pub async fn home(ctx: PageCtx) -> PageResult {
    ctx.user.require(app::views::supply::CENTER)?;
    Ok(see_other(&format!("/supply/{}", target_month(&ctx.app))))
}

async fn render(
    ctx: &PageCtx, target: Month, error: Option<String>,
) -> Result<SupplyPage, PageError> {
    let v = app::views::supply::sheet(&ctx.app, &ctx.user, target).await?;
    Ok(SupplyPage {
        chrome: ctx.chrome("supply"),
        csrf: ctx.csrf.clone(),
        month: target.to_string(),
        published: v.published,
        rows: v.rows,
        error,
    })
}

pub async fn page(ctx: PageCtx, Path(target): Path<Month>) -> PageResult {
    Ok(render(&ctx, target, None).await?.into_response())
}

/// Back to the page with the outcome: a message after a save, or the error in place.
async fn done(ctx: &PageCtx, target: Month, res: Result<String, AppError>) -> PageResult {
    match res {
        Err(e) if shown_in_place(&e) => {
            let page = render(ctx, target, Some(e.to_string())).await?;
            Ok((status_of(&e).0, page).into_response())
        }
        res => ctx.redirect(&format!("/supply/{target}"), res),
    }
}

/// The form: one input `q_<sku>` per SKU; empty inputs leave the SKU as it is.
pub async fn save(
    ctx: PageCtx, Path(target): Path<Month>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let mut lines = Vec::new();
    let mut bad = None;
    for (sku, v) in f.with_prefix("q_").filter(|(_, v)| !v.is_empty()) {
        match v.parse::<i64>() {
            Ok(q) => lines.push(SupplyInput {
                row: sku.to_string(),
                sku: sku.to_string(),
                quantity: q,
            }),
            Err(_) => {
                bad = Some(AppError::invalid(
                    sku,
                    format!("\"{v}\" 不是有效的整数，未写入任何货源"),
                ));
                break;
            }
        }
    }
    let res = match bad {
        Some(e) => Err(e),
        None => app::balancing::set_supply(&ctx.app, &ctx.user, target, &lines)
            .await
            .map(|n| format!("已保存货源：{n} 个规格有改动")),
    };
    done(&ctx, target, res).await
}

pub async fn upload(ctx: PageCtx, Path(target): Path<Month>, up: CsrfUpload) -> PageResult {
    let res = match up.file.filter(|b| !b.is_empty()) {
        None => Err(AppError::invalid("file", "请选择 Excel 文件")),
        Some(bytes) => app::balancing::upload_supply(&ctx.app, &ctx.user, target, &bytes)
            .await
            .map(|(n, rows)| format!("已导入 {rows} 行，{n} 个规格有改动")),
    };
    done(&ctx, target, res).await
}
