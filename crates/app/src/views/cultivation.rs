//! The brand manager's cultivation page (domain.md §9.2, §2.3).
use crate::cultivation::{self, FormOptions, TaskView};
use crate::sheets::{self, FieldTime};
use crate::{App, AppResult, CurrentUser};
use domain::Month;
use domain::org::Role;

/// The cultivation page: the tasks, the form's choices, whether the person may create tasks and,
/// for a brand manager, their own time in market this month (§2.3, ≥ 1/3).
pub struct CultivationPage {
    pub tasks: Vec<TaskView>,
    pub options: FormOptions,
    pub can_create: bool,
    pub field: Option<FieldTime>,
    pub month: Month,
}

pub async fn page(app: &App, user: &CurrentUser) -> AppResult<CultivationPage> {
    let tasks = cultivation::list(app, user).await?;
    let options = cultivation::form_options(app, user).await?;
    let month = Month::of(app.clock.today());
    let field = if user.role == Role::BrandManager {
        Some(sheets::own_field_time(app, user, month.first_day(), month.last_day()).await?)
    } else {
        None
    };
    Ok(CultivationPage {
        tasks,
        options,
        can_create: matches!(
            user.role,
            Role::BrandManager | Role::MarketingCenter | Role::Admin
        ),
        field,
        month,
    })
}
