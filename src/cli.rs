//! The command line: one clap struct per subcommand (doc comments become `--help`), flags turned
//! into typed requests, progress bars, and plain-text renderings of the archive's structs.
//!
//! Calls the library (parse, archive, demo, web); with main.rs the only user of anyhow.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use nianbao::archive::{Archive, CsvHeaders, ExportFormat, ImportSummary, Progress};
use nianbao::index::{Condition, SearchRequest, SearchResults, Sort};
use nianbao::record::{Kind, Level, Record, Template};
use std::io::Write;
use std::path::PathBuf;

/// The default data directory, relative to where nianbao runs.
const DEFAULT_DATA: &str = "index";

/// nianbao (年报): an archive of Chinese government information-disclosure annual reports.
///
/// Without a command, serves the archive in ./index on http://127.0.0.1:8080, importing a demo
/// corpus first when the archive is empty.
#[derive(Debug, Parser)]
#[command(name = "nianbao", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse report files and print their records (no archive needed).
    Parse(ParseArgs),
    /// Import report files or directories (recursively) into the archive.
    Import(ImportArgs),
    /// Search the archive in Chinese, with filters and facet counts.
    Search(SearchArgs),
    /// Export every matching record as JSON Lines or CSV (streamed).
    Export(ExportArgs),
    /// Rebuild every record from the stored raw texts (after a parser upgrade).
    Reparse(DataArgs),
    /// Rebuild the full-text index from the stored records.
    Reindex(DataArgs),
    /// Report the archive's state: counts, store/index agreement, schema version.
    Verify(VerifyArgs),
    /// Write a deterministic demo corpus of generated reports (演示数据, not real figures).
    DemoCorpus(DemoArgs),
    /// Serve the archive as web pages with JSON twins and CSV downloads.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
struct DataArgs {
    /// Data directory of the archive.
    #[arg(long, default_value = DEFAULT_DATA, value_name = "DIR")]
    data: PathBuf,
}

#[derive(Debug, Args)]
struct ParseArgs {
    /// Report files (UTF-8 or GB18030/GBK text).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print the record as JSON: one pretty object for one file, JSON Lines for several.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// Files or directories to import.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
    /// Print the closing summary as JSON.
    #[arg(long)]
    json: bool,
}

/// Filters shared by `search` and `export`.
#[derive(Debug, Args)]
struct FilterArgs {
    /// Only this agency (exact name, e.g. 淄博市工业和信息化局).
    #[arg(long)]
    agency: Option<String>,
    /// Only this province, city or county (e.g. 山东省, 淄博市, 高青县).
    #[arg(long)]
    region: Option<String>,
    /// Only this level.
    #[arg(long, value_enum)]
    level: Option<LevelArg>,
    /// Only governments' own reports or only departments'.
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// Only this table template.
    #[arg(long, value_enum)]
    template: Option<TemplateArg>,
    /// Only this statistics year.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    year: Option<i32>,
    /// From this year (inclusive).
    #[arg(long)]
    from: Option<i32>,
    /// To this year (inclusive).
    #[arg(long)]
    to: Option<i32>,
    /// A statistic condition, e.g. 'requests.new.total>=5' (repeatable; all must hold).
    #[arg(long = "where", value_name = "KEY OP N")]
    conditions: Vec<String>,
    /// Only reports whose tables do not add up (a consistency rule fails).
    #[arg(long)]
    failed_checks: bool,
    /// Search only this narrative section (1–6).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=6))]
    section: Option<u8>,
}

