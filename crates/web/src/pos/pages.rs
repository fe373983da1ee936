use crate::AppState;
use crate::error::{shown_in_place, status_of};
use crate::extract::{CsrfForm, Fields, PageResult, Path, csrf_token};
use crate::page::{Chrome, see_other, target_month};
use app::AppError;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Month;
use tower_sessions::Session;

/// The retailer's own page (客户提报): no staff session; the customer code and the POS credential
/// open the sheet, whose figures go through the same call as `POST /api/v1/pos/forecasts/{month}`.
/// The session's CSRF token protects the forms as on the login page.
#[derive(Template, WebTemplate)]
#[template(path = "pos/page.html")]
struct PosPage {
    chrome: Option<Chrome>,
    csrf: String,
    month: String,
    code: String,
    token: String,
    sheet: Option<app::forecasting::PosSheet>,
    done: bool,
    error: Option<String>,
}

const POS_REFUSED: &str = "客户编码或凭证不正确，未写入任何数据；请向客户经理索取 POS 凭证";

pub async fn home(State(s): State<AppState>) -> Response {
    see_other(&format!("/pos/{}", target_month(&s.app)))
}

pub async fn page(session: Session, Path(target): Path<Month>) -> Response {
    PosPage {
        chrome: None,
        csrf: csrf_token(&session).await,
        month: target.to_string(),
        code: String::new(),
        token: String::new(),
        sheet: None,
        done: false,
        error: None,
    }
    .into_response()
}

/// Without `q_<sku>` fields: check the credential and show the sheet. With them: submit the
/// self-report (all lines or none), then show the sheet as stored.
pub async fn post(
    State(s): State<AppState>, session: Session, Path(target): Path<Month>,
    CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let (code, token) = (f.get("code").to_string(), f.get("token").to_string());
    let mut page = PosPage {
        chrome: None,
        csrf: csrf_token(&session).await,
        month: target.to_string(),
        code: code.clone(),
        token: String::new(),
        sheet: None,
        done: false,
        error: None,
    };
    let mut lines = Vec::new();
    let mut bad = None;
    let mut submitting = false;
    for (sku, v) in f.with_prefix("q_") {
        submitting = true;
        if v.is_empty() {
            continue;
        }
        match v.parse::<i64>() {
            Ok(q) => lines.push(app::forecasting::SelfReportLine {
                sku: sku.to_string(),
                quantity: q,
            }),
            Err(_) => {
                bad.get_or_insert(AppError::invalid(
                    sku,
                    format!("{sku}: \"{v}\" 不是有效的整数，未写入任何数据"),
                ));
            }
        }
    }
    let res = match bad {
        Some(e) => Err(e),
        None if submitting => app::forecasting::self_report(&s.app, &code, &token, target, &lines)
            .await
            .map(|_| true),
        None => Ok(false),
    };
    let status = match res {
        Ok(done) => {
            page.done = done;
            StatusCode::OK
        }
        Err(AppError::Unauthorized) => {
            page.error = Some(POS_REFUSED.into());
            return Ok((StatusCode::UNAUTHORIZED, page).into_response());
        }
        Err(e) if shown_in_place(&e) => {
            page.error = Some(e.to_string());
            status_of(&e).0
        }
        Err(e) => return Err(e.into()),
    };
    match app::forecasting::pos_sheet(&s.app, &code, &token, target).await {
        Ok(sheet) => {
            page.sheet = Some(sheet);
            page.token = token;
            Ok((status, page).into_response())
        }
        Err(AppError::Unauthorized) => {
            page.error = Some(POS_REFUSED.into());
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
        Err(AppError::TooManyRequests(m)) => {
            page.error = Some(m);
            Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
