//! Scratch PostgreSQL databases for tests and benchmarks: create one beside the database an
//! admin URL names, get its URL, drop it afterwards. Names are checked to be plain identifiers.
use crate::{Db, Result, StoreError, on_db};

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "not a plain database name: {name:?}"
        )))
    }
}

/// `url` with its database name replaced by `name` (query parameters kept).
pub fn url_with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let cut = base[after_scheme..]
        .rfind('/')
        .map(|i| i + after_scheme)
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..cut])
}

/// Create the PostgreSQL database `name` (dropped first if it exists) through `admin_url`;
/// returns the new database's URL.
pub async fn create(admin_url: &str, name: &str) -> Result<String> {
    check_name(name)?;
    let admin = Db::connect(admin_url).await?;
    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let create = format!("CREATE DATABASE {name}");
    let r = async {
        on_db!(&admin, p => sqlx::query(&drop).execute(p).await.map(|r| r.rows_affected()))?;
        on_db!(&admin, p => sqlx::query(&create).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
    .await;
    admin.close().await;
    r.map(|()| url_with_database(admin_url, name))
}

/// Drop the PostgreSQL database `name` (if it exists) through `admin_url`.
pub async fn drop(admin_url: &str, name: &str) -> Result<()> {
    check_name(name)?;
    let admin = Db::connect(admin_url).await?;
    let q = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let r = on_db!(&admin, p => sqlx::query(&q).execute(p).await.map(|r| r.rows_affected()));
    admin.close().await;
    r?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            url_with_database("postgres://u@h:5432/base?sslmode=disable", "x1"),
            "postgres://u@h:5432/x1?sslmode=disable"
        );
        assert_eq!(
            url_with_database("postgres://u@h", "x1"),
            "postgres://u@h/x1"
        );
        assert!(check_name("a; DROP").is_err());
    }
}
