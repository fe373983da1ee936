//! Products (卷烟规格) and manufacturers.
use crate::model::{Manufacturer, PriceHistory, Product};
use crate::{Db, Result, on_db};

/// Filter of the product list; every field optional.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub q: Option<String>,
    pub brand: Option<String>,
    pub price_class: Option<String>,
    pub supply_status: Option<String>,
    pub status: Option<String>,
    pub key_brand_only: bool,
}

pub async fn list(db: &Db, f: &ProductFilter) -> Result<Vec<Product>> {
    let q = "SELECT * FROM product WHERE ($1 IS NULL OR sku_code LIKE $1 OR brand LIKE $1 OR spec_name LIKE $1) \
             AND ($2 IS NULL OR brand = $2) AND ($3 IS NULL OR price_class = $3) AND ($4 IS NULL OR supply_status = $4) \
             AND ($5 IS NULL OR status = $5) AND ($6 = FALSE OR is_key_brand = TRUE) ORDER BY price_class, brand, sku_code";
    let like = f.q.as_ref().map(|s| format!("%{}%", s.trim()));
    Ok(on_db!(db, p => sqlx::query_as::<_, Product>(q)
        .bind(&like).bind(&f.brand).bind(&f.price_class).bind(&f.supply_status).bind(&f.status).bind(f.key_brand_only)
        .fetch_all(p).await)?)
}

/// A SKU's names, for labels and groupings (the lean twin of [`list`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct ProductName {
    pub id: i64,
    pub sku_code: String,
    pub brand: String,
    pub spec_name: String,
    pub price_class: String,
}

/// Every SKU's names, by SKU code.
pub async fn names(db: &Db) -> Result<Vec<ProductName>> {
    let q = "SELECT id, sku_code, brand, spec_name, price_class FROM product ORDER BY sku_code";
    Ok(on_db!(db, p => sqlx::query_as::<_, ProductName>(q).fetch_all(p).await)?)
}

pub async fn by_code(db: &Db, sku_code: &str) -> Result<Option<Product>> {
    let q = "SELECT * FROM product WHERE sku_code = $1";
    Ok(on_db!(db, p => sqlx::query_as::<_, Product>(q).bind(sku_code).fetch_optional(p).await)?)
}

pub async fn price_history(db: &Db, product_id: i64) -> Result<Vec<PriceHistory>> {
    let q = "SELECT * FROM product_price_history WHERE product_id = $1 ORDER BY effective_from";
    Ok(on_db!(db, p => sqlx::query_as::<_, PriceHistory>(q).bind(product_id).fetch_all(p).await)?)
}

pub async fn manufacturers(db: &Db) -> Result<Vec<Manufacturer>> {
    Ok(
        on_db!(db, p => sqlx::query_as::<_, Manufacturer>("SELECT * FROM manufacturer ORDER BY code").fetch_all(p).await)?,
    )
}

/// Brands assigned to a brand manager.
pub async fn brands_of_manager(db: &Db, staff_id: i64) -> Result<Vec<String>> {
    let q = "SELECT brand FROM brand_assignment WHERE brand_manager_id = $1 ORDER BY brand";
    Ok(on_db!(db, p => sqlx::query_scalar(q).bind(staff_id).fetch_all(p).await)?)
}
