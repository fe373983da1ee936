use crate::extract::{CsrfForm, NoFields, PageCtx, PageResult, Path};
use crate::page::Chrome;
use app::AppError;
use app::balancing::Review;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::Month;

#[derive(Template, WebTemplate)]
#[template(path = "balance/page.html")]
struct BalancePage {
    chrome: Option<Chrome>,
    csrf: String,
    month: String,
    can_act: bool,
    review: Option<Review>,
}

pub async fn page(ctx: PageCtx, Path(target): Path<Month>) -> PageResult {
    let review = match app::balancing::review(&ctx.app, &ctx.user, target).await {
        Ok(r) => Some(r),
        Err(AppError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(BalancePage {
        chrome: ctx.chrome("supply"),
        csrf: ctx.csrf.clone(),
        month: target.to_string(),
        can_act: app::views::supply::CENTER.contains(&ctx.user.role),
        review,
    }
    .into_response())
}

pub async fn run(ctx: PageCtx, Path(target): Path<Month>, _: CsrfForm<NoFields>) -> PageResult {
    let res = app::balancing::run(&ctx.app, &ctx.user, target)
        .await
        .map(|r| format!("已运行修正平衡：{} 户，{} 条", r.retailers, r.lines));
    ctx.redirect(&format!("/balance/{target}"), res)
}

pub async fn publish(ctx: PageCtx, Path(target): Path<Month>, _: CsrfForm<NoFields>) -> PageResult {
    let res = app::balancing::publish(&ctx.app, &ctx.user, target)
        .await
        .map(|o| {
            if o.already_published {
                "此前已发布，未作改动".to_string()
            } else {
                format!("已发布：写入 {} 条平衡后预测", o.written)
            }
        });
    ctx.redirect(&format!("/balance/{target}"), res)
}