#[derive(Debug, Args)]
struct SearchArgs {
    /// Words to find; "quoted" for an exact phrase, -word to exclude, OR between words.
    /// Empty lists every report that matches the filters, newest first.
    #[arg(default_value = "")]
    query: String,
    #[command(flatten)]
    filters: FilterArgs,
    /// Sort order.
    #[arg(long, value_enum)]
    sort: Option<SortArg>,
    /// Number of hits to show.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Print the results as JSON (the same structure as /search.json).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// Words to find (as in `search`); empty exports everything that matches the filters.
    #[arg(default_value = "")]
    query: String,
    #[command(flatten)]
    filters: FilterArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Jsonl)]
    format: FormatArg,
    /// CSV column names: schema keys or the template's Chinese labels.
    #[arg(long, value_enum, default_value_t = HeadersArg::Keys)]
    headers: HeadersArg,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// Number of reports.
    #[arg(long, default_value_t = 200)]
    count: usize,
    /// Random seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of reports that break one consistency rule on purpose (0–1).
    #[arg(long, default_value_t = 0.05)]
    broken_share: f64,
    /// Directory to write the reports to (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write every report in this format; by default 15 % are HTML pages, 10 % Word .docx
    /// files and the rest text.
    #[arg(long, value_enum)]
    format: Option<DemoFormatArg>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Address to listen on; the default answers only this machine.
    #[arg(long, default_value = DEFAULT_ADDR, value_name = "IP:PORT")]
    addr: std::net::SocketAddr,
    /// Enable uploads (POST /api/reports) for clients sending `Authorization: Bearer TOKEN`.
    #[arg(long, value_name = "TOKEN")]
    upload_token: Option<String>,
}

/// The default address of `serve`.
const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// Reports of the demo corpus an empty archive gets when served without a subcommand.
const DEMO_REPORTS: usize = 300;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LevelArg {
    National,
    Province,
    City,
    County,
    Township,
    Unknown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Government,
    Department,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TemplateArg {
    #[value(name = "2021")]
    T2021,
    #[value(name = "2019")]
    T2019,
    #[value(name = "pre2019")]
    Pre2019,
    Unknown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SortArg {
    Relevance,
    Newest,
    Oldest,
    Agency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Jsonl,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DemoFormatArg {
    Text,
    Html,
    Docx,
}

impl From<DemoFormatArg> for nianbao::demo::DemoFormat {
    fn from(arg: DemoFormatArg) -> Self {
        match arg {
            DemoFormatArg::Text => nianbao::demo::DemoFormat::Text,
            DemoFormatArg::Html => nianbao::demo::DemoFormat::Html,
            DemoFormatArg::Docx => nianbao::demo::DemoFormat::Docx,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum HeadersArg {
    Keys,
    Zh,
}

/// Runs a command; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        None => serve(
            ServeArgs {
                data: DataArgs {
                    data: PathBuf::from(DEFAULT_DATA),
                },
                addr: DEFAULT_ADDR.parse().expect("the default address is valid"),
                upload_token: None,
            },
            true,
        ),
        Some(Command::Serve(args)) => serve(args, false),
        Some(Command::Parse(args)) => parse(args),
        Some(Command::Import(args)) => import(args),
        Some(Command::Search(args)) => search(args),
        Some(Command::Export(args)) => export(args),
        Some(Command::Reparse(args)) => reparse(args),
        Some(Command::Reindex(args)) => reindex(args),
        Some(Command::Verify(args)) => verify(args),
        Some(Command::DemoCorpus(args)) => demo_corpus(args),
    }
}

fn open_archive(data: &DataArgs) -> Result<Archive> {
    Archive::open(&data.data)
        .with_context(|| format!("cannot open the archive in {}", data.data.display()))
}

fn parse(args: ParseArgs) -> Result<i32> {
    let mut failed = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let several = args.files.len() > 1;
    for path in &args.files {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("nianbao: {}: {e}", path.display());
                failed += 1;
                continue;
            }
        };
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        match nianbao::parse::parse(&bytes, &name) {
            Err(e) => {
                eprintln!("nianbao: {e}");
                failed += 1;
            }
            Ok(record) if args.json => {
                if several {
                    serde_json::to_writer(&mut out, &record)?;
                } else {
                    serde_json::to_writer_pretty(&mut out, &record)?;
                }
                writeln!(out)?;
            }
            Ok(record) => write_summary(&mut out, &path.display().to_string(), &record)?,
        }
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

/// A readable summary of one record: metadata, key figures, failed checks, warnings.
fn write_summary(out: &mut dyn Write, path: &str, r: &Record) -> Result<()> {
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".into());
    writeln!(out, "{path}")?;
    writeln!(out, "  机关   {}", text(&r.agency))?;
    writeln!(
        out,
        "  年度   {}",
        r.year.map_or("?".into(), |y| y.to_string())
    )?;
    writeln!(out, "  标题   {}", text(&r.title))?;
    let region: Vec<&str> = [&r.region.province, &r.region.city, &r.region.county]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .collect();
    writeln!(
        out,
        "  地区   {}",
        if region.is_empty() {
            "?".into()
        } else {
            region.join(" ")
        }
    )?;
    writeln!(
        out,
        "  层级   {}   类型 {}   模板 {}",
        serde_plain(&r.level),
        r.kind.map_or("?".into(), |k| serde_plain(&k)),
        serde_plain(&r.template)
    )?;
    writeln!(
        out,
        "  章节   {}",
        r.sections
            .iter()
            .map(|s| format!("{}、{}", s.number, s.heading))
            .collect::<Vec<_>>()
            .join(" | ")
    )?;
    let figures = nianbao::archive::key_figures(r);
    if !figures.is_empty() {
        let shown: Vec<String> = figures.iter().map(|(k, v)| format!("{k}={v}")).collect();
        writeln!(out, "  数字   {}", shown.join(" "))?;
    }
    let failed: Vec<_> = r.checks.iter().filter(|c| !c.passed).collect();
    writeln!(
        out,
        "  校验   {} 项，{} 项未通过",
        r.checks.len(),
        failed.len()
    )?;
    for c in failed {
        writeln!(out, "    ✗ {} {}", c.id, c.message)?;
    }
    for w in &r.warnings {
        writeln!(out, "  警告   {w}")?;
    }
    Ok(())
}

/// The serde name of a unit enum value (level, kind, template), as the JSON shows it.
fn serde_plain<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "?".into(),
    }
}

/// An indicatif bar behind the archive's Progress trait.
struct Bar(ProgressBar);

impl Bar {
    fn new(what: &str) -> Bar {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{what} [{{bar:30}}] {{pos}}/{{len}} files, {{per_sec}}, {{binary_bytes}}, ETA {{eta}}"
            ))
            .expect("the template is valid")
            .progress_chars("=> "),
        );
        Bar(bar)
    }
}

