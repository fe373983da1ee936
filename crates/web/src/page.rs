//! What every page shares: the layout's chrome (person, menu by role, flash messages), the error
//! page and the redirect after a form.
use crate::AppState;
use crate::error::{PageError, shown_in_place, status_of};
use crate::extract::{PageCtx, PageResult};
use app::AppError;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};
use domain::org::Role;

/// What the layout needs: the person, the CSRF token of the logout form, the active menu item and
/// the messages left by the last form.
pub struct Chrome {
    pub name: String,
    pub role: Role,
    pub csrf: String,
    pub active: &'static str,
    pub flash: Vec<String>,
}

impl Chrome {
    /// Menu items this role sees: (path, label, key). Every page a role may use is reachable
    /// from here.
    pub fn menu(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        let mut m = vec![
            ("/", "首页", "home"),
            ("/retailers", "零售客户", "retailers"),
            ("/products", "卷烟规格", "products"),
            ("/cycle", "月度日历", "cycle"),
            ("/forecasts", "需求预测", "forecasts"),
            ("/method135", "135工作法", "method135"),
        ];
        if matches!(self.role, Role::Admin | Role::MarketingCenter) {
            m.push(("/supply", "货源平衡", "supply"));
        }
        if !matches!(self.role, Role::AccountManager) {
            m.push(("/staff", "人员", "staff"));
        }
        match self.role {
            Role::AccountManager => {
                m.push(("/today", "今日拜访", "today"));
                m.push(("/sheets", "一张纸", "sheet"));
            }
            // The center and the administrator see every area's roll-up and month close.
            Role::MarketManager | Role::MarketingCenter | Role::Admin => {
                m.push(("/rollup", "周报汇总", "rollup"))
            }
            Role::BrandManager => m.push(("/cultivation", "品牌培育", "cultivation")),
            Role::MarketingDirector | Role::MonopolyOfficer => m.push(("/inbox", "待办", "inbox")),
        }
        m.push(("/kpi", "指标", "kpi"));
        if !matches!(self.role, Role::MonopolyOfficer | Role::BrandManager) {
            m.push(("/benchmarks", "标杆终端", "benchmarks"));
        }
        if self.role != Role::MonopolyOfficer {
            m.push(("/new-sku", "新品上柜", "new_sku"));
            m.push(("/inventory", "社会库存", "inventory"));
            m.push(("/profit", "盈利调查", "profit"));
            m.push(("/satisfaction", "满意度", "satisfaction"));
            if self.role != Role::AccountManager {
                m.push(("/reports", "分析报告", "reports"));
            }
            m.push(("/warnings", "预警", "warnings"));
        }
        m.push(("/people", "我的档案", "people"));
        m.push(("/grading", "竞聘定级", "grading"));
        if !matches!(self.role, Role::MonopolyOfficer | Role::BrandManager) {
            m.push(("/tests", "应知应会", "tests"));
        }
        if matches!(self.role, Role::Admin | Role::MarketingCenter) {
            m.push(("/people/hr", "人事档案", "hr"));
            m.push(("/people/payroll", "工资表", "payroll"));
            m.push(("/api/docs/", "接口文档", "api"));
        }
        m
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Option<Chrome>,
    pub status: u16,
    pub title: &'static str,
    pub message: String,
}

/// 303 to a page (after a form, or from an area's bare path to its current period).
pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// `GET <prefix>`: on to the page of the month being forecast now, `<prefix>/<YYYY-MM>`.
pub fn to_target_month(prefix: &'static str) -> MethodRouter<AppState> {
    get(
        move |ctx: PageCtx| async move { see_other(&format!("{prefix}/{}", target_month(&ctx.app))) },
    )
}

/// The month being forecast now: the working month + 1 (domain.md §7).
pub fn target_month(app: &app::App) -> domain::Month {
    domain::Month::of(app.clock.today()).next()
}

/// A form with one text field (a comment, a reason, a note).
#[derive(serde::Deserialize)]
pub struct TextForm {
    #[serde(default)]
    pub text: String,
}

/// After a page form: on to `to` (303); a refusal a person can act on shows the form's page again
/// (`page` renders it with the message) under the error's status; any other error is an error page.
pub async fn done_or_shown<T, Fut>(
    outcome: Result<T, AppError>, to: &str, page: impl FnOnce(String) -> Fut,
) -> PageResult
where
    Fut: Future<Output = PageResult>,
{
    match outcome {
        Ok(_) => Ok(see_other(to)),
        Err(e) if shown_in_place(&e) => {
            let status = status_of(&e).0;
            Ok((status, page(e.to_string()).await?).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}
