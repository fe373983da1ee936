//! The API's description at `/api/openapi.json` (every area's document merged) with a Swagger UI
//! at `/api/docs/`, the answer to an unknown path, and `/healthz` for the load balancer.
use crate::AppState;
use crate::error::{ApiError, PageError, Problem};
use app::AppError;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "m135 API",
        description = "135 工作法营销平台 JSON 接口。错误以 application/problem+json 返回。"
    ),
    components(schemas(Problem))
)]
pub struct ApiDoc;

/// The served OpenAPI document: the areas' documents merged.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut d = ApiDoc::openapi();
    d.merge(crate::auth::AuthApi::openapi());
    d.merge(crate::home::HomeApi::openapi());
    d.merge(crate::retailers::RetailersApi::openapi());
    d.merge(crate::products::ProductsApi::openapi());
    d.merge(crate::staff::StaffApi::openapi());
    d.merge(crate::sheets::SheetsApi::openapi());
    d.merge(crate::visits::VisitsApi::openapi());
    d.merge(crate::inbox::InboxApi::openapi());
    d.merge(crate::rollup::RollupApi::openapi());
    d.merge(crate::cycle::CycleApi::openapi());
    d.merge(crate::forecasts::ForecastsApi::openapi());
    d.merge(crate::pos::PosApi::openapi());
    d.merge(crate::supply::SupplyApi::openapi());
    d.merge(crate::balance::BalanceApi::openapi());
    d.merge(crate::feedback::FeedbackApi::openapi());
    d.merge(crate::meeting::MeetingApi::openapi());
    d.merge(crate::cultivation::CultivationApi::openapi());
    d
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi()))
        .fallback(not_found)
}

async fn healthz(State(s): State<AppState>) -> Response {
    match app::health(&s.app).await {
        Ok(()) => "ok".into_response(),
        Err(e) => {
            tracing::error!("health check: {e:?}");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// An unknown path: a JSON problem under `/api/`, the error page elsewhere.
async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError(AppError::NotFound(format!("接口 {} 不存在", uri.path()))).into_response()
    } else {
        PageError(AppError::NotFound("页面不存在".into())).into_response()
    }
}