impl Progress for Bar {
    fn start(&self, items: u64, _bytes: u64) {
        self.0.set_length(items);
    }
    fn advance(&self, bytes: u64) {
        self.0.inc(1);
        self.0.inc_length(0);
        let _ = bytes;
    }
    fn finish(&self) {
        self.0.finish();
    }
}

fn import(args: ImportArgs) -> Result<i32> {
    let archive = open_archive(&args.data)?;
    let bar = Bar::new("importing");
    let summary = archive.import(&args.paths, &bar)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_import_summary(&summary);
    }
    Ok(if summary.failed.is_empty() { 0 } else { 1 })
}

fn print_import_summary(s: &ImportSummary) {
    println!(
        "{} files: {} imported, {} unchanged, {} new versions, {} stored with warnings, {} failed",
        s.files,
        s.imported,
        s.unchanged,
        s.new_versions,
        s.with_warnings,
        s.failed.len()
    );
    if s.skipped > 0 {
        println!(
            "{} files in the directories passed over: not reports by their extension",
            s.skipped
        );
    }
    // Each reason names its file.
    for f in &s.failed {
        eprintln!("  failed: {}", f.reason);
    }
}

fn request_from(
    query: &str,
    f: &FilterArgs,
    sort: Option<SortArg>,
    limit: usize,
) -> Result<SearchRequest> {
    let conditions = f
        .conditions
        .iter()
        .map(|c| {
            c.parse::<Condition>()
                .map_err(|e| anyhow::anyhow!("--where {c:?}: {e}"))
        })
        .collect::<Result<Vec<_>>>()?;
    let (year_from, year_to) = match f.year {
        Some(y) => (Some(y), Some(y)),
        None => (f.from, f.to),
    };
    let mut request = SearchRequest {
        q: query.to_string(),
        agency: f.agency.clone(),
        region: f.region.clone(),
        level: f.level.map(|l| match l {
            LevelArg::National => Level::National,
            LevelArg::Province => Level::Province,
            LevelArg::City => Level::City,
            LevelArg::County => Level::County,
            LevelArg::Township => Level::Township,
            LevelArg::Unknown => Level::Unknown,
        }),
        kind: f.kind.map(|k| match k {
            KindArg::Government => Kind::Government,
            KindArg::Department => Kind::Department,
        }),
        template: f.template.map(|t| match t {
            TemplateArg::T2021 => Template::T2021,
            TemplateArg::T2019 => Template::T2019,
            TemplateArg::Pre2019 => Template::Pre2019,
            TemplateArg::Unknown => Template::Unknown,
        }),
        year_from,
        year_to,
        conditions,
        failed_checks: f.failed_checks,
        section: f.section,
        limit,
        ..SearchRequest::default()
    };
    request.sort = match sort {
        Some(SortArg::Relevance) => Sort::Relevance,
        Some(SortArg::Newest) => Sort::YearDesc,
        Some(SortArg::Oldest) => Sort::YearAsc,
        Some(SortArg::Agency) => Sort::Agency,
        None if request.q.trim().is_empty() => Sort::YearDesc,
        None => Sort::Relevance,
    };
    Ok(request)
}

