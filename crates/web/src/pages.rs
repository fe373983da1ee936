//! Server-rendered pages (zh-CN). Handlers are short: extract, call the app layer, render.
use crate::AppState;
use crate::chart;
use crate::error::PageError;
use crate::extract::{
    CSRF_KEY, CheckedForm, CsrfForm, NoFields, PageCtx, USER_KEY, csrf_token, random_token,
};
use crate::page::Chrome;
use app::AppError;
use app::dashboard::{BrandManagerHome, CenterHome, MarketManagerHome, RepHome};
use app::retailers::{Page, RetailerDetail, RetailerListItem};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::org::Role;
use serde::Deserialize;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/retailers", get(retailers))
        .route("/retailers/{code}", get(retailer))
        .route("/products", get(products))
        .route("/staff", get(staff))
        .route("/healthz", get(healthz))
}

async fn healthz(State(s): State<AppState>) -> Response {
    match s.app.db.is_empty().await {
        Ok(_) => "ok".into_response(),
        Err(e) => {
            tracing::error!("health check: {e}");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable",
            )
                .into_response()
        }
    }
}

// ---------------------------------------------------------------- login

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Option<Chrome>,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only local paths are followed after login.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

async fn login_form(session: Session, Query(q): Query<NextQuery>) -> LoginPage {
    LoginPage {
        chrome: None,
        csrf: csrf_token(&session).await,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    }
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login(
    State(s): State<AppState>,
    session: Session,
    form: CheckedForm<LoginForm>,
) -> Response {
    let f = form.form;
    let next = safe_next(f.next.as_deref());
    let again = |error: String, csrf: String| {
        let status = axum::http::StatusCode::UNAUTHORIZED;
        (
            status,
            LoginPage {
                chrome: None,
                csrf,
                next: next.clone(),
                username: f.username.clone(),
                error: Some(error),
            },
        )
            .into_response()
    };
    if !form.csrf_ok {
        let t = csrf_token(&session).await;
        return again("页面已过期，请重新登录".into(), t);
    }
    match app::auth::login(&s.app, &f.username, &f.password).await {
        Ok(user) => {
            let _ = session.cycle_id().await;
            let _ = session.insert(USER_KEY, user.id).await;
            let _ = session.insert(CSRF_KEY, random_token()).await;
            Redirect::to(&next).into_response()
        }
        Err(AppError::Unauthorized) => again("用户名或密码错误".into(), csrf_token(&session).await),
        Err(AppError::Invalid { message, .. }) => again(message, csrf_token(&session).await),
        Err(e) => PageError(e).into_response(),
    }
}

async fn logout(session: Session, _: CsrfForm<NoFields>) -> Response {
    let _ = session.flush().await;
    Redirect::to("/login").into_response()
}

// ---------------------------------------------------------------- homes

#[derive(Template, WebTemplate)]
#[template(path = "home_rep.html")]
struct RepHomePage {
    chrome: Option<Chrome>,
    h: RepHome,
}

#[derive(Template, WebTemplate)]
#[template(path = "home_market_manager.html")]
struct MarketManagerHomePage {
    chrome: Option<Chrome>,
    h: MarketManagerHome,
}

#[derive(Template, WebTemplate)]
#[template(path = "home_brand_manager.html")]
struct BrandManagerHomePage {
    chrome: Option<Chrome>,
    h: BrandManagerHome,
}

#[derive(Template, WebTemplate)]
#[template(path = "home_center.html")]
struct CenterHomePage {
    chrome: Option<Chrome>,
    h: CenterHome,
    title: &'static str,
}

async fn home(State(s): State<AppState>, ctx: PageCtx) -> Result<Response, PageError> {
    let chrome = ctx.chrome("home");
    let u = &ctx.user;
    Ok(match u.role {
        Role::AccountManager => RepHomePage {
            chrome,
            h: app::dashboard::rep_home(&s.app, u).await?,
        }
        .into_response(),
        Role::MarketManager => MarketManagerHomePage {
            chrome,
            h: app::dashboard::market_manager_home(&s.app, u).await?,
        }
        .into_response(),
        Role::BrandManager => BrandManagerHomePage {
            chrome,
            h: app::dashboard::brand_manager_home(&s.app, u).await?,
        }
        .into_response(),
        Role::MarketingCenter | Role::Admin | Role::MarketingDirector | Role::MonopolyOfficer => {
            let title = match u.role {
                Role::Admin => "系统管理",
                Role::MarketingCenter => "营销中心",
                _ => "概况",
            };
            CenterHomePage {
                chrome,
                h: app::dashboard::center_home(&s.app, u).await?,
                title,
            }
            .into_response()
        }
    })
}

// ---------------------------------------------------------------- retailers

/// The retailer list's query string, parsed at the edge with field-named errors.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RetailerParams {
    /// Search code, licence, name, owner or address.
    pub q: Option<String>,
    /// Lowest tier (1–30).
    pub tier_min: Option<String>,
    /// Highest tier (1–30).
    pub tier_max: Option<String>,
    /// Business format code (GROCERY, CONVENIENCE, …).
    pub format: Option<String>,
    /// URBAN or RURAL.
    pub market_type: Option<String>,
    pub county_id: Option<String>,
    pub area_id: Option<String>,
    /// A rep's username.
    pub rep: Option<String>,
    /// `true` for sample points only.
    pub sample_point: Option<String>,
    /// Page number, from 1.
    pub page: Option<String>,
    /// Rows per page (1–200, default 50).
    pub per_page: Option<String>,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_int<T: std::str::FromStr>(field: &str, v: &Option<String>) -> Result<Option<T>, AppError> {
    match nonempty(v) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("\"{s}\" 不是有效的整数"))),
    }
}

