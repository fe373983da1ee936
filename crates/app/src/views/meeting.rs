//! The forecast meeting (预测会, domain.md §5.2, §7 ④): last month's accuracy by area, rep and
//! method, the month's supply and the brand cultivation plan.
use crate::accuracy::{AccuracyBy, AccuracyOut};
use crate::views::supply::SupplyRow;
use crate::{App, AppError, AppResult, CurrentUser};
use domain::Month;
use domain::org::Role;

pub struct MeetingView {
    /// The month whose accuracy is reported (the last complete month).
    pub last: Month,
    pub by_area: Option<AccuracyOut>,
    pub by_rep: Option<AccuracyOut>,
    pub by_method: Option<AccuracyOut>,
    /// Why accuracy is not shown yet (the month is not balanced and closed).
    pub not_ready: Option<String>,
    /// SKUs with supply entered for the target month.
    pub supply: Vec<SupplyRow>,
    /// Tight SKUs still without supply.
    pub tight: Vec<SupplyRow>,
    /// 品牌培育计划: open cultivation tasks with a week in the target month.
    pub brand_plan: Vec<crate::cultivation::TaskView>,
}

pub async fn page(app: &App, user: &CurrentUser, target: Month) -> AppResult<MeetingView> {
    user.require(&[
        Role::MarketManager,
        Role::MarketingDirector,
        Role::MarketingCenter,
        Role::Admin,
        Role::BrandManager,
    ])?;
    let last = crate::forecasting::working_month(target).prev();
    let mut not_ready = None;
    let (mut by_area, mut by_rep, mut by_method) = (None, None, None);
    let bys = [AccuracyBy::Area, AccuracyBy::Rep, AccuracyBy::Method];
    match crate::accuracy::accuracy_by(app, user, last, &bys).await {
        Ok(outs) => {
            let mut outs = outs.into_iter();
            by_area = outs.next();
            by_rep = outs.next();
            by_method = outs.next();
        }
        Err(AppError::Conflict(msg)) => not_ready = Some(msg),
        Err(e) => return Err(e),
    }
    let (supply, rest): (Vec<_>, Vec<_>) = crate::views::supply::rows(app, target)
        .await?
        .into_iter()
        .partition(|r| r.quantity.is_some());
    let tight = rest
        .into_iter()
        .filter(|r| r.supply_status == domain::product::SupplyStatus::Tight.code())
        .collect();
    Ok(MeetingView {
        last,
        by_area,
        by_rep,
        by_method,
        not_ready,
        supply,
        tight,
        brand_plan: crate::cultivation::list(app, user)
            .await?
            .into_iter()
            .filter(|t| t.open_in(target))
            .collect(),
    })
}
