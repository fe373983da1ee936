//! Products (`/products`, `/api/v1/products`): filter by price class, the page, bad input.
use crate::harness::*;

both_backends!(products_api_and_page, async |t: TestApp| {
    let (_, c) = t.login_as(Role::AccountManager).await;
    let (s, v) = t.get_json(&c, "/api/v1/products?price_class=CLASS_1").await;
    assert_eq!(s, StatusCode::OK);
    let items = v.as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|p| p["price_class"] == "CLASS_1" && p["price_class_zh"] == "一类")
    );
    let (_, all) = t.get_json(&c, "/api/v1/products").await;
    let n = t
        .scalar_i64("SELECT COUNT(*) FROM product WHERE $1 = 1", &[1])
        .await;
    assert_eq!(all.as_array().unwrap().len() as i64, n);
    let admin = t.login("admin").await;
    let (s, _) = t
        .get_json(&admin, "/api/v1/products?price_class=CLASS_9")
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, f) = t.login_form_as(Role::AccountManager).await;
    let (s, page) = t.get_html(&f, "/products?price_class=CLASS_1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("卷烟规格") && page.contains("一类"));
});