impl RetailerParams {
    pub fn parse(&self) -> Result<app::retailers::RetailerQuery, AppError> {
        let tier = |field: &str, v: &Option<String>| -> Result<Option<domain::Tier>, AppError> {
            nonempty(v)
                .map(|s| domain::Tier::parse(s).map_err(|e| AppError::invalid(field, e.message)))
                .transpose()
        };
        let sample_point = match nonempty(&self.sample_point) {
            None => None,
            Some("true" | "1" | "on") => Some(true),
            Some("false" | "0") => Some(false),
            Some(s) => {
                return Err(AppError::invalid(
                    "sample_point",
                    format!("\"{s}\" 应为 true 或 false"),
                ));
            }
        };
        let page: Option<u32> = parse_int("page", &self.page)?;
        let per_page: Option<u32> = parse_int("per_page", &self.per_page)?;
        if page == Some(0) {
            return Err(AppError::invalid("page", "页码从 1 开始"));
        }
        if let Some(pp) = per_page
            && !(1..=app::retailers::MAX_PER_PAGE).contains(&pp)
        {
            return Err(AppError::invalid(
                "per_page",
                format!("每页条数应在 1–{} 之间", app::retailers::MAX_PER_PAGE),
            ));
        }
        Ok(app::retailers::RetailerQuery {
            q: nonempty(&self.q).map(str::to_string),
            tier_min: tier("tier_min", &self.tier_min)?,
            tier_max: tier("tier_max", &self.tier_max)?,
            business_format: nonempty(&self.format)
                .map(|s| {
                    domain::retailer::BusinessFormat::parse(s)
                        .map_err(|e| AppError::invalid("format", e.message))
                })
                .transpose()?,
            market_type: nonempty(&self.market_type)
                .map(|s| {
                    domain::retailer::MarketType::parse(s)
                        .map_err(|e| AppError::invalid("market_type", e.message))
                })
                .transpose()?,
            county_id: parse_int("county_id", &self.county_id)?,
            area_id: parse_int("area_id", &self.area_id)?,
            rep: nonempty(&self.rep).map(str::to_string),
            sample_point,
            page: page.unwrap_or(1),
            per_page: per_page.unwrap_or(50),
        })
    }

    /// The query string without the page, for pagination links.
    fn without_page(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("tier_min", &self.tier_min),
            ("tier_max", &self.tier_max),
            ("format", &self.format),
            ("market_type", &self.market_type),
            ("county_id", &self.county_id),
            ("area_id", &self.area_id),
            ("rep", &self.rep),
            ("sample_point", &self.sample_point),
            ("per_page", &self.per_page),
        ] {
            if let Some(v) = nonempty(v) {
                parts.push(format!("{k}={}", crate::filters::urlencode(v)));
            }
        }
        parts.join("&")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "retailers.html")]
