//! The archive over the five seeds: import, search with filters and facets, versions, export
//! round trips, and a kill -9 in the middle of an import. Also same-named agencies of two
//! places (reports of our own writing, tests/support/report.rs).

use crate::support::report;
use crate::util::{expect_code, nianbao, seed_files, SEED_AGENCIES};
use nianbao::archive::{Archive, CsvHeaders, ExportFormat, Silent};
use nianbao::index::{SearchRequest, SearchResults, Sort};
use nianbao::record::Record;
use std::collections::BTreeMap;
use std::path::Path;

fn seeded_archive(dir: &Path) -> Archive {
    let archive = Archive::open(dir).expect("archive opens");
    let summary = archive
        .import(&seed_files(), &Silent)
        .expect("seeds import");
    assert_eq!(summary.imported, 5, "{summary:?}");
    assert!(summary.failed.is_empty(), "{summary:?}");
    archive
}

fn search(archive: &Archive, request: SearchRequest) -> SearchResults {
    archive
        .search(&SearchRequest {
            limit: 20,
            ..request
        })
        .expect("search runs")
}

/// The seed numbers (0–4) of the hits, in rank order.
fn seed_numbers(results: &SearchResults) -> Vec<usize> {
    results
        .hits
        .iter()
        .map(|h| {
            let agency = h.agency.as_deref().unwrap_or("");
            SEED_AGENCIES
                .iter()
                .position(|a| *a == agency)
                .unwrap_or_else(|| panic!("unknown agency {agency}"))
        })
        .collect()
}

#[test]
fn phrase_search_finds_punctuated_and_split_forms_and_ranks_exact_first() {
    let dir = tempfile::tempdir().unwrap();
    let archive = seeded_archive(dir.path());
    let results = search(
        &archive,
        SearchRequest {
            q: "建议提案".into(),
            ..Default::default()
        },
    );
    let found = seed_numbers(&results);
    let mut sorted = found.clone();
    sorted.sort();
    assert_eq!(sorted, [0, 2, 3, 4], "hits {found:?}");
    assert_eq!(results.total, 4);
    // 000, 002 and 003 contain the phrase (建议提案 or 建议、提案); 004 only both words apart.
    assert_eq!(found[3], 4, "004 must rank last: {found:?}");
    assert!(
        results.hits.iter().all(|h| h.snippet.contains("<b>")),
        "snippets highlight"
    );
}

#[test]
fn filters_and_facets() {
    let dir = tempfile::tempdir().unwrap();
    let archive = seeded_archive(dir.path());

    let by_year = search(
        &archive,
        SearchRequest {
            year_from: Some(2024),
            year_to: Some(2024),
            ..Default::default()
        },
    );
    let mut found = seed_numbers(&by_year);
    found.sort();
    assert_eq!(found, [0, 1, 3]);

    let stat = search(
        &archive,
        SearchRequest {
            conditions: vec!["requests.new.total>=1".parse().unwrap()],
            ..Default::default()
        },
    );
    let mut found = seed_numbers(&stat);
    found.sort();
    assert_eq!(found, [2, 4]);

    let all = search(&archive, SearchRequest::default());
    assert_eq!(all.total, 5);
    let years: BTreeMap<&str, u64> = all
        .facets
        .year
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(
        years,
        BTreeMap::from([("2022", 1), ("2023", 1), ("2024", 3)])
    );
    let provinces: BTreeMap<&str, u64> = all
        .facets
        .province
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(
        provinces,
        BTreeMap::from([("山东省", 3), ("河北省", 1), ("河南省", 1)])
    );
    // An empty query lists newest first.
    let newest: Vec<i32> = all.hits.iter().filter_map(|h| h.year).collect();
    assert!(newest.windows(2).all(|w| w[0] >= w[1]), "{newest:?}");

    let region = search(
        &archive,
        SearchRequest {
            region: Some("淄博市".into()),
            ..Default::default()
        },
    );
    let mut found = seed_numbers(&region);
    found.sort();
    assert_eq!(found, [0, 2]);
}

