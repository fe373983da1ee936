//! Multi-row inserts for bulk writes (the synthetic city, the model job, balancing).
use crate::Backend;
use std::fmt::Write;

/// Bound variables per statement stay under SQLite's limit of 32,766.
pub const MAX_BINDS: usize = 32_000;

/// `head VALUES (…),(…)` with `rows` × `cols` placeholders: anonymous `?` on SQLite and `$n` on
/// PostgreSQL. sqlx resolves each `$n` on SQLite by name, which costs seconds with thousands of
/// parameters in one statement; `?` is numbered by position.
pub fn insert_sql(head: &str, cols: usize, rows: usize, backend: Backend) -> String {
    insert_sql_row(head, &vec![None; cols], rows, backend)
}

/// Like [`insert_sql`], with a row template: `None` is a placeholder, `Some(sql)` a constant
/// written as is (e.g. `Some("'MODEL'")`).
pub fn insert_sql_row(head: &str, row: &[Option<&str>], rows: usize, backend: Backend) -> String {
    let mut s = String::with_capacity(head.len() + rows * row.len() * 7 + 8);
    s.push_str(head);
    s.push_str(" VALUES ");
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for (c, col) in row.iter().enumerate() {
            if c > 0 {
                s.push(',');
            }
            match (col, backend) {
                (Some(lit), _) => s.push_str(lit),
                (None, Backend::Postgres) => {
                    n += 1;
                    let _ = write!(s, "${n}");
                }
                (None, Backend::Sqlite) => s.push('?'),
            }
        }
        s.push(')');
    }
    s
}

/// Rows per statement for `cols` columns.
pub fn rows_per_statement(cols: usize) -> usize {
    (MAX_BINDS / cols.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_per_backend() {
        assert_eq!(
            insert_sql("INSERT INTO t (a, b)", 2, 2, Backend::Sqlite),
            "INSERT INTO t (a, b) VALUES (?,?),(?,?)"
        );
        assert_eq!(
            insert_sql("INSERT INTO t (a, b)", 2, 2, Backend::Postgres),
            "INSERT INTO t (a, b) VALUES ($1,$2),($3,$4)"
        );
        assert_eq!(
            insert_sql_row(
                "INSERT INTO t (a, b, c)",
                &[None, Some("'X'"), None],
                2,
                Backend::Postgres
            ),
            "INSERT INTO t (a, b, c) VALUES ($1,'X',$2),($3,'X',$4)"
        );
        assert_eq!(rows_per_statement(8), 4000);
    }
}
