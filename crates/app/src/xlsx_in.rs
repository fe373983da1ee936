//! Reading a person's Excel file without trusting its shape: cells are read one by one (never
//! the sheet's declared range, which a hostile file can set to 17 billion cells), and a file
//! whose used cells lie beyond the allowed rows or columns is refused with the row named.
use crate::{AppError, AppResult};
use calamine::{Data, Reader, Xlsx};

/// Columns a sheet may use; cells to the right of them are refused.
pub const MAX_COLUMNS: u32 = 64;

/// The first worksheet's rows (row 1 first), each as wide as the widest used row, with at most
/// `max_rows` rows (the header included).
pub fn first_sheet_rows(bytes: &[u8], max_rows: usize) -> AppResult<Vec<Vec<Data>>> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| AppError::invalid("file", format!("不是有效的 Excel (xlsx) 文件: {e}")))?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| AppError::invalid("file", "Excel 文件中没有工作表"))?;
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| AppError::invalid("file", format!("无法读取工作表: {e}")))?;
    let mut rows: Vec<Vec<Data>> = Vec::new();
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| AppError::invalid("file", format!("无法读取工作表: {e}")))?
    {
        let (r, c) = cell.get_position();
        let value: Data = cell.get_value().clone().into();
        if matches!(value, Data::Empty) {
            continue;
        }
        if r as usize >= max_rows {
            return Err(AppError::invalid(
                format!("第 {} 行", u64::from(r) + 1),
                format!("表格超过 {max_rows} 行的上限"),
            ));
        }
        if c >= MAX_COLUMNS {
            return Err(AppError::invalid(
                format!("第 {} 行", u64::from(r) + 1),
                format!("表格超过 {MAX_COLUMNS} 列的上限"),
            ));
        }
        let (r, c) = (r as usize, c as usize);
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        if rows[r].len() <= c {
            rows[r].resize(c + 1, Data::Empty);
        }
        rows[r][c] = value;
    }
    Ok(rows)
}