#[test]
fn reimport_changes_nothing_and_a_changed_file_is_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let archive = seeded_archive(dir.path());
    let again = archive.import(&seed_files(), &Silent).unwrap();
    assert_eq!(
        (again.imported, again.unchanged, again.new_versions),
        (0, 5, 0),
        "{again:?}"
    );

    // A corrected re-publication of 000: same agency and year, other bytes.
    let corrected = dir.path().join("000_corrected.txt");
    let mut bytes = std::fs::read(&seed_files()[0]).unwrap();
    bytes.extend_from_slice("\n（本报告于次年更正后重新发布。）\n".as_bytes());
    std::fs::write(&corrected, &bytes).unwrap();
    let summary = archive
        .import(std::slice::from_ref(&corrected), &Silent)
        .unwrap();
    assert_eq!(summary.new_versions, 1, "{summary:?}");

    let all = search(&archive, SearchRequest::default());
    assert_eq!(all.total, 5, "the older version leaves the index");
    let current = all
        .hits
        .iter()
        .find(|h| h.agency.as_deref() == Some(SEED_AGENCIES[0]))
        .unwrap();
    let report = archive.report(&current.id).unwrap().unwrap();
    assert_eq!(report.versions.len(), 2);
    assert!(report.is_current);
    let older = archive.report(&report.versions[0].id).unwrap().unwrap();
    assert!(!older.is_current, "the older version stays reachable");
    assert!(archive.verify().unwrap().is_consistent());
}

/// An import reads, parses and stores its files in chunks on separate threads; of two versions
/// of one report in one import, the later file is current even when the two are chunks apart.
#[test]
fn of_two_versions_chunks_apart_in_one_import_the_later_file_is_current() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let original = std::fs::read(&seed_files()[0]).unwrap();
    std::fs::write(corpus.join("000_original.txt"), &original).unwrap();
    // More files between the two than one chunk of an import holds (256).
    for i in 0..300 {
        let agency = format!("北京市海淀区第{i}办公室");
        std::fs::write(
            corpus.join(format!("100_{i:03}.txt")),
            report::text_of(&agency, "北京市海淀区"),
        )
        .unwrap();
    }
    let mut corrected = original.clone();
    corrected.extend_from_slice("\n（本报告于次年更正后重新发布。）\n".as_bytes());
    std::fs::write(corpus.join("zzz_corrected.txt"), &corrected).unwrap();

    let archive = Archive::open(&dir.path().join("data")).unwrap();
    let summary = archive.import(&[corpus], &Silent).unwrap();
    assert_eq!(summary.files, 302, "{summary:?}");
    assert!(summary.failed.is_empty(), "{summary:?}");

    let found = search(
        &archive,
        SearchRequest {
            agency: Some(SEED_AGENCIES[0].to_string()),
            ..SearchRequest::default()
        },
    );
    assert_eq!(found.total, 1, "only the current version is indexed");
    let current = archive.report(&found.hits[0].id).unwrap().unwrap();
    assert!(current.is_current);
    assert_eq!(current.record.source.file, "zzz_corrected.txt");
    assert_eq!(current.versions.len(), 2);
}

/// The name both places' district governments go by.
pub const CHAOYANG: &str = "朝阳区人民政府";
/// GB/T 2260 codes of 北京市朝阳区 and 长春市朝阳区.
pub const BEIJING_CHAOYANG: &str = "110105";
/// See [`BEIJING_CHAOYANG`].
pub const CHANGCHUN_CHAOYANG: &str = "220104";

/// Writes two 2023 reports of a 朝阳区人民政府 into `dir`, one naming 北京市朝阳区 and one
/// 吉林省长春市朝阳区 (the gazetteer places a shared name by the places its text names), and
/// returns their paths in that order.
pub fn write_chaoyang_reports(dir: &Path) -> Vec<std::path::PathBuf> {
    [
        ("beijing.txt", "北京市朝阳区"),
        ("changchun.txt", "吉林省长春市朝阳区"),
    ]
    .into_iter()
    .map(|(file, place)| {
        let path = dir.join(file);
        std::fs::write(&path, report::text_of(CHAOYANG, place)).expect("write a report");
        path
    })
    .collect()
}

