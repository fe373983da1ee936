//! The visits' JSON API.
use crate::error::{ApiError, Problem};
use crate::extract::{Api, ApiResult, Json, Path, Query};
use app::visits::{CheckIn, CheckOut, Today, VisitStats, VisitView};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::Month;
use serde::Deserialize;

/// Check in at a retailer (or record a whole visit with `ended_at`). Overlapping, future and
/// end-before-start times are refused; a rep visits only their own retailers.
#[utoipa::path(post, path = "/api/v1/visits",
    request_body(description = "{retailer_code, started_at?, ended_at?, purpose?, lat?, lng?} (times RFC 3339)", content_type = "application/json"),
    responses((status = 201, description = "拜访记录"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn create(Api(app, u): Api, Json(c): Json<CheckIn>) -> Result<Response, ApiError> {
    let v = app::visits::check_in(&app, &u, &c).await?;
    Ok((StatusCode::CREATED, axum::Json(v)).into_response())
}

/// Check out of a visit with its traces (service items, findings, observations, follow-up).
#[utoipa::path(post, path = "/api/v1/visits/{id}/checkout", params(("id" = i64, Path)),
    request_body(description = "{ended_at?, service_items[{category,item}], findings, demand_notes, brand_notes, consumer_feedback, anomalies, advice, follow_up, observations[{sku_code, stock_qty, retail_price_fen}], lat?, lng?}", content_type = "application/json"),
    responses((status = 200, description = "拜访记录"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn checkout(
    Api(app, u): Api, Path(id): Path<i64>, Json(c): Json<CheckOut>,
) -> ApiResult<VisitView> {
    Ok(axum::Json(app::visits::check_out(&app, &u, id, &c).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitsQuery {
    /// Whose visits (default: the caller).
    pub username: Option<String>,
    /// First day YYYY-MM-DD (default today).
    pub from: Option<NaiveDate>,
    /// Last day YYYY-MM-DD (default = from).
    pub to: Option<NaiveDate>,
}

/// Visits of a person between two days.
#[utoipa::path(get, path = "/api/v1/visits", params(VisitsQuery),
    responses((status = 200, description = "拜访记录"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(Api(app, u): Api, Query(q): Query<VisitsQuery>) -> ApiResult<Vec<VisitView>> {
    let from = q.from.unwrap_or_else(|| app.clock.today());
    let to = q.to.unwrap_or(from);
    Ok(axum::Json(
        app::visits::list(&app, &u, q.username.as_deref(), from, to).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    pub username: Option<String>,
    /// YYYY-MM (default this month).
    #[param(value_type = Option<String>)]
    pub month: Option<Month>,
}

/// Time in market per working day (≥ 5 h), visit coverage (拜访覆盖率) and visit cycles (拜访周期).
#[utoipa::path(get, path = "/api/v1/visits/stats", params(StatsQuery),
    responses((status = 200, description = "在岗时间、拜访覆盖率、拜访周期"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn stats(Api(app, u): Api, Query(q): Query<StatsQuery>) -> ApiResult<VisitStats> {
    let month = q.month.unwrap_or_else(|| Month::of(app.clock.today()));
    let who = q.username.unwrap_or_else(|| u.username.clone());
    Ok(axum::Json(app::visits::stats(&app, &u, &who, month).await?))
}

/// Today's planned visits in route order (the phone page's data).
#[utoipa::path(get, path = "/api/v1/today",
    responses((status = 200, description = "今日拜访"), (status = 403, body = Problem)))]
pub async fn today(Api(app, u): Api) -> ApiResult<Today> {
    Ok(axum::Json(app::visits::today(&app, &u).await?))
}
