//! The built binary: help for every command, `parse` output and exit codes.

use crate::util::{expect_code, nianbao, seed_files};

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let top = expect_code(&nianbao(dir.path(), &["--help"]), 0);
    for command in [
        "parse",
        "import",
        "search",
        "export",
        "reparse",
        "reindex",
        "verify",
        "demo-corpus",
    ] {
        assert!(top.contains(command), "--help lists {command}:\n{top}");
        let help = expect_code(&nianbao(dir.path(), &[command, "--help"]), 0);
        assert!(help.contains("Usage: nianbao"), "{command} --help:\n{help}");
    }
}

#[test]
fn parse_json_of_one_file_is_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let seed = &seed_files()[2];
    let out = nianbao(dir.path(), &["parse", seed.to_str().unwrap(), "--json"]);
    let record: serde_json::Value = serde_json::from_str(&expect_code(&out, 0)).unwrap();
    assert_eq!(record["agency"], "淄博市工业和信息化局");
    assert_eq!(record["year"], 2022);
    assert_eq!(record["requests"]["new"]["total"], 3);
}

#[test]
fn parse_json_of_several_files_is_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> = seed_files()
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    let mut args = vec!["parse", "--json"];
    args.extend(files.iter().map(String::as_str));
    let stdout = expect_code(&nianbao(dir.path(), &args), 0);
    let agencies: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["agency"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(agencies, crate::util::SEED_AGENCIES);
}

#[test]
fn parse_summary_is_readable() {
    let dir = tempfile::tempdir().unwrap();
    let seed = &seed_files()[4];
    let stdout = expect_code(&nianbao(dir.path(), &["parse", seed.to_str().unwrap()]), 0);
    assert!(stdout.contains("机关   聊城市工业和信息化局"), "{stdout}");
    assert!(stdout.contains("requests.new.total=5"), "{stdout}");
    assert!(stdout.contains("0 项未通过"), "{stdout}");
}

#[test]
fn parse_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    // A file that cannot be read: exit 1, named on stderr, the other file still parsed.
    let seed = seed_files()[0].to_str().unwrap().to_string();
    let out = nianbao(dir.path(), &["parse", "missing.txt", &seed]);
    let stdout = expect_code(&out, 1);
    assert!(stdout.contains("高青县工业和信息化局"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.txt"));

    // A file that is not a report: exit 1 with the file and the reason.
    std::fs::write(dir.path().join("blob.bin"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    let out = nianbao(dir.path(), &["parse", "blob.bin"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("blob.bin"));

    // Usage errors: exit 2.
    assert_eq!(nianbao(dir.path(), &["parse"]).status.code(), Some(2));
    assert_eq!(nianbao(dir.path(), &["frobnicate"]).status.code(), Some(2));
}

#[test]
fn warnings_are_printed_and_do_not_fail_the_parse() {
    let dir = tempfile::tempdir().unwrap();
    // A report of our own whose requests table has a row one number short.
    let text = "某县文化和旅游局\n2023年政府信息公开工作年度报告\n一、总体情况\n本年度工作平稳。\n\
                三、收到和处理政府信息公开申请情况\n\
                （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况\n\
                一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t1\n";
    std::fs::write(dir.path().join("short.txt"), text).unwrap();
    let out = nianbao(dir.path(), &["parse", "short.txt"]);
    let stdout = expect_code(&out, 0);
    assert!(stdout.contains("警告"), "{stdout}");
}