/// Same-named agencies of two places are two agencies, not two versions of one report.
/// Issue 3: a 100k import took 12,351 reports for new versions of other places' reports.
#[test]
fn issue_3_same_named_agencies_of_two_places_are_two_agencies() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_chaoyang_reports(dir.path());
    let archive = Archive::open(&dir.path().join("data")).unwrap();
    let summary = archive.import(&files, &Silent).unwrap();
    assert_eq!(
        (summary.imported, summary.new_versions),
        (2, 0),
        "{summary:?}"
    );

    let hits = search(
        &archive,
        SearchRequest {
            agency: Some(CHAOYANG.into()),
            ..Default::default()
        },
    );
    assert_eq!(hits.total, 2, "both are current and indexed");
    let mut codes = Vec::new();
    for hit in &hits.hits {
        let report = archive.report(&hit.id).unwrap().unwrap();
        assert_eq!(report.versions.len(), 1, "{:?}", report.versions);
        assert!(report.is_current);
        codes.push(report.record.region.code.clone().unwrap_or_default());
    }
    codes.sort();
    assert_eq!(codes, [BEIJING_CHAOYANG, CHANGCHUN_CHAOYANG]);

    let verify = archive.verify().unwrap();
    assert_eq!((verify.agencies, verify.current), (2, 2), "{verify:?}");
    assert!(verify.is_consistent(), "{verify:?}");

    let places = archive.agency_places(CHAOYANG).unwrap();
    let cities: Vec<Option<&str>> = places.iter().map(|p| p.region.city.as_deref()).collect();
    assert_eq!(cities, [Some("北京市"), Some("长春市")]);
    let changchun = archive
        .agency_history(CHAOYANG, Some(CHANGCHUN_CHAOYANG))
        .unwrap()
        .unwrap();
    assert_eq!(changchun.years.len(), 1);
    assert_eq!(
        changchun.years[0].id.as_deref(),
        Some(nianbao::parse::source_id(&std::fs::read(&files[1]).unwrap()).as_str())
    );
    assert!(
        archive.agency_history(CHAOYANG, None).unwrap().is_none(),
        "no 朝阳区人民政府 without a place"
    );
}

#[test]
fn export_round_trips_as_jsonl_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let archive = seeded_archive(dir.path());
    let request = SearchRequest {
        sort: Sort::Agency,
        ..Default::default()
    };

    let mut jsonl = Vec::new();
    let n = archive
        .export(&request, ExportFormat::Jsonl, CsvHeaders::Keys, &mut jsonl)
        .unwrap();
    assert_eq!(n, 5);
    for line in String::from_utf8(jsonl).unwrap().lines() {
        let back: Record = serde_json::from_str(line).unwrap();
        let stored = archive.report(&back.id).unwrap().unwrap().record;
        assert_eq!(back, stored);
    }

    let mut csv_bytes = Vec::new();
    archive
        .export(
            &request,
            ExportFormat::Csv,
            CsvHeaders::Keys,
            &mut csv_bytes,
        )
        .unwrap();
    assert!(
        csv_bytes.starts_with(b"\xEF\xBB\xBF"),
        "CSV starts with a BOM for Excel"
    );
    let mut reader = csv::Reader::from_reader(&csv_bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    let mut rows = 0;
    for row in reader.records() {
        let row = row.unwrap();
        rows += 1;
        let id = &row[0];
        let stored = archive.report(id).unwrap().unwrap().record;
        for (key, cell) in headers.iter().zip(row.iter()) {
            if key == "failed_checks" {
                continue;
            }
            let expected = match stored.get(key) {
                None => String::new(),
                Some(serde_json::Value::String(s)) => s,
                Some(v) => v.to_string(),
            };
            assert_eq!(cell, expected, "{id} column {key}");
        }
    }
    assert_eq!(rows, 5);

    let mut zh = Vec::new();
    archive
        .export(&request, ExportFormat::Csv, CsvHeaders::Chinese, &mut zh)
        .unwrap();
    let zh = String::from_utf8(zh).unwrap();
    assert!(zh
        .lines()
        .next()
        .unwrap()
        .contains("本年新收政府信息公开申请数量-自然人"));
}

