//! JSON API under `/api/v1` (design.md §5), described at `/api/openapi.json` with a Swagger UI at
//! `/api/docs/`. The same application-layer calls as the pages. Errors are JSON problem bodies.
//!
//! CSRF: the session cookie is `SameSite=Lax` and every write takes a JSON body
//! (`Content-Type: application/json`), which a cross-site form cannot send without a CORS
//! preflight that this server never grants.
use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiUser, CSRF_KEY, USER_KEY, random_token};
use crate::pages::{ProductParams, RetailerParams};
use app::AppError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use utoipa::{OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "m135 API",
        description = "135 工作法营销平台 JSON 接口。错误以 application/problem+json 返回。"
    ),
    paths(login, logout, me, staff, retailers, retailer, products, home),
    components(schemas(Problem, LoginRequest, Me))
)]
pub struct ApiDoc;

/// The served OpenAPI document: the core API and the areas' documents merged.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut d = ApiDoc::openapi();
    d.merge(crate::sheets::SheetsApi::openapi());
    d.merge(crate::visits::VisitsApi::openapi());
    d.merge(crate::inbox::InboxApi::openapi());
    d.merge(crate::rollup::RollupApi::openapi());
    d.merge(crate::month::MonthApi::openapi());
    d.merge(crate::cultivation::CultivationApi::openapi());
    d
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", axum::routing::post(login).delete(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/staff", get(staff))
        .route("/api/v1/retailers", get(retailers))
        .route("/api/v1/retailers/{code}", get(retailer))
        .route("/api/v1/products", get(products))
        .route("/api/v1/home", get(home))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi()))
        .fallback(not_found)
}

async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError(AppError::NotFound(format!("接口 {} 不存在", uri.path()))).into_response()
    } else {
        crate::error::PageError(AppError::NotFound("页面不存在".into())).into_response()
    }
}

fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(v)| v).map_err(|e| {
        let msg = match &e {
            JsonRejection::MissingJsonContentType(_) => {
                "请求头 Content-Type 必须为 application/json".to_string()
            }
            JsonRejection::JsonSyntaxError(_) => "请求体不是有效的 JSON".to_string(),
            JsonRejection::JsonDataError(d) => format!("请求体字段错误: {}", d.body_text()),
            _ => "无法读取请求体".to_string(),
        };
        ApiError(AppError::invalid("body", msg))
    })
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(v)| v).map_err(|e| {
        ApiError(AppError::invalid(
            "query",
            format!("查询参数错误: {}", e.body_text()),
        ))
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The signed-in person.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub name: String,
    /// Role code (account_manager, market_manager, brand_manager, marketing_center, …).
    pub role: String,
    pub role_zh: String,
    pub org_unit_id: Option<i64>,
}

impl From<app::CurrentUser> for Me {
    fn from(u: app::CurrentUser) -> Me {
        Me {
            id: u.id,
            username: u.username,
            name: u.name,
            role: u.role.code().to_string(),
            role_zh: u.role.zh().to_string(),
            org_unit_id: u.org_unit_id,
        }
    }
}

/// Sign in: username and password → session cookie.
#[utoipa::path(post, path = "/api/v1/session", request_body = LoginRequest,
    responses((status = 200, body = Me), (status = 400, body = Problem), (status = 401, body = Problem)))]
async fn login(
    State(s): State<AppState>,
    session: Session,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<Me>, ApiError> {
    let req = json_body(body)?;
    let user = app::auth::login(&s.app, &req.username, &req.password).await?;
    let _ = session.cycle_id().await;
    session
        .insert(USER_KEY, user.id)
        .await
        .map_err(|_| AppError::Conflict("无法建立会话".into()))?;
    let _ = session.insert(CSRF_KEY, random_token()).await;
    Ok(Json(user.into()))
}

/// Sign out.
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204)))]
async fn logout(session: Session) -> StatusCode {
    let _ = session.flush().await;
    StatusCode::NO_CONTENT
}

/// The signed-in person.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, body = Problem)))]
async fn me(ApiUser(u): ApiUser) -> Json<Me> {
    Json(u.into())
}

/// The people the signed-in person may see.
#[utoipa::path(get, path = "/api/v1/staff", responses((status = 200, description = "人员列表"), (status = 401, body = Problem)))]
async fn staff(State(s): State<AppState>, ApiUser(u): ApiUser) -> Result<Response, ApiError> {
    Ok(Json(app::staff::visible(&s.app, &u).await?).into_response())
}

/// Retailers in the person's scope, paged and filtered.
#[utoipa::path(get, path = "/api/v1/retailers", params(RetailerParams),
    responses((status = 200, description = "{items, total, page, per_page, pages}"), (status = 400, body = Problem), (status = 401, body = Problem)))]
async fn retailers(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    q: Result<Query<RetailerParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?.parse()?;
    Ok(Json(app::retailers::search(&s.app, &u, &q).await?).into_response())
}

/// One retailer: master data, tier history, 12 months of purchases.
#[utoipa::path(get, path = "/api/v1/retailers/{code}", params(("code" = String, Path, description = "客户编码")),
    responses((status = 200, description = "零售客户详情"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn retailer(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(app::retailers::detail(&s.app, &u, &code).await?).into_response())
}

/// Products (卷烟规格), filtered.
#[utoipa::path(get, path = "/api/v1/products", params(ProductParams),
    responses((status = 200, description = "卷烟规格列表"), (status = 400, body = Problem), (status = 401, body = Problem)))]
async fn products(
    State(s): State<AppState>,
    ApiUser(_u): ApiUser,
    q: Result<Query<ProductParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let f = query(q)?.parse()?;
    Ok(Json(app::products::list(&s.app, &f).await?).into_response())
}

/// The figures of the signed-in person's home page, by role.
#[utoipa::path(get, path = "/api/v1/home", responses((status = 200, description = "首页数据"), (status = 401, body = Problem)))]
async fn home(State(s): State<AppState>, ApiUser(u): ApiUser) -> Result<Response, ApiError> {
    use domain::org::Role;
    Ok(match u.role {
        Role::AccountManager => Json(app::dashboard::rep_home(&s.app, &u).await?).into_response(),
        Role::MarketManager => {
            Json(app::dashboard::market_manager_home(&s.app, &u).await?).into_response()
        }
        Role::BrandManager => {
            Json(app::dashboard::brand_manager_home(&s.app, &u).await?).into_response()
        }
        _ => Json(app::dashboard::center_home(&s.app, &u).await?).into_response(),
    })
}
