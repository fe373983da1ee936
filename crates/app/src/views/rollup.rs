//! The market manager's roll-up workbook (domain.md §8.4): the week's roll-up and each rep's sheet.
use crate::sheets::{self, Rollup, SheetView};
use crate::{App, AppResult, CurrentUser};
use domain::IsoWeek;

/// A week's roll-up with the sheet of every rep in it, in the roll-up's order.
pub struct RollupSheets {
    pub rollup: Rollup,
    pub sheets: Vec<SheetView>,
}

/// The roll-up of `week` and its reps' sheets (the roll-up checks the person's scope; each sheet
/// its own read permission).
pub async fn with_sheets(app: &App, user: &CurrentUser, week: IsoWeek) -> AppResult<RollupSheets> {
    let rollup = sheets::rollup(app, user, week).await?;
    let mut all = Vec::with_capacity(rollup.rows.len());
    for row in &rollup.rows {
        all.push(sheets::get(app, user, &domain::Username::parse(&row.username)?, week).await?);
    }
    Ok(RollupSheets {
        rollup,
        sheets: all,
    })
}
