//! Issue 5's pages walked as people use them: the calendar, the rep's forecast pages (phone form,
//! submit, locked), the market manager's read-only view (no number inputs, a forged post refused),
//! supply entry and upload (a bad file names the row), balancing, feedback ticks, the forecast
//! meeting — with the JSON API checking what the forms wrote.
mod common;
use chrono::{TimeZone, Utc};
use common::*;
use reqwest::{Client, StatusCode};
use serde_json::Value;

fn at(t: &TestApp, y: i32, m: u32, d: u32) {
    t.app.clock.set(Some(
        Utc.with_ymd_and_hms(y, m, d, 2, 0, 0)
            .single()
            .expect("time"),
    ));
}

const TARGET: &str = "2026-10";

async fn post_form(
    t: &TestApp,
    c: &Client,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let r = c.post(t.url(path)).form(form).send().await.expect("post");
    let s = r.status();
    (s, r.text().await.expect("text"))
}

/// A page's CSRF token (from the logout form of any page).
async fn csrf(t: &TestApp, c: &Client) -> String {
    let (_, page) = t.get_html(c, "/products").await;
    hidden(&page, "csrf")
}

fn xlsx(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "卷烟规格代码").unwrap();
    ws.write_string(0, 1, "货源量").unwrap();
    for (i, (sku, q)) in rows.iter().enumerate() {
        let r = (i + 1) as u32;
        ws.write_string(r, 0, *sku).unwrap();
        match q.parse::<f64>() {
            Ok(n) => ws.write_number(r, 1, n).map(|_| ()).unwrap(),
            Err(_) => ws.write_string(r, 1, *q).map(|_| ()).unwrap(),
        }
    }
    wb.save_to_buffer().unwrap()
}

