//! The platform commands through the binary: migrate, user add, sim, serve.
use crate::harness::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

fn temp_db(name: &str) -> (String, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("m135-cli-{name}-{}.db", std::process::id()));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    (format!("sqlite:{}", path.display()), path)
}

#[test]
fn migrate_and_user_add() {
    let (url, _path) = temp_db("user");
    let out = m135_command()
        .args(["migrate", "--database-url", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("已迁移"));

    let add = |args: &[&str]| {
        let mut c = m135_command();
        c.args(["user", "add", "--database-url", &url]).args(args);
        c.output().unwrap()
    };
    let ok = add(&[
        "--username",
        "yx99",
        "--name",
        "测试",
        "--role",
        "marketing_center",
        "--password",
        "secret-1234",
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("已新增营销中心 yx99"));

    let dup = add(&[
        "--username",
        "yx99",
        "--name",
        "测试",
        "--role",
        "marketing_center",
        "--password",
        "secret-1234",
    ]);
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("已存在"));

    let bad_role = add(&[
        "--username",
        "yx98",
        "--name",
        "测试",
        "--role",
        "boss",
        "--password",
        "secret-1234",
    ]);
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("--role"));

    let short = add(&[
        "--username",
        "yx97",
        "--name",
        "测试",
        "--role",
        "admin",
        "--password",
        "123",
    ]);
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("至少 10 个字符"));

    let no_org = add(&[
        "--username",
        "kh97",
        "--name",
        "测试",
        "--role",
        "account_manager",
        "--password",
        "secret-1234",
    ]);
    assert!(!no_org.status.success());
    assert!(String::from_utf8_lossy(&no_org.stderr).contains("所属机构"));
}

#[test]
fn sim_then_serve() {
    let (url, _path) = temp_db("sim");
    let out = m135_command()
        .args([
            "sim",
            "--database-url",
            &url,
            "--retailers",
            "60",
            "--months",
            "13",
            "--end-month",
            "2026-10",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // What a person reads: one Chinese summary with the history, no debug dump or raw warnings.
    assert!(err.contains("已生成: 60 家零售客户"), "{err}");
    assert!(err.contains("历史预测 2026-08 至 2026-10"), "{err}");
    assert!(err.contains("2026-12 模型预测已运行"), "{err}");
    assert!(!err.contains("LoadStats") && !err.contains("WARN"), "{err}");
    // A second run refuses: the database is not empty.
    let again = m135_command()
        .args([
            "sim",
            "--database-url",
            &url,
            "--retailers",
            "60",
            "--months",
            "13",
        ])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("不是空的"));
    let bad = m135_command()
        .args(["sim", "--database-url", "mysql://x", "--retailers", "60"])
        .output()
        .unwrap();
    assert!(!bad.status.success());

    // The generated city's accounts have the demo password: `serve` refuses to start.
    let refused = m135_command()
        .args(["serve", "--database-url", &url, "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("演示密码") && err.contains("--allow-demo-passwords"),
        "{err}"
    );

    let mut child = m135_command()
        .args(["serve", "--allow-demo-passwords", "--database-url", &url])
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap()
        .trim()
        .trim_end_matches('/')
        .to_string();
    let body = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut buf = String::new();
        s.read_to_string(&mut buf).unwrap();
        buf
    })
    .join()
    .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    assert!(body.ends_with("ok"));
}
