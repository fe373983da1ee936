//! Staff (`/staff`, `/api/v1/staff`) and the append-only audit trail of their writes.
use crate::harness::*;

both_backends!(staff_list_by_role, async |t: TestApp| {
    // A rep sees themself and their supervisor; the admin sees everyone.
    let (rep, c) = t.login_as(Role::AccountManager).await;
    let (_, staff) = t.get_json(&c, "/api/v1/staff").await;
    let names: Vec<&str> = staff
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["username"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&rep.as_str()));
    let admin = t.login("admin").await;
    let (_, staff) = t.get_json(&admin, "/api/v1/staff").await;
    let n = t
        .scalar_i64("SELECT COUNT(*) FROM staff WHERE $1 = 1", &[1])
        .await;
    assert_eq!(staff.as_array().unwrap().len() as i64, n);
    let admin = t.login_form("admin").await;
    let (s, page) = t.get_html(&admin, "/staff").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("客户经理") && page.contains("市场经理"));
});

both_backends!(audit_trail_is_append_only, async |t: TestApp| {
    let actor = store::audit::Actor::system("test");
    let n = app::staff::NewStaff {
        username: "kh9901".into(),
        name: "测试客户经理".into(),
        role: Role::AccountManager,
        org_unit_code: None,
        supervisor_username: None,
        password: "secret-1234".into(),
    };
    // A rep without an org unit is refused, nothing is written.
    let err = app::staff::add(&t.app, &actor, &n).await.unwrap_err();
    assert!(err.to_string().contains("所属机构"));
    let area = store::repo::staff::org_units(t.db())
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.kind == "AREA")
        .unwrap();
    let n = app::staff::NewStaff {
        org_unit_code: Some(area.code.clone()),
        ..n
    };
    app::staff::add(&t.app, &actor, &n).await.unwrap();
    let dup = app::staff::add(&t.app, &actor, &n).await.unwrap_err();
    assert!(dup.to_string().contains("已存在"));
    let trail = store::audit::for_entity(t.db(), "staff", "kh9901", 10)
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, "create");
    assert!(trail[0].before_json.is_none());
    assert!(
        trail[0]
            .after_json
            .as_deref()
            .unwrap()
            .contains("测试客户经理")
    );
    assert!(
        !trail[0].after_json.as_deref().unwrap().contains("argon2"),
        "the password hash is not traced"
    );
    // The new person can sign in.
    t.login_with("kh9901", "secret-1234").await;
    let upd = store::on_db!(t.db(), p => sqlx::query("UPDATE audit_log SET actor = 'x'").execute(p).await.map(|_| ()));
    assert!(upd.is_err(), "audit_log must refuse updates");
    let del = store::on_db!(t.db(), p => sqlx::query("DELETE FROM audit_log").execute(p).await.map(|_| ()));
    assert!(del.is_err(), "audit_log must refuse deletes");
});
