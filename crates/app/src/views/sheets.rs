//! The rep's one-sheet edit form (domain.md §8.2).
use crate::sheets::{self, SheetView};
use crate::{App, AppResult, CurrentUser};
use domain::IsoWeek;
use domain::one_sheet::SheetContent;

/// Save a sheet edited over its current state: `edit` builds the new content from the sheet as
/// it is (the form keeps what it does not show: proposals, the service focus of planned
/// customers). Reading checks the person may see the sheet; saving that it is their own.
pub async fn save_edit(
    app: &App, user: &CurrentUser, username: &domain::Username, week: IsoWeek,
    expected: Option<i64>, edit: impl FnOnce(&SheetView) -> AppResult<SheetContent>,
) -> AppResult<SheetView> {
    let current = sheets::get(app, user, username, week).await?;
    let content = edit(&current)?;
    sheets::save(app, user, username, week, content, expected).await
}
