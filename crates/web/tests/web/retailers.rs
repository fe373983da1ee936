//! Retailers (`/retailers`, `/api/v1/retailers`): who sees which, filters and search, bad input
//! named by field, and the pages (list, htmx fragment, detail).
use crate::harness::*;

fn v_first_code(v: &Value) -> String {
    v["items"][0]["customer_code"].as_str().unwrap().to_string()
}

both_backends!(rep_sees_only_own_retailers, async |t: TestApp| {
    let reps = t.users_of_role("account_manager").await;
    let (rep, other) = (&reps[0], &reps[1]);
    let c = t.login(rep).await;
    let rep_id = t.staff_id(rep).await;
    let own = t
        .scalar_i64(
            "SELECT COUNT(*) FROM retailer WHERE account_manager_id = $1",
            &[rep_id],
        )
        .await;
    let (s, v) = t.get_json(&c, "/api/v1/retailers?per_page=200").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"].as_i64().unwrap(), own);
    assert!(own > 0);
    for item in v["items"].as_array().unwrap() {
        assert_eq!(item["rep_username"], rep.as_str());
    }
    // Another rep's retailer: 403 on the API and on the page.
    let other_id = t.staff_id(other).await;
    let theirs = t
        .scalar_text(
            "SELECT customer_code FROM retailer WHERE account_manager_id = $1 LIMIT 1",
            other_id,
        )
        .await;
    let (s, v) = t.get_json(&c, &format!("/api/v1/retailers/{theirs}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(v["detail"], "该零售客户不属于您的辖区");
    let (s, page) = t.get_html(&c, &format!("/retailers/{theirs}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(page.contains("该零售客户不属于您的辖区"));
    // Filtering by another rep yields nothing of theirs.
    let (_, v) = t
        .get_json(&c, &format!("/api/v1/retailers?rep={other}"))
        .await;
    assert_eq!(v["total"], 0);
    // Own retailer: the detail with 12 months.
    let mine = v_first_code(&t.get_json(&c, "/api/v1/retailers?per_page=1").await.1);
    let (s, d) = t.get_json(&c, &format!("/api/v1/retailers/{mine}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["months"].as_array().unwrap().len(), 12);
    assert_eq!(d["months"][11]["month"], END_MONTH);
    assert_eq!(d["rep_username"], rep.as_str());
});

both_backends!(market_manager_sees_only_area, async |t: TestApp| {
    let mms = t.users_of_role("market_manager").await;
    let mm = t.staff(&mms[0]).await;
    let area = mm.org_unit_id.unwrap();
    let c = t.login(&mm.username).await;
    let n = t
        .scalar_i64("SELECT COUNT(*) FROM retailer WHERE area_id = $1", &[area])
        .await;
    let (_, v) = t.get_json(&c, "/api/v1/retailers?per_page=5").await;
    assert_eq!(v["total"].as_i64().unwrap(), n);
    let outside = t
        .scalar_text(
            "SELECT customer_code FROM retailer WHERE area_id <> $1 LIMIT 1",
            area,
        )
        .await;
    let (s, v) = t
        .get_json(&c, &format!("/api/v1/retailers/{outside}"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(v["detail"], "该零售客户不在您负责的市场部");
    let inside = t
        .scalar_text(
            "SELECT customer_code FROM retailer WHERE area_id = $1 LIMIT 1",
            area,
        )
        .await;
    assert_eq!(
        t.get_json(&c, &format!("/api/v1/retailers/{inside}"))
            .await
            .0,
        StatusCode::OK
    );
    // The company-wide roles see any retailer.
    for role in [Role::BrandManager, Role::MarketingCenter, Role::Admin] {
        let (_, c) = t.login_as(role).await;
        assert_eq!(
            t.get_json(&c, &format!("/api/v1/retailers/{outside}"))
                .await
                .0,
            StatusCode::OK,
            "{}",
            role.code()
        );
    }
});

both_backends!(retailer_bad_input, async |t: TestApp| {
    let c = t.login("admin").await;
    for (q, field) in [
        ("tier_min=abc", "tier_min"),
        ("tier_max=31", "tier_max"),
        ("format=SHOP", "format"),
        ("market_type=x", "market_type"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("per_page=500", "per_page"),
        ("county_id=one", "county_id"),
        ("sample_point=maybe", "sample_point"),
        ("rep=nobody", "rep"),
    ] {
        let (s, v) = t.get_json(&c, &format!("/api/v1/retailers?{q}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}: {v}");
        assert_eq!(v["field"], field, "{q}");
        assert!(!v["detail"].as_str().unwrap().is_empty());
    }
    let (s, v) = t.get_json(&c, "/api/v1/retailers/NO-SUCH-CODE").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v["detail"].as_str().unwrap().contains("NO-SUCH-CODE"));
    let (s, v) = t.get_json(&c, "/api/v1/retailers/bad%20code").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["field"], "客户编码");
    let (s, page) = t.get_html(&c, "/retailers?tier_min=abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("不是 1–30 的整数"));
});

both_backends!(retailer_search_and_filters, async |t: TestApp| {
    let c = t.login("admin").await;
    let (_, v) = t
        .get_json(&c, "/api/v1/retailers?tier_min=25&tier_max=30&per_page=200")
        .await;
    let n = t
        .scalar_i64(
            "SELECT COUNT(*) FROM retailer WHERE tier >= $1 AND tier <= $2",
            &[25, 30],
        )
        .await;
    assert_eq!(v["total"].as_i64().unwrap(), n);
    for it in v["items"].as_array().unwrap() {
        assert!(it["tier"].as_i64().unwrap() >= 25);
    }
    let (_, v) = t
        .get_json(
            &c,
            "/api/v1/retailers?format=GROCERY&market_type=RURAL&per_page=200",
        )
        .await;
    for it in v["items"].as_array().unwrap() {
        assert_eq!(it["business_format"], "GROCERY");
        assert_eq!(it["business_format_zh"], "食杂店");
        assert_eq!(it["market_type"], "RURAL");
    }
    // Search by a name fragment finds that retailer; paging is consistent.
    let (_, all) = t.get_json(&c, "/api/v1/retailers?per_page=10&page=2").await;
    assert_eq!(all["page"], 2);
    assert_eq!(all["items"].as_array().unwrap().len(), 10);
    let name = all["items"][0]["name"].as_str().unwrap().to_string();
    let (_, found) = t
        .get_json(&c, &format!("/api/v1/retailers?q={}", name))
        .await;
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["name"] == name.as_str())
    );
    // Filtering by rep (chinese chars in the query string are encoded by reqwest).
    let rep = t.user_of_role("account_manager").await;
    let (_, byrep) = t
        .get_json(&c, &format!("/api/v1/retailers?rep={rep}&per_page=200"))
        .await;
    assert!(byrep["total"].as_i64().unwrap() > 0);
    assert!(
        byrep["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["rep_username"] == rep.as_str())
    );
});

both_backends!(pages_render, async |t: TestApp| {
    let (_, c) = t.login_form_as(Role::AccountManager).await;
    let (s, page) = t.get_html(&c, "/retailers").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("<html") && page.contains("零售客户") && page.contains("hx-get"));
    // An htmx request gets the results fragment only.
    let r = c
        .get(t.url("/retailers?tier_min=1"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    let frag = r.text().await.unwrap();
    assert!(frag.contains("id=\"results\"") && !frag.contains("<html"));
    let code = {
        let (_, v) = t.get_json(&c, "/api/v1/retailers?per_page=1").await;
        v_first_code(&v)
    };
    let (s, page) = t.get_html(&c, &format!("/retailers/{code}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("<svg") && page.contains("档位历史") && page.contains("许可证号"));
    let (s, page) = t.get_html(&c, "/retailers/NOPE").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(page.contains("不存在"));
});
