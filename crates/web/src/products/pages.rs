//! The product list page.
use super::ProductParams;
use crate::extract::{PageCtx, PageResult, Query};
use crate::page::Chrome;
use app::products::ProductView;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::product::{PriceClass, SupplyStatus};

#[derive(Template, WebTemplate)]
#[template(path = "products/list.html")]
struct ProductsPage {
    chrome: Option<Chrome>,
    p: ProductParams,
    products: Vec<ProductView>,
    classes: &'static [PriceClass],
    statuses: &'static [SupplyStatus],
}

pub async fn products(ctx: PageCtx, Query(p): Query<ProductParams>) -> PageResult {
    let products = app::products::list(&ctx.app, &p.parse()?).await?;
    Ok(ProductsPage {
        chrome: ctx.chrome("products"),
        p,
        products,
        classes: PriceClass::ALL,
        statuses: SupplyStatus::ALL,
    }
    .into_response())
}
