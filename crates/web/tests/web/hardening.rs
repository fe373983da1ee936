//! Hostile input and sign-in abuse: numbers beyond the policy limits, a spreadsheet that claims
//! billions of cells, a redirect smuggled into `next`, password guessing, cross-site writes to
//! the API. Each answer is a clear 4xx naming the field; nothing is stored; nothing answers 5xx.
use crate::cycle::TARGET;
use crate::forecasts::model_then_rep;
use crate::harness::*;

// A forecast of i64::MAX 条 was stored and then broke the rep's submission and the managers'
// pages (500). It is refused naming the field; the month goes on.
both_backends!(
    forecast_quantity_beyond_the_limit,
    Start::CityWithModel,
    async |t: TestApp| {
        let (rc, list) = model_then_rep(&t).await;
        let code = list[0]["customer_code"].as_str().unwrap().to_string();
        let sku = list[0]["sku_code"].as_str().unwrap().to_string();
        let path = format!("/api/v1/forecasts/{TARGET}/{code}/{sku}");
        for q in [i64::MAX, 100_001] {
            let (s, p) = t
                .put_json(
                    &rc,
                    &path,
                    &json!({"quantity": q, "method": "INTERACTIVE_VISIT"}),
                )
                .await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{q}: {p}");
            assert_eq!(p["field"], "quantity");
            assert!(p["detail"].as_str().unwrap().contains("100000"), "{p}");
        }
        // A number beyond i64 is refused by the body's type, as a 400 too.
        let r = rc
            .put(t.url(&path))
            .header("content-type", "application/json")
            .body(r#"{"quantity": 99999999999999999999999, "method": "INTERACTIVE_VISIT"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let (s, p) = t
            .put_json(
                &rc,
                &path,
                &json!({"quantity": 100_000, "method": "INTERACTIVE_VISIT"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let (s, p) = t
            .post_empty_json(&rc, &format!("/api/v1/forecasts/{TARGET}/submit"))
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let (s, _) = t.get_html(&rc, &format!("/forecasts/{TARGET}")).await;
        assert_eq!(s, StatusCode::OK);
        // The rep's market manager sees the month's page.
        let rep = t.users_of_role("account_manager").await.remove(0);
        let mm = t.login(&t.manager_of(&rep).await).await;
        let (s, _) = t.get_html(&mm, &format!("/forecasts/{TARGET}")).await;
        assert_eq!(s, StatusCode::OK);
    }
);

// The retailer's POS and the center's supply are bounded the same way.
both_backends!(
    self_report_and_supply_beyond_the_limit,
    Start::CityWithModel,
    async |t: TestApp| {
        let (rc, list) = model_then_rep(&t).await;
        let code = list[0]["customer_code"].as_str().unwrap().to_string();
        let sku = list[0]["sku_code"].as_str().unwrap().to_string();
        let (_, tok) = t
            .post_empty_json(&rc, &format!("/api/v1/retailers/{code}/pos-token"))
            .await;
        let r = t
            .client()
            .post(t.url(&format!("/api/v1/pos/forecasts/{TARGET}")))
            .header("X-Retailer", &code)
            .bearer_auth(tok["token"].as_str().unwrap())
            .json(&json!({"lines": [{"sku": sku, "quantity": i64::MAX}]}))
            .send()
            .await
            .unwrap();
        let (s, p) = json_of(r).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{p}");
        assert_eq!(p["field"], "lines[0].quantity");

        let center = t.login(&t.user_of_role("marketing_center").await).await;
        let (s, p) = t
            .put_json(
                &center,
                &format!("/api/v1/supply/{TARGET}"),
                &json!({"lines": [{"sku": sku, "quantity": i64::MAX}]}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{p}");
        let n = t.scalar_i64("SELECT COUNT(*) FROM supply_plan", &[]).await;
        assert_eq!(n, 0);
    }
);

/// An Excel file whose used cells are A1 and XFD1048576: its declared range is 17 billion cells.
fn sparse_bomb() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "卷烟规格代码").expect("xlsx");
    ws.write_string(0, 1, "货源量").expect("xlsx");
    ws.write_number(1_048_575, 16_383, 1).expect("xlsx");
    wb.save_to_buffer().expect("xlsx")
}

// The supply upload reads cells one by one and refuses a sheet beyond the row limit by name,
// instead of allocating the sheet's declared range.
both_backends!(supply_upload_of_a_sparse_bomb, async |t: TestApp| {
    let center = t.login(&t.user_of_role("marketing_center").await).await;
    let token = t.csrf(&center).await;
    let r = center
        .post(t.url(&format!("/api/v1/supply/{TARGET}/upload")))
        .header("x-csrf-token", &token)
        .body(sparse_bomb())
        .send()
        .await
        .unwrap();
    let (s, p) = json_of(r).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{p}");
    assert_eq!(p["field"], "第 1048576 行", "{p}");
});

// `next` after signing in stays on this site: a TAB (which browsers drop) or a backslash cannot
// turn `/…` into `//evil.example`.
both_backends!(login_next_stays_local, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    for (next, to) in [
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/retailers?page=2", "/retailers?page=2"),
    ] {
        let c = t.client();
        let (_, page) = t.get_html(&c, "/login").await;
        let csrf = hidden(&page, "csrf");
        let r = t
            .post_form_raw(
                &c,
                "/login",
                &[
                    ("username", rep.as_str()),
                    ("password", PASSWORD),
                    ("csrf", csrf.as_str()),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&r), to, "{next:?}");
    }
});

// Password guessing: after 5 wrong passwords for a user name the right one is refused too (429,
// with the minutes to wait) until the window ends; an address that failed 20 times is refused
// for every user name. Failures and successes are in the audit trail.
both_backends!(sign_in_lockout, async |t: TestApp| {
    let admin = t.user_of_role("admin").await;
    let c = t.client();
    let login = |username: String, password: &'static str| {
        c.post(t.url("/api/v1/session"))
            .json(&json!({"username": username, "password": password}))
            .send()
    };
    let ok = login(admin.clone(), PASSWORD).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    for _ in 0..5 {
        let r = login(admin.clone(), "wrong-password").await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let (s, p) = json_of(login(admin.clone(), PASSWORD).await.unwrap()).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("15 分钟"), "{p}");
    assert_eq!(t.audit_count("auth.login_failed").await, 5);
    assert!(t.audit_count("auth.login").await >= 1);
    // The login page says the same, with the form.
    let (_, page) = t.get_html(&c, "/login").await;
    let csrf = hidden(&page, "csrf");
    let (s, page) = t
        .post_form(
            &c,
            "/login",
            &[
                ("username", admin.as_str()),
                ("password", PASSWORD),
                ("csrf", csrf.as_str()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("登录失败次数过多"), "{page}");
    // The window ends: the right password works again.
    t.at_utc(2026, 11, 16, 2, 16);
    let r = login(admin.clone(), PASSWORD).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // One address trying many user names (unknown ones too) is stopped after 20.
    for i in 0..20 {
        let r = login(format!("nobody{i}"), "wrong-password").await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{i}");
    }
    let rep = t.user_of_role("account_manager").await;
    let r = login(rep, PASSWORD).await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
});

// Cookie-authenticated API writes without a JSON body are refused from another site (a form
// post or a `no-cors` fetch cannot send JSON or a custom header); the session's token in
// `X-CSRF-Token` or this site's `Origin` lets them through.
both_backends!(
    cross_site_api_writes_are_refused,
    Start::CityWithModel,
    async |t: TestApp| {
        let (rc, list) = model_then_rep(&t).await;
        let code = list[0]["customer_code"].as_str().unwrap().to_string();
        let center = t.login(&t.user_of_role("marketing_center").await).await;
        for (c, path) in [
            (&rc, format!("/api/v1/forecasts/{TARGET}/submit")),
            (&rc, format!("/api/v1/retailers/{code}/pos-token")),
            (&center, format!("/api/v1/forecasts/{TARGET}/model")),
            (&center, format!("/api/v1/balance/{TARGET}/run")),
            (&center, format!("/api/v1/balance/{TARGET}/publish")),
            (&center, format!("/api/v1/supply/{TARGET}/upload")),
            (&center, "/api/v1/cultivation-tasks/1/close".to_string()),
        ] {
            let r = t.post_cross_site(c, &path).await;
            let (s, p) = json_of(r).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{path}: {p}");
            assert!(p["detail"].as_str().unwrap().contains("跨站"), "{p}");
        }
        assert_eq!(
            t.scalar_i64(
                "SELECT COUNT(*) FROM forecast_submission WHERE status = 'SUBMITTED'",
                &[]
            )
            .await,
            0
        );
        // The same write with the page's token, or from this site's origin, goes through.
        let token = t.csrf(&rc).await;
        let r = rc
            .post(t.url(&format!("/api/v1/retailers/{code}/pos-token")))
            .header("x-csrf-token", token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let r = rc
            .post(t.url(&format!("/api/v1/forecasts/{TARGET}/submit")))
            .header("origin", t.url(""))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
);

// A county director's home counted the company (4,237 class-1 buyers while the director sees
// 1,524 retailers). Every figure on it is now the county's; the center's stays the company's.
both_backends!(county_home_counts_the_county, async |t: TestApp| {
    let director = t.user_of_role("marketing_director").await;
    let dc = t.login(&director).await;
    let county = t.staff(&director).await.org_unit_id.unwrap();
    // Retailers in business (the home leaves closed ones out), the county's and the company's.
    let open = "business_status <> 'CLOSED'";
    let visible = t
        .scalar_i64(
            &format!("SELECT COUNT(*) FROM retailer WHERE county_id = $1 AND {open}"),
            &[county],
        )
        .await;
    let company = t
        .scalar_i64(&format!("SELECT COUNT(*) FROM retailer WHERE {open}"), &[])
        .await;
    let (s, home) = t.get_json(&dc, "/api/v1/home").await;
    assert_eq!(s, StatusCode::OK, "{home}");
    assert_eq!(home["retailers"].as_i64().unwrap(), visible, "{home}");
    let center = t.login(&t.user_of_role("marketing_center").await).await;
    let (_, chome) = t.get_json(&center, "/api/v1/home").await;
    assert_eq!(chome["retailers"].as_i64().unwrap(), company);
    assert!(visible < company);
    // The director's counties: one row, theirs.
    assert!(home["by_county"].as_array().unwrap().len() <= 1, "{home}");
    assert!(chome["by_county"].as_array().unwrap().len() > 1, "{chome}");
    // And the people counted are the county's, not the company's.
    let people = |h: &Value| -> i64 {
        h["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_i64().unwrap())
            .sum()
    };
    assert!(people(&home) < people(&chome));
});

// The calendar API answered any county to anyone; now, as its page does, only the person's own
// county unless the role may look at every county.
both_backends!(cycle_api_of_another_county, async |t: TestApp| {
    let director = t.user_of_role("marketing_director").await;
    let dc = t.login(&director).await;
    let unit = t.staff(&director).await.org_unit_id.unwrap();
    let own = t
        .scalar_text("SELECT code FROM org_unit WHERE id = $1", unit)
        .await;
    let other = t
        .scalar_text(
            "SELECT code FROM org_unit WHERE kind = 'COUNTY' AND id <> $1 ORDER BY code LIMIT 1",
            unit,
        )
        .await;
    let (s, _) = t
        .get_json(&dc, &format!("/api/v1/cycle/{own}/2026-11"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, p) = t
        .get_json(&dc, &format!("/api/v1/cycle/{other}/2026-11"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{p}");
});

// A NUL character in any text (JSON, query, form) answered 500 on PostgreSQL, which cannot store
// it, and was stored on SQLite. It is refused where it enters, the same on both.
both_backends!(nul_characters_are_refused, async |t: TestApp| {
    let c = t.client();
    let (s, p) = t
        .post_json(
            &c,
            "/api/v1/session",
            &json!({"username": "a\u{0}b", "password": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{p}");
    assert_eq!(p["field"], "body");
    let rc = t.login(&t.user_of_role("account_manager").await).await;
    let (s, p) = t.get_json(&rc, "/api/v1/retailers?q=%00").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{p}");
    let (_, page) = t.get_html(&c, "/login").await;
    let csrf = hidden(&page, "csrf");
    let (s, _) = t
        .post_form(
            &c,
            "/login",
            &[
                ("username", "a\u{0}b"),
                ("password", "x"),
                ("csrf", csrf.as_str()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
});

// Lists are bounded: the forecast list answers a page at a time with the total in
// `X-Total-Count` (the center's list of the default city is 200,000 records); the sheet list
// spans at most a year of weeks.
both_backends!(
    lists_are_paged_and_ranges_bounded,
    Start::CityWithModel,
    async |t: TestApp| {
        t.at(2026, 9, 2);
        let center = t.login(&t.user_of_role("marketing_center").await).await;
        let path = format!("/api/v1/forecasts/{TARGET}");
        let r = t.get(&center, &path).await;
        let total: usize = r.headers()["x-total-count"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let (_, first) = json_of(r).await;
        assert!(total > 10, "{total}");
        assert_eq!(first.as_array().unwrap().len(), total.min(1000));
        let (s, p1) = t.get_json(&center, &format!("{path}?per_page=7")).await;
        assert_eq!(s, StatusCode::OK);
        let (_, p2) = t
            .get_json(&center, &format!("{path}?per_page=7&page=2"))
            .await;
        assert_eq!(p1.as_array().unwrap().len(), 7);
        assert_eq!(p2[0], first[7], "page 2 goes on where page 1 ends");
        for bad in ["?per_page=0", "?per_page=20001", "?page=0", "?page=-3"] {
            let (s, p) = t.get_json(&center, &format!("{path}{bad}")).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {p}");
        }
        let (s, p) = t
            .get_json(&center, "/api/v1/sheets?from=2000-W01&to=2100-W52")
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{p}");
        assert_eq!(p["field"], "to");
        let (s, _) = t
            .get_json(&center, "/api/v1/sheets?from=2026-W40&to=2026-W30")
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _) = t
            .get_json(&center, "/api/v1/sheets?from=2025-W47&to=2026-W46")
            .await;
        assert_eq!(s, StatusCode::OK);
    }
);

// A MODEL run whose process was killed before its commit wrote nothing (its results and its
// `forecast.model_run` entry are one transaction); the forecast page shows it as interrupted and
// it runs again.
both_backends!(
    interrupted_model_run_is_shown_and_rerun,
    async |t: TestApp| {
        t.at(2026, 9, 2);
        let center = t.login(&t.user_of_role("marketing_center").await).await;
        // The start a killed run left behind.
        let mut tx = t.db().begin().await.unwrap();
        store::audit::record(
            &mut tx,
            &store::audit::Actor::system("yxzx01"),
            "forecast.model_start",
            "forecast",
            TARGET,
            None::<&()>,
            Some(&json!({"scope": "company"})),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let page = format!("/forecasts/{TARGET}");
        let (s, html) = t.get_html(&center, &page).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("未完成") && html.contains("可重新运行"),
            "{html}"
        );
        let r = center
            .post(t.url(&format!("/api/v1/forecasts/{TARGET}/model?wait=true")))
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let (_, html) = t.get_html(&center, &page).await;
        assert!(!html.contains("未完成"), "{html}");
        assert!(html.contains("上次完成"), "{html}");
    }
);

// Behind a trusted reverse proxy the lockout per address counts the client's address from
// `X-Forwarded-For`, so 20 failures of one client do not lock everyone out; without the option
// the header is not believed (a client could write any address in it).
both_backends!(lockout_per_address_behind_a_proxy, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    let opts = web::Options {
        trusted_proxy: true,
        ..Default::default()
    };
    let base = crate::headers::serve_with(&t, opts).await;
    let c = t.client();
    let login = |from: &'static str, username: String, password: &'static str| {
        c.post(format!("{base}/api/v1/session"))
            .header("x-forwarded-for", format!("203.0.113.9, {from}"))
            .json(&json!({"username": username, "password": password}))
            .send()
    };
    for i in 0..20 {
        let r = login("198.51.100.1", format!("nobody{i}"), "wrong-password")
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = login("198.51.100.1", rep.clone(), PASSWORD).await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let r = login("198.51.100.2", rep.clone(), PASSWORD).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The default server does not believe the header: the same address (the test's) is locked.
    for i in 0..20 {
        let r = c
            .post(t.url("/api/v1/session"))
            .header("x-forwarded-for", format!("192.0.2.{i}"))
            .json(&json!({"username": format!("nobody{i}"), "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = c
        .post(t.url("/api/v1/session"))
        .header("x-forwarded-for", "192.0.2.200")
        .json(&json!({"username": rep, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
});
