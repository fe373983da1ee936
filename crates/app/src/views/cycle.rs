//! The month calendar page (月度日历, domain.md §7).
use crate::cycle::CycleOut;
use crate::{App, AppError, AppResult, CurrentUser};
use domain::Month;
use domain::org::Role;

/// A county's month as its page shows it.
pub struct CycleView {
    pub c: CycleOut,
    /// Counties the person may switch to (code, name); empty when the person sees only their own.
    pub counties: Vec<(String, String)>,
    pub can_pick: bool,
}

/// Who may look at every county's calendar; the others see only their own county's.
const PICKERS: &[Role] = &[
    Role::MarketManager,
    Role::MarketingCenter,
    Role::Admin,
    Role::BrandManager,
];

pub async fn page(
    app: &App,
    user: &CurrentUser,
    county: &str,
    month: Month,
) -> AppResult<CycleView> {
    let can_pick = PICKERS.contains(&user.role);
    if !can_pick && crate::cycle::home_county(app, user).await? != county {
        return Err(AppError::Forbidden("只能查看本县级营销部的月度日历".into()));
    }
    let c = crate::cycle::status(app, user, county, month).await?;
    let counties = if can_pick {
        crate::cycle::counties(app).await?
    } else {
        Vec::new()
    };
    Ok(CycleView {
        c,
        counties,
        can_pick,
    })
}
