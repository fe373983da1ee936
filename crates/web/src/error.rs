//! The one mapping of application errors to responses: an HTML page for the pages, a JSON
//! problem body (RFC 9457) for the API, and the status a page form answers when it shows the
//! error in place. Internal details are logged, never shown.
use crate::page::ErrorPage;
use app::AppError;
use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

/// The status and title of every application error, for pages and API alike.
pub fn status_of(e: &AppError) -> (StatusCode, &'static str) {
    match e {
        AppError::Invalid { .. } => (StatusCode::BAD_REQUEST, "请求参数错误"),
        AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "未登录"),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "无权访问"),
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, "未找到"),
        AppError::Conflict(_) => (StatusCode::CONFLICT, "冲突"),
        AppError::Rule(_) => (StatusCode::UNPROCESSABLE_ENTITY, "不符合规则"),
        AppError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "尝试次数过多"),
        AppError::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "内部错误"),
    }
}

/// Errors a page form shows in place (bad input, a refused state) rather than as an error page.
pub fn shown_in_place(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Invalid { .. }
            | AppError::Conflict(_)
            | AppError::Rule(_)
            | AppError::NotFound(_)
            | AppError::TooManyRequests(_)
    )
}

fn log_internal(e: &AppError) {
    if let AppError::Store(inner) = e {
        tracing::error!("internal error: {inner:?}");
    }
}

/// An error of a page handler.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        log_internal(&self.0);
        if matches!(self.0, AppError::Unauthorized) {
            return axum::response::Redirect::to("/login").into_response();
        }
        let (status, title) = status_of(&self.0);
        let page = ErrorPage {
            chrome: None,
            status: status.as_u16(),
            title,
            message: self.0.to_string(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, title).into_response(),
        }
    }
}

/// A JSON problem body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    /// What is wrong, in Chinese.
    pub detail: String,
    /// The input field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error of an API handler.
#[derive(Debug)]
pub struct ApiError(pub AppError);

/// `?` on an application error (or anything that becomes one) in page and API handlers.
macro_rules! from_app_error {
    ($($t:ident),*) => {$(
        impl<E: Into<AppError>> From<E> for $t {
            fn from(e: E) -> Self {
                $t(e.into())
            }
        }
    )*};
}
from_app_error!(PageError, ApiError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        log_internal(&self.0);
        let (status, title) = status_of(&self.0);
        let field = match &self.0 {
            AppError::Invalid { field, .. } => Some(field.clone()),
            _ => None,
        };
        let body = Problem {
            kind: "about:blank",
            title: title.to_string(),
            status: status.as_u16(),
            detail: self.0.to_string(),
            field,
        };
        let mut resp = (status, Json(body)).into_response();
        resp.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/problem+json"),
        );
        resp
    }
}

/// A rejection of an extractor: a JSON problem under `/api/`, an error page elsewhere.
#[derive(Debug)]
pub struct Rejected {
    pub api: bool,
    pub error: AppError,
}

impl IntoResponse for Rejected {
    fn into_response(self) -> Response {
        if self.api {
            ApiError(self.error).into_response()
        } else {
            PageError(self.error).into_response()
        }
    }
}