#[test]
fn cli_import_search_export() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let seeds = crate::util::seeds_dir();
    let out = nianbao(
        dir.path(),
        &["import", seeds.to_str().unwrap(), "--data", data],
    );
    let stdout = expect_code(&out, 0);
    assert!(stdout.contains("5 imported"), "{stdout}");

    let out = nianbao(
        dir.path(),
        &["search", "建议提案", "--data", data, "--json"],
    );
    let results: serde_json::Value = serde_json::from_str(&expect_code(&out, 0)).unwrap();
    assert_eq!(results["total"], 4);

    let out = nianbao(
        dir.path(),
        &["search", "--where", "requests.new.total>=1", "--data", data],
    );
    let text = expect_code(&out, 0);
    assert!(
        text.contains("共 2 份报告")
            && text.contains("淄博市工业和信息化局")
            && text.contains("聊城市工业和信息化局"),
        "{text}"
    );

    let out = nianbao(
        dir.path(),
        &["search", "--where", "requests.nonsense>1", "--data", data],
    );
    assert_eq!(out.status.code(), Some(2), "a bad --where is a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("requests.nonsense"));

    let out = nianbao(
        dir.path(),
        &[
            "export", "--format", "csv", "--year", "2024", "--data", data,
        ],
    );
    let csv = expect_code(&out, 0);
    assert_eq!(csv.lines().count(), 4, "header + three 2024 reports");

    let out = nianbao(dir.path(), &["verify", "--data", data, "--json"]);
    let report: serde_json::Value = serde_json::from_str(&expect_code(&out, 0)).unwrap();
    assert_eq!(report["current"], 5);
    assert_eq!(report["indexed"], 5);
}

#[test]
fn second_process_gets_a_clear_lock_message() {
    let dir = tempfile::tempdir().unwrap();
    let _held = Archive::open(dir.path()).unwrap();
    let out = nianbao(
        dir.path(),
        &["verify", "--data", dir.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("open in another process"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Kill -9 an import of generated reports mid-way, rerun it, and check that nothing is lost,
/// nothing duplicated, and store and index agree.
#[test]
fn import_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let data = dir.path().join("data");
    let count = 2000;
    let out = nianbao(
        dir.path(),
        &[
            "demo-corpus",
            "--count",
            &count.to_string(),
            "--seed",
            "7",
            "--out",
            corpus.to_str().unwrap(),
        ],
    );
    expect_code(&out, 0);

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "import",
            corpus.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import is visibly under way, then kill it without warning.
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(120) {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let stored = std::fs::read_dir(data.join("store"))
            .map(|d| d.count())
            .unwrap_or(0);
        if stored > 0 && started.elapsed() > std::time::Duration::from_secs(3) {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    let out = nianbao(
        dir.path(),
        &[
            "import",
            corpus.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--json",
        ],
    );
    let summary: serde_json::Value = serde_json::from_str(&expect_code(&out, 0)).unwrap();
    let done = summary["imported"].as_u64().unwrap()
        + summary["unchanged"].as_u64().unwrap()
        + summary["new_versions"].as_u64().unwrap();
    assert_eq!(done, count as u64, "{summary}");

    let out = nianbao(
        dir.path(),
        &["verify", "--data", data.to_str().unwrap(), "--json"],
    );
    let report: serde_json::Value = serde_json::from_str(&expect_code(&out, 0)).unwrap();
    assert_eq!(report["records"], count as u64, "{report}");
    assert_eq!(report["indexed"], report["current"], "{report}");
    assert_eq!(report["missing_from_index"].as_array().unwrap().len(), 0);
    assert_eq!(report["extra_in_index"].as_array().unwrap().len(), 0);
}

#[test]
fn a_clean_close_is_marked_and_an_open_archive_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("closed-cleanly");
    {
        let archive = seeded_archive(dir.path());
        assert!(!marker.exists(), "an open archive is not marked clean");
        drop(archive);
    }
    assert!(marker.exists(), "a dropped archive is marked clean");
    let archive = Archive::open(dir.path()).unwrap();
    assert!(!marker.exists());
    assert!(archive.verify().unwrap().is_consistent());
}

/// Bytes of the store's value files.
fn value_file_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir.join("store").join("values"))
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .sum()
}

#[test]
fn reparse_gives_back_replaced_records_and_verify_names_a_shortened_value_file() {
    let dir = tempfile::tempdir().unwrap();
    let archive = seeded_archive(dir.path());
    let before = value_file_bytes(dir.path());
    // Reparse writes every record again; the old copies are garbage it must give back.
    archive.reparse(&Silent).unwrap();
    assert!(
        value_file_bytes(dir.path()) <= before,
        "{} > {before}",
        value_file_bytes(dir.path())
    );
    assert!(archive.verify().unwrap().is_consistent());

    // As a crash may leave it: the newest value file lost its last bytes.
    let newest = std::fs::read_dir(dir.path().join("store").join("values"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .max()
        .unwrap();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&newest)
        .unwrap();
    file.set_len(file.metadata().unwrap().len() - 10).unwrap();
    let report = archive.verify().unwrap();
    assert_eq!(report.values_past_end.len(), 1, "{report:?}");
    assert!(!report.is_consistent());
}
