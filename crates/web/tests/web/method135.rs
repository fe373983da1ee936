//! The 135 method page (`/method135`, domain.md §1): the five steps, the plan saved once and the
//! improvement carried into next month's analysis, and every role's pages of the month.
use crate::harness::*;

both_backends!(plan_saved_once_and_carried, async |t: TestApp| {
    // Default clock: 2026-11-16, working month 2026-11.
    let (_, rc) = t.login_form_as(Role::AccountManager).await;
    let r = t.get(&rc, "/method135").await;
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
    let (s, _) = t.post_form(&rc, "/method135/2026-11", &form).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = t.post_form(&rc, "/method135/2026-11", &form).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        t.audit_count("plan135.save").await,
        1,
        "saving the same text twice is traced once"
    );
    let (_, page) = t.get_html(&rc, "/method135/2026-11").await;
    assert!(page.contains("重点客户每周拜访"));
    // Next month's analysis shows this month's improvement measures.
    let (_, page) = t.get_html(&rc, "/method135/2026-12").await;
    assert!(page.contains("上月（2026-11）改进措施") && page.contains("提高双向互动预测覆盖"));
});

both_backends!(every_role_pages_render, async |t: TestApp| {
    for (role, words) in [
        (Role::MarketManager, vec!["市场部分析", "客户经理"]),
        (Role::BrandManager, vec!["品牌分析", "工业企业"]),
        (Role::MarketingCenter, vec!["县级营销部"]),
    ] {
        let (_, c) = t.login_form_as(role).await;
        let role = role.code();
        let (s, page) = t.get_html(&c, "/method135/2026-11").await;
        assert_eq!(s, StatusCode::OK, "{role}: {page}");
        for w in words {
            assert!(page.contains(w), "{role} 135 page lacks {w}");
        }
        let r = t.get(&c, "/cycle").await;
        let (s, page) = t.get_html(&c, &location(&r)).await;
        assert_eq!(s, StatusCode::OK, "{role}");
        assert!(page.contains("月度日历") && page.contains("⑥"));
        let (s, page) = t.get_html(&c, "/forecasts/2026-12").await;
        assert_eq!(s, StatusCode::OK, "{role}");
        assert!(page.contains("需求预测") && !page.contains("type=\"number\""));
        assert!(page.contains("/method135"), "menu item");
    }
    let (_, mm) = t.login_form_as(Role::MarketManager).await;
    let (s, page) = t.get_html(&mm, "/meeting/2026-12").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("订单满足率 = Σ 实际购进量 / Σ 需求量"));
    let (s, _) = t.get_html(&mm, "/supply/2026-12").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, rc) = t.login_form_as(Role::AccountManager).await;
    let (s, page) = t.get_html(&rc, "/feedback/2026-12").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("尚未发布"));
    let (_, page) = t.get_html(&rc, "/").await;
    assert!(page.contains("月度日历") && page.contains("需求预测") && !page.contains("货源平衡"));
});
