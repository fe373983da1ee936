//! The role homes (`/`, `/api/v1/home`): each role's figures checked against the roll-up by SQL.
use crate::harness::*;

/// The rep's volume of a month straight from the roll-up (independent of the app's queries).
async fn rep_month_qty(t: &TestApp, username: &str, month: &str) -> i64 {
    let id = t.staff_id(username).await;
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(s.supplied_qty), 0) AS BIGINT) FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
         WHERE r.account_manager_id = $1 AND s.month = '{month}'"
    );
    t.scalar_i64(&sql, &[id]).await
}

both_backends!(rep_home_figures, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    let c = t.login(&rep).await;
    let (s, h) = t.get_json(&c, "/api/v1/home").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["month"], END_MONTH);
    assert_eq!(h["ly_month"], "2025-10");
    let expect = rep_month_qty(&t, &rep, END_MONTH).await;
    assert_eq!(h["total"]["qty"].as_i64().unwrap(), expect);
    assert_eq!(
        h["total"]["ly_qty"].as_i64().unwrap(),
        rep_month_qty(&t, &rep, "2025-10").await
    );
    let classes: i64 = h["by_class"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["qty"].as_i64().unwrap())
        .sum();
    assert_eq!(classes, expect);
    let rep_id = t.staff_id(&rep).await;
    let n = t.scalar_i64("SELECT COUNT(*) FROM retailer WHERE account_manager_id = $1 AND business_status <> 'CLOSED'", &[rep_id]).await;
    assert_eq!(h["retailers"].as_i64().unwrap(), n);
    let tiers: i64 = h["by_tier"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_i64().unwrap())
        .sum();
    assert_eq!(tiers, n);
    // Every warning satisfies the 0.8 rule, recomputed here from the roll-up.
    for w in h["warnings"].as_array().unwrap() {
        let ratio = w["ratio"].as_f64().unwrap();
        assert!(ratio < 0.8, "{w}");
        let (cur, prev) = (w["qty"].as_f64().unwrap(), w["prev_qty"].as_f64().unwrap());
        assert!((w["unit_index"].as_f64().unwrap() - cur / prev).abs() < 1e-9);
        assert!(
            (ratio - w["unit_index"].as_f64().unwrap() / w["group_index"].as_f64().unwrap()).abs()
                < 1e-9
        );
        // The category's index (same county, format and market type) from the monthly lines.
        let code = w["customer_code"].as_str().unwrap();
        let group_qty = |month: &str| {
            format!(
                "SELECT CAST(COALESCE(SUM(s.supplied_qty), 0) AS BIGINT) FROM sales_month s \
                 JOIN retailer g ON g.id = s.retailer_id JOIN retailer r ON r.customer_code = '{code}' \
                 WHERE g.county_id = r.county_id AND g.business_format = r.business_format \
                 AND g.market_type = r.market_type AND s.month = '{month}'"
            )
        };
        let cur = t.scalar_i64(&group_qty(END_MONTH), &[]).await as f64;
        let prev = t.scalar_i64(&group_qty("2026-09"), &[]).await as f64;
        assert!(
            (w["group_index"].as_f64().unwrap() - cur / prev).abs() < 1e-9,
            "{w}: the category's {cur} / {prev}"
        );
    }
    assert!(
        !h["warnings"].as_array().unwrap().is_empty(),
        "the rep's customer warnings of the demo city"
    );
    // The page shows the same total, in Chinese.
    let page = t.get_html(&c, "/").await.1;
    assert!(page.contains("我的辖区") && page.contains("预警客户") && page.contains("按价类"));
    assert!(page.contains(&domain::money::group_thousands(expect)));
});

both_backends!(market_manager_home_figures, async |t: TestApp| {
    let mm = t.user_of_role("market_manager").await;
    let me = t.staff(&mm).await;
    let c = t.login(&mm).await;
    let (s, h) = t.get_json(&c, "/api/v1/home").await;
    assert_eq!(s, StatusCode::OK);
    let reps = store::repo::staff::supervised_by(t.db(), me.id)
        .await
        .unwrap();
    let names: Vec<&str> = h["reps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["username"].as_str().unwrap())
        .collect();
    for r in &reps {
        assert!(
            names.contains(&r.username.as_str()),
            "{} missing",
            r.username
        );
    }
    let mut sum = 0;
    for r in h["reps"].as_array().unwrap() {
        let u = r["username"].as_str().unwrap();
        assert_eq!(
            r["volume"]["qty"].as_i64().unwrap(),
            rep_month_qty(&t, u, END_MONTH).await,
            "{u}"
        );
        sum += r["volume"]["qty"].as_i64().unwrap();
        let n = r["retailers"].as_i64().unwrap();
        let breach = !r["band_breach"].is_null();
        let (lo, hi) = (
            r["band_min"].as_i64().unwrap(),
            r["band_max"].as_i64().unwrap(),
        );
        assert_eq!(breach, n < lo || n > hi);
    }
    assert_eq!(h["total"]["qty"].as_i64().unwrap(), sum);
    let page = t.get_html(&c, "/").await.1;
    assert!(page.contains("我的客户经理") && page.contains("配置标准"));
});

both_backends!(brand_manager_home, async |t: TestApp| {
    let bm = t.user_of_role("brand_manager").await;
    let c = t.login(&bm).await;
    let (s, h) = t.get_json(&c, "/api/v1/home").await;
    assert_eq!(s, StatusCode::OK);
    let share = h["key_brand_share_pct"].as_f64().unwrap();
    assert!(share > 0.0 && share <= 100.0);
    assert_eq!(h["key_brand_target_pct"], 89.5);
    assert!(!h["manufacturers"].as_array().unwrap().is_empty());
    for r in h["by_area"].as_array().unwrap() {
        let (cov, list) = (
            r["coverage_pct"].as_f64().unwrap(),
            r["listing_pct"].as_f64().unwrap(),
        );
        assert!((0.0..=100.0).contains(&cov) && cov <= list + 1e-9, "{r}");
    }
    let page = t.get_html(&c, "/").await.1;
    assert!(
        page.contains("重点品牌销售比重") && page.contains("工业企业") && page.contains("上柜率")
    );
});

both_backends!(center_home, async |t: TestApp| {
    let center = t.user_of_role("marketing_center").await;
    let c = t.login(&center).await;
    let (_, h) = t.get_json(&c, "/api/v1/home").await;
    let company = t
        .scalar_i64(&format!("SELECT CAST(COALESCE(SUM(supplied_qty), 0) AS BIGINT) FROM sales_month WHERE month = '{END_MONTH}' AND $1 = 1"), &[1])
        .await;
    assert_eq!(h["total"]["qty"].as_i64().unwrap(), company);
    let counties: i64 = h["by_county"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["qty"].as_i64().unwrap())
        .sum();
    assert_eq!(counties, company);
    let page = t.get_html(&c, "/").await.1;
    assert!(page.contains("各县级营销部") && page.contains("全市概况"));
});
