//! The month calendar page (月度日历, domain.md §7).
use crate::cycle::CycleOut;
use crate::{App, AppResult, CurrentUser};
use domain::Month;

/// A county's month as its page shows it.
pub struct CycleView {
    pub c: CycleOut,
    /// Counties the person may switch to (code, name); empty when the person sees only their own.
    pub counties: Vec<(String, String)>,
    pub can_pick: bool,
}

pub async fn page(
    app: &App, user: &CurrentUser, county: &str, month: Month,
) -> AppResult<CycleView> {
    let can_pick = crate::cycle::PICKERS.contains(&user.role);
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