fn multipart(csrf: &str, file: &[u8]) -> (String, Vec<u8>) {
    let b = "m135boundary7d3f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"supply.xlsx\"\r\n\
             Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

both_backends!(month_pages_walk, async |t: TestApp| {
    at(&t, 2026, 9, 2);
    let center = t.login_form("yxzx01").await;
    let r = center
        .post(t.url(&format!("/api/v1/forecasts/{TARGET}/model?wait=true")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let rep = t.users_of_role("account_manager").await.remove(0);
    let rc = t.login_form(&rep).await;

    // ① The calendar: the rep lands on their county's working month.
    let r = rc.get(t.url("/cycle")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cyc = location(&r);
    assert!(cyc.ends_with("/2026-09"), "{cyc}");
    let (s, page) = t.get_html(&rc, &cyc).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    for w in [
        "月度日历",
        "①市场需求预测",
        "⑥",
        "今日待办",
        "逾期",
        "拜访预测到位率",
    ] {
        assert!(page.contains(w), "cycle page lacks {w}");
    }
    let (s, page) = t.get_html(&center, "/cycle/CTY01/2026-09").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("营销中心") && page.contains("/cycle/CTY01/2026-10"));

    // ② The rep's territory list, key customers first, and the phone page of one retailer.
    let (s, page) = t.get_html(&rc, &format!("/forecasts/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    for w in [
        "需求预测",
        "重点",
        "汇总提交",
        "上月需求",
        "去年同期需求",
        "价类",
    ] {
        assert!(page.contains(w), "forecast page lacks {w}");
    }
    let (_, list) = t
        .get_json(&rc, &format!("/api/v1/forecasts/{TARGET}"))
        .await;
    let list = list.as_array().unwrap().clone();
    let r0 = list[0]["customer_code"].as_str().unwrap().to_string();
    let k0 = list[0]["sku_code"].as_str().unwrap().to_string();
    let m0 = list[0]["model_qty"].as_i64().unwrap();
    let (s, page) = t.get_html(&rc, &format!("/forecasts/{TARGET}/{r0}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(&format!("name=\"q_{k0}\"")), "{page}");
    assert!(page.contains("模型") && page.contains("档"));
    let token = hidden(&page, "csrf");
    let want = (m0 + 7).to_string();
    let field = format!("q_{k0}");
    let (s, _) = post_form(
        &t,
        &rc,
        &format!("/forecasts/{TARGET}/{r0}"),
        &[("csrf", &token), (&field, &want)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let pair = |l: &Value| {
        l.as_array()
            .unwrap()
            .iter()
            .find(|f| f["customer_code"] == r0.as_str() && f["sku_code"] == k0.as_str())
            .cloned()
            .unwrap()
    };
    let (_, l) = t
        .get_json(&rc, &format!("/api/v1/forecasts/{TARGET}"))
        .await;
    let f = pair(&l);
    assert_eq!(f["interactive_qty"], m0 + 7, "{f}");
    assert_eq!(f["method"], "INTERACTIVE_VISIT");
    // A refused edit shows its message on the page.
    let (s, page) = post_form(
        &t,
        &rc,
        &format!("/forecasts/{TARGET}/{r0}"),
        &[("csrf", &token), (&field, "abc")],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("不是有效的整数"), "{page}");

    // The market manager of the rep: read only, comment form, a forged post refused.
    let mm_id = t
        .scalar_i64(
            &format!(
                "SELECT m.id FROM staff m, staff r WHERE r.username = '{rep}' AND m.role = 'market_manager' \
                 AND (m.id = r.supervisor_id OR m.org_unit_id = r.org_unit_id) ORDER BY m.id LIMIT 1"
            ),
            &[],
        )
        .await;
    let mm = store::repo::staff::list(t.db(), Some("market_manager"), None)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == mm_id)
        .unwrap()
        .username;
    let mc = t.login_form(&mm).await;
    let (s, page) = t.get_html(&mc, &format!("/forecasts/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(&rep) && page.contains("只读") && page.contains("评论"));
    assert!(!page.contains("type=\"number\""));
    // The rep's card sums the rep's records (counted in the database): retailers, pairs, 条.
    {
        let (_, mine) = t
            .get_json(&rc, &format!("/api/v1/forecasts/{TARGET}"))
            .await;
        let mine = mine.as_array().unwrap();
        let retailers: std::collections::HashSet<&str> = mine
            .iter()
            .map(|f| f["customer_code"].as_str().unwrap())
            .collect();
        let qty: i64 = mine.iter().map(|f| f["quantity"].as_i64().unwrap()).sum();
        let card = format!(
            "{rep} · {} 户 · {} 对 · {} 条",
            retailers.len(),
            mine.len(),
            domain::money::group_thousands(qty)
        );
        assert!(page.contains(&card), "{card} not on {page}");
    }
    let (s, page) = t.get_html(&mc, &format!("/forecasts/{TARGET}/{r0}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!page.contains("type=\"number\"") && !page.contains("<input type=\"number"));
    let mtoken = hidden(&page, "csrf");
    let (s, _) = post_form(
        &t,
        &mc,
        &format!("/forecasts/{TARGET}/{r0}"),
        &[("csrf", &mtoken), (&field, "999")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, l) = t
        .get_json(&rc, &format!("/api/v1/forecasts/{TARGET}"))
        .await;
    assert_eq!(pair(&l)["interactive_qty"], m0 + 7);
    // A post without the session's token is refused too.
    let (s, _) = post_form(
        &t,
        &rc,
        &format!("/forecasts/{TARGET}/submit"),
        &[("csrf", "x")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Submit: locked; a second submit changes nothing.
    let (s, _) = post_form(
        &t,
        &rc,
        &format!("/forecasts/{TARGET}/submit"),
        &[("csrf", &token)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = t.get_html(&rc, &format!("/forecasts/{TARGET}")).await;
    assert!(
        page.contains("已锁定") && !page.contains("汇总提交 "),
        "{page}"
    );
    let r = rc
        .post(t.url(&format!("/forecasts/{TARGET}/submit")))
        .form(&[("csrf", &token)])
        .send()
        .await
        .unwrap();
    let (_, page) = t.get_html(&rc, &location(&r)).await;
    assert!(page.contains("此前已提交"), "{page}");
    let (s, _) = post_form(
        &t,
        &mc,
        &format!("/forecasts/{TARGET}/reps/{rep}/comment"),
        &[("csrf", &mtoken), ("text", "重点户再核一下")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = t.get_html(&rc, &format!("/forecasts/{TARGET}")).await;
    assert!(page.contains("重点户再核一下"));

    // ③ Supply: the rep is refused; a bad upload names the row and writes nothing; the form writes.
    let (s, _) = t.get_html(&rc, &format!("/supply/{TARGET}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, page) = t.get_html(&center, &format!("/supply/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("货源平衡") && page.contains("type=\"file\""));
    let ctoken = csrf(&t, &center).await;
    let (ct, body) = multipart(&ctoken, &xlsx(&[(&k0, "100"), (&k0, "abc")]));
    let r = center
        .post(t.url(&format!("/supply/{TARGET}/upload")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("第 3 行"), "{page}");
    let (_, sup) = t
        .get_json(&center, &format!("/api/v1/supply/{TARGET}"))
        .await;
    assert_eq!(sup.as_array().unwrap().len(), 0, "{sup}");
    let (ct, body) = multipart(&ctoken, &xlsx(&[(&k0, "40")]));
    let r = center
        .post(t.url(&format!("/supply/{TARGET}/upload")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, _) = post_form(
        &t,
        &center,
        &format!("/supply/{TARGET}"),
        &[("csrf", &ctoken), (&field, "30")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, sup) = t
        .get_json(&center, &format!("/api/v1/supply/{TARGET}"))
        .await;
    assert_eq!(sup.as_array().unwrap().len(), 1, "{sup}");
    assert_eq!(sup[0]["quantity"], 30, "{sup}");

    // Balancing: run, review, publish (twice: the second changes nothing).
    at(&t, 2026, 9, 18);
    let (s, page) = t.get_html(&center, &format!("/balance/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("尚未运行"));
    let (s, _) = post_form(
        &t,
        &center,
        &format!("/balance/{TARGET}/run"),
        &[("csrf", &ctoken)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = t.get_html(&center, &format!("/balance/{TARGET}")).await;
    for w in ["按规格", "按档位", "标记客户", "发布", "草稿"] {
        assert!(page.contains(w), "balance page lacks {w}");
    }
    // A tight SKU that was cut shows its tier ladder on the page.
    let (_, rv) = t
        .get_json(&center, &format!("/api/v1/balance/{TARGET}"))
        .await;
    for l in rv["ladders"].as_array().unwrap() {
        assert!(page.contains("紧俏规格档位限量"), "{page}");
        assert!(
            page.contains(&format!(
                "<td>{}</td><td>{}</td>",
                l["sku"].as_str().unwrap(),
                l["mode_label"].as_str().unwrap()
            )),
            "{l}"
        );
    }
    let (s, _) = post_form(
        &t,
        &rc,
        &format!("/balance/{TARGET}/publish"),
        &[("csrf", &token)],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    post_form(
        &t,
        &center,
        &format!("/balance/{TARGET}/publish"),
        &[("csrf", &ctoken)],
    )
    .await;
    let r = center
        .post(t.url(&format!("/balance/{TARGET}/publish")))
        .form(&[("csrf", &ctoken)])
        .send()
        .await
        .unwrap();
    let (_, page) = t.get_html(&center, &location(&r)).await;
    assert!(page.contains("此前已发布"), "{page}");

    // ④ Feedback: one tap records the 动销台帐 value.
    at(&t, 2026, 9, 22);
    let (s, page) = t.get_html(&rc, &format!("/feedback/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("预测反馈") && page.contains(&r0) && page.contains("已反馈"));
    let (s, _) = post_form(
        &t,
        &rc,
        &format!("/feedback/{TARGET}/{r0}"),
        &[("csrf", &token), ("text", "已告知")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, fb) = t.get_json(&rc, &format!("/api/v1/feedback/{TARGET}")).await;
    let item = fb
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["customer_code"] == r0.as_str())
        .cloned()
        .unwrap();
    assert!(!item["ticked_at"].is_null(), "{item}");

    // ⑤ The forecast meeting of December: October's accuracy with its definitions.
    at(&t, 2026, 11, 3);
    let (s, page) = t.get_html(&mc, "/meeting/2026-12").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    for w in [
        "预测会",
        "2026-10",
        "加权准确率 = 1 − Σ|A − F| / ΣA",
        "订单满足率",
        "市场部",
        "客户经理",
        "双向互动",
        "货源政策",
    ] {
        assert!(page.contains(w), "meeting page lacks {w}");
    }
    let (s, _) = t.get_html(&rc, "/meeting/2026-12").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

both_backends!(method135_and_roles, async |t: TestApp| {
    // Default clock: 2026-11-16, working month 2026-11.
    let rep = t.user_of_role("account_manager").await;
    let rc = t.login_form(&rep).await;
    let r = rc.get(t.url("/method135")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/method135/2026-11");
    let (s, page) = t.get_html(&rc, "/method135/2026-11").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    for w in [
        "① 分析",
        "② 计划",
        "③ 实施",
        "④ 评估",
        "⑤ 改进",
        "客户分析",
        "预警客户",
        "订单满足率",
    ] {
        assert!(page.contains(w), "135 page lacks {w}");
    }
    let token = hidden(&page, "csrf");
    let form = [
        ("csrf", token.as_str()),
        ("plan", "重点客户每周拜访，预测到位"),
        ("improvement", "提高双向互动预测覆盖"),
    ];
    let (s, _) = post_form(&t, &rc, "/method135/2026-11", &form).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = post_form(&t, &rc, "/method135/2026-11", &form).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let saved = t
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'plan135.save'",
            &[],
        )
        .await;
    assert_eq!(saved, 1, "saving the same text twice is traced once");
    let (_, page) = t.get_html(&rc, "/method135/2026-11").await;
    assert!(page.contains("重点客户每周拜访"));
    // Next month's analysis shows this month's improvement measures.
    let (_, page) = t.get_html(&rc, "/method135/2026-12").await;
    assert!(page.contains("上月（2026-11）改进措施") && page.contains("提高双向互动预测覆盖"));

    // Every role's pages render.
    for (role, words) in [
        ("market_manager", vec!["市场部分析", "客户经理"]),
        ("brand_manager", vec!["品牌分析", "工业企业"]),
        ("marketing_center", vec!["县级营销部"]),
    ] {
        let c = t.login_form(&t.user_of_role(role).await).await;
        let (s, page) = t.get_html(&c, "/method135/2026-11").await;
        assert_eq!(s, StatusCode::OK, "{role}: {page}");
        for w in words {
            assert!(page.contains(w), "{role} 135 page lacks {w}");
        }
        let r = c.get(t.url("/cycle")).send().await.unwrap();
        let (s, page) = t.get_html(&c, &location(&r)).await;
        assert_eq!(s, StatusCode::OK, "{role}");
        assert!(page.contains("月度日历") && page.contains("⑥"));
        let (s, page) = t.get_html(&c, "/forecasts/2026-12").await;
        assert_eq!(s, StatusCode::OK, "{role}");
        assert!(page.contains("需求预测") && !page.contains("type=\"number\""));
        assert!(page.contains("/method135"), "menu item");
    }
    let mm = t.login_form(&t.user_of_role("market_manager").await).await;
    let (s, page) = t.get_html(&mm, "/meeting/2026-12").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("订单满足率 = Σ 实际购进量 / Σ 需求量"));
    let (s, _) = t.get_html(&mm, "/supply/2026-12").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, page) = t.get_html(&rc, "/feedback/2026-12").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("尚未发布"));
    let (_, page) = t.get_html(&rc, "/").await;
    assert!(page.contains("月度日历") && page.contains("需求预测") && !page.contains("货源平衡"));
});

// The marketing center starts the MODEL forecast from the forecast page: it runs in the
// background, the page shows its progress (polled by htmx) and then its result.
both_backends!(model_job_from_the_page, async |t: TestApp| {
    at(&t, 2026, 9, 2);
    let center = t.login_form("yxzx01").await;
    let (s, page) = t.get_html(&center, &format!("/forecasts/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("运行模型预测"), "{page}");
    let token = hidden(&page, "csrf");
    let r = center
        .post(t.url(&format!("/forecasts/{TARGET}/model")))
        .form(&[("csrf", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (s, page) = t.get_html(&center, &to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("已启动 2026-10 模型预测"), "{page}");
    let id: String = page
        .split("id=\"job-")
        .nth(1)
        .expect("the job's progress on the page")
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let mut done = String::new();
    for _ in 0..600 {
        let (s, frag) = t.get_html(&center, &format!("/jobs/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        if !frag.contains("hx-trigger=\"every 1s\"") {
            done = frag;
            break;
        }
        assert!(frag.contains("<progress"), "{frag}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        done.contains("已完成") && done.contains("模型预测完成"),
        "{done}"
    );
    let pairs = t
        .scalar_i64(
            &format!("SELECT COUNT(*) FROM forecast WHERE month = '{TARGET}' AND method = 'MODEL'"),
            &[],
        )
        .await;
    assert!(done.contains(&format!("{pairs} 对")), "{done}");
    // The page now shows the recorded run; a forged post without the token is refused.
    let (_, page) = t.get_html(&center, &format!("/forecasts/{TARGET}")).await;
    assert!(page.contains("上次完成"), "{page}");
    let (s, _) = post_form(
        &t,
        &center,
        &format!("/forecasts/{TARGET}/model"),
        &[("csrf", "x")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A rep sees neither the panel nor the job.
    let rep = t.users_of_role("account_manager").await.remove(0);
    let rc = t.login_form(&rep).await;
    let (_, page) = t.get_html(&rc, &format!("/forecasts/{TARGET}")).await;
    assert!(!page.contains("运行模型预测"));
    let (s, _) = t.get_html(&rc, &format!("/jobs/{id}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});