fn search(args: SearchArgs) -> Result<i32> {
    let request = request_from(&args.query, &args.filters, args.sort, args.limit)?;
    let archive = open_archive(&args.data)?;
    let results = archive.search(&request)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &results)?;
        writeln!(out)?;
    } else {
        write_results(&mut out, &results)?;
    }
    Ok(0)
}

/// Hits with agency, year and snippet (the HTML <b> of the snippet becomes 【】), then facets.
fn write_results(out: &mut dyn Write, results: &SearchResults) -> Result<()> {
    writeln!(out, "共 {} 份报告", results.total)?;
    for hit in &results.hits {
        writeln!(
            out,
            "\n{} {}  [{}]",
            hit.agency.as_deref().unwrap_or("?"),
            hit.year.map_or("?".into(), |y| y.to_string()),
            hit.id
        )?;
        let snippet = hit
            .snippet
            .replace("<b>", "【")
            .replace("</b>", "】")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        if !snippet.is_empty() {
            writeln!(out, "  {snippet}")?;
        }
    }
    let facets = [
        ("年度", &results.facets.year),
        ("层级", &results.facets.level),
        ("省份", &results.facets.province),
        ("机关", &results.facets.agency),
    ];
    writeln!(out)?;
    for (name, counts) in facets {
        if counts.is_empty() {
            continue;
        }
        let shown: Vec<String> = counts
            .iter()
            .map(|c| format!("{} ({})", c.value, c.count))
            .collect();
        writeln!(out, "{name}: {}", shown.join("  "))?;
    }
    Ok(())
}

fn export(args: ExportArgs) -> Result<i32> {
    let request = request_from(&args.query, &args.filters, None, 0)?;
    let archive = open_archive(&args.data)?;
    let format = match args.format {
        FormatArg::Jsonl => ExportFormat::Jsonl,
        FormatArg::Csv => ExportFormat::Csv,
    };
    let headers = match args.headers {
        HeadersArg::Keys => CsvHeaders::Keys,
        HeadersArg::Zh => CsvHeaders::Chinese,
    };
    let written = match &args.out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut writer = std::io::BufWriter::new(file);
            let n = archive.export(&request, format, headers, &mut writer)?;
            writer
                .flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
            n
        }
        None => {
            let stdout = std::io::stdout();
            let mut writer = std::io::BufWriter::new(stdout.lock());
            archive.export(&request, format, headers, &mut writer)?
        }
    };
    eprintln!("exported {written} records");
    Ok(0)
}

