//! The home page, one template per kind of home.
use crate::extract::{PageCtx, PageResult};
use crate::page::Chrome;
use app::dashboard::{BrandManagerHome, CenterHome, Home, MarketManagerHome, RepHome};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::org::Role;

#[derive(Template, WebTemplate)]
#[template(path = "home/rep.html")]
struct RepHomePage {
    chrome: Option<Chrome>,
    h: RepHome,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/market_manager.html")]
struct MarketManagerHomePage {
    chrome: Option<Chrome>,
    h: MarketManagerHome,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/brand_manager.html")]
struct BrandManagerHomePage {
    chrome: Option<Chrome>,
    h: BrandManagerHome,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/center.html")]
struct CenterHomePage {
    chrome: Option<Chrome>,
    h: CenterHome,
    title: &'static str,
}

pub async fn home(ctx: PageCtx) -> PageResult {
    let chrome = ctx.chrome("home");
    Ok(match app::dashboard::home(&ctx.app, &ctx.user).await? {
        Home::Rep(h) => RepHomePage { chrome, h }.into_response(),
        Home::MarketManager(h) => MarketManagerHomePage { chrome, h }.into_response(),
        Home::BrandManager(h) => BrandManagerHomePage { chrome, h }.into_response(),
        Home::Center(h) => {
            let title = match ctx.user.role {
                Role::Admin => "系统管理",
                Role::MarketingCenter => "营销中心",
                _ => "概况",
            };
            CenterHomePage { chrome, h, title }.into_response()
        }
    })
}
