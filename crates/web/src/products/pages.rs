//! The product list page.
use super::ProductParams;
use crate::error::PageError;
use crate::extract::{PageCtx, Query};
use crate::page::Chrome;
use app::products::ProductView;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
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

pub(crate) async fn products(
    ctx: PageCtx,
    Query(p): Query<ProductParams>,
) -> Result<Response, PageError> {
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