fn reparse(args: DataArgs) -> Result<i32> {
    let archive = open_archive(&args)?;
    let bar = Bar::new("reparsing");
    let summary = archive.reparse(&bar)?;
    print_import_summary(&summary);
    Ok(if summary.failed.is_empty() { 0 } else { 1 })
}

fn reindex(args: DataArgs) -> Result<i32> {
    let archive = open_archive(&args)?;
    let bar = Bar::new("indexing");
    let n = archive.reindex(&bar)?;
    println!("indexed {n} current records");
    Ok(0)
}

fn verify(args: VerifyArgs) -> Result<i32> {
    let archive = open_archive(&args.data)?;
    let report = archive.verify()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "schema version   {} (records v{})",
            report.schema_version, report.record_version
        );
        println!(
            "records          {} ({} current, {} agencies)",
            report.records, report.current, report.agencies
        );
        println!("rejected files   {}", report.rejected);
        println!("indexed          {}", report.indexed);
        println!(
            "on disk          store {} bytes, index {} bytes",
            report.store_bytes, report.index_bytes
        );
        println!("missing in index {}", report.missing_from_index.len());
        println!("extra in index   {}", report.extra_in_index.len());
        println!("missing raw text {}", report.missing_raw.len());
        println!("values past end  {}", report.values_past_end.len());
        println!(
            "{}",
            if report.is_consistent() {
                "consistent"
            } else {
                "INCONSISTENT"
            }
        );
    }
    Ok(if report.is_consistent() { 0 } else { 1 })
}

/// Serves the archive; with `demo_when_empty`, an empty archive first gets the demo corpus so
/// that a newcomer sees a living archive in one step.
fn serve(args: ServeArgs, demo_when_empty: bool) -> Result<i32> {
    let archive = open_archive(&args.data)?;
    if demo_when_empty && archive.counts().current == 0 {
        let dir = args.data.data.join("demo-corpus");
        println!(
            "the archive in {} is empty: importing {DEMO_REPORTS} generated demo reports (演示数据) from {}",
            args.data.data.display(),
            dir.display()
        );
        write_demo_corpus(
            &nianbao::demo::DemoOptions {
                count: DEMO_REPORTS,
                seed: 1,
                broken_share: 0.05,
                format: None,
            },
            &dir,
        )?;
        let bar = Bar::new("importing");
        let summary = archive.import(&[dir], &bar)?;
        print_import_summary(&summary);
    }
    let state = nianbao::web::WebState::new(archive, args.upload_token);
    let options = nianbao::web::ServeOptions {
        addr: args.addr,
        workers: 2,
    };
    println!(
        "serving {} on http://{}",
        args.data.data.display(),
        args.addr
    );
    actix_web::rt::System::new()
        .block_on(nianbao::web::serve(state, options))
        .with_context(|| format!("cannot serve on {}", args.addr))?;
    Ok(0)
}

/// Writes the demo reports of `options` into `dir`.
fn write_demo_corpus(options: &nianbao::demo::DemoOptions, dir: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for report in nianbao::demo::generate(options) {
        let path = dir.join(&report.file_name);
        std::fs::write(&path, &report.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn demo_corpus(args: DemoArgs) -> Result<i32> {
    if !(0.0..=1.0).contains(&args.broken_share) {
        bail!(
            "--broken-share: expected a number from 0 to 1, got {}",
            args.broken_share
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let options = nianbao::demo::DemoOptions {
        count: args.count,
        seed: args.seed,
        broken_share: args.broken_share,
        format: args.format.map(Into::into),
    };
    let bar = Bar::new("generating");
    bar.start(args.count as u64, 0);
    for report in nianbao::demo::generate(&options) {
        let path = args.out.join(&report.file_name);
        std::fs::write(&path, &report.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
        bar.advance(report.bytes.len() as u64);
    }
    bar.finish();
    println!("wrote {} reports to {}", args.count, args.out.display());
    Ok(0)
}