struct RetailersPage {
    chrome: Option<Chrome>,
    p: RetailerParams,
    result: Page<RetailerListItem>,
    base_query: String,
    formats: &'static [domain::retailer::BusinessFormat],
    markets: &'static [domain::retailer::MarketType],
}

/// The results block alone, for htmx updates of the list.
#[derive(Template, WebTemplate)]
#[template(path = "retailers_results.html")]
struct RetailersResults {
    p: RetailerParams,
    result: Page<RetailerListItem>,
    base_query: String,
}

impl RetailersPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        nonempty(v) == Some(code)
    }
}

async fn retailers(
    State(s): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Query(p): Query<RetailerParams>,
) -> Result<Response, PageError> {
    let q = p.parse()?;
    let result = app::retailers::search(&s.app, &ctx.user, &q).await?;
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
        formats: domain::retailer::BusinessFormat::ALL,
        markets: domain::retailer::MarketType::ALL,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "retailer.html")]
struct RetailerPage {
    chrome: Option<Chrome>,
    d: RetailerDetail,
    chart_svg: String,
}

async fn retailer(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let d = app::retailers::detail(&s.app, &ctx.user, &code).await?;
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

// ---------------------------------------------------------------- products, staff

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductParams {
    /// Search code, brand or specification.
    pub q: Option<String>,
    pub brand: Option<String>,
    /// CLASS_1 … CLASS_5.
    pub price_class: Option<String>,
    /// TIGHT, BALANCED, AMPLE, SLOW.
    pub supply_status: Option<String>,
    /// ACTIVE, EXITING, DELISTED.
    pub status: Option<String>,
    /// `true` for key brands only.
    pub key_brand: Option<String>,
}

impl ProductParams {
    pub fn parse(&self) -> Result<store::repo::product::ProductFilter, AppError> {
        use domain::product::{PriceClass, SkuStatus, SupplyStatus};
        Ok(store::repo::product::ProductFilter {
            q: nonempty(&self.q).map(str::to_string),
            brand: nonempty(&self.brand).map(str::to_string),
            price_class: nonempty(&self.price_class)
                .map(|s| {
                    PriceClass::parse(s)
                        .map(|v| v.code().to_string())
                        .map_err(|e| AppError::invalid("price_class", e.message))
                })
                .transpose()?,
            supply_status: nonempty(&self.supply_status)
                .map(|s| {
                    SupplyStatus::parse(s)
                        .map(|v| v.code().to_string())
                        .map_err(|e| AppError::invalid("supply_status", e.message))
                })
                .transpose()?,
            status: nonempty(&self.status)
                .map(|s| {
                    SkuStatus::parse(s)
                        .map(|v| v.code().to_string())
                        .map_err(|e| AppError::invalid("status", e.message))
                })
                .transpose()?,
            key_brand_only: matches!(nonempty(&self.key_brand), Some("true" | "1" | "on")),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "products.html")]
struct ProductsPage {
    chrome: Option<Chrome>,
    p: ProductParams,
    products: Vec<app::products::ProductView>,
    classes: &'static [domain::product::PriceClass],
    statuses: &'static [domain::product::SupplyStatus],
}

impl ProductsPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        nonempty(v) == Some(code)
    }
}

async fn products(
    State(s): State<AppState>,
    ctx: PageCtx,
    Query(p): Query<ProductParams>,
) -> Result<Response, PageError> {
    let products = app::products::list(&s.app, &p.parse()?).await?;
    Ok(ProductsPage {
        chrome: ctx.chrome("products"),
        p,
        products,
        classes: domain::product::PriceClass::ALL,
        statuses: domain::product::SupplyStatus::ALL,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "staff.html")]
struct StaffPage {
    chrome: Option<Chrome>,
    people: Vec<app::staff::StaffView>,
}

async fn staff(State(s): State<AppState>, ctx: PageCtx) -> Result<Response, PageError> {
    let people = app::staff::visible(&s.app, &ctx.user).await?;
    Ok(StaffPage {
        chrome: ctx.chrome("staff"),
        people,
    }
    .into_response())
}
