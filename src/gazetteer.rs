//! The gazetteer of administrative divisions (省、市、县 with GB/T 2260 codes) and `locate`,
//! which places an agency name in it. Owns `data/gazetteer.tsv` (embedded, parsed once; see
//! data/README.md for its source). Calls only [`crate::record`]; no I/O, no network.
//!
//! Municipalities (直辖市 北京/天津/上海/重庆) have no 地级 level in the data: their districts hang
//! directly under the province. An agency of the municipality itself is `province` level, and its
//! region repeats the municipality's name as `city` (北京市, 北京市, 朝阳区), so that every
//! municipal record has a city like the others. Counties under 省直辖县级行政区划 (济源市, 仙桃市 …)
//! hang under their province and have no city.

use crate::record::{Level, Region};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The embedded table: `code<TAB>name<TAB>level<TAB>parent`, one header line.
const GAZETTEER_TSV: &str = include_str!("../data/gazetteer.tsv");

/// Agency names longer than this many chars are matched on their first chars only: real names
/// are far shorter, and this keeps `locate` linear on absurd input.
const AGENCY_CHARS_CONSIDERED: usize = 64;

/// Leading words of party and mass organisations that come before the place name
/// (中共淄博市委, 共青团高青县委员会).
const ORGANISATION_PREFIXES: [&str; 3] = ["中国共产党", "中共", "共青团"];

/// Leading words of a national body.
const NATIONAL_PREFIXES: [&str; 4] = ["中华人民共和国", "国务院", "国家", "中国"];

/// Endings of a national body's name when no place is named (教育部, 海关总署).
const NATIONAL_ENDINGS: [&str; 3] = ["部", "总署", "总局"];

/// Words that make a name local even without a place (市委组织部, 区财政局).
const LOCAL_STARTS: [&str; 9] = ["省", "市", "县", "区", "乡", "镇", "街道", "州", "旗"];

/// What follows a township name in the name of its government (某某镇人民政府, 某某街道办事处).
const TOWNSHIP_BODIES: [&str; 7] = [
    "人民政府",
    "政府",
    "办事处",
    "党委",
    "党工委",
    "人大",
    "人民代表大会",
];

/// Errors reading the gazetteer table.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GazetteerError {
    /// A row of the table that does not have the expected shape.
    #[error("gazetteer.tsv:{line}: {problem}")]
    BadRow {
        /// 1-based line of the table.
        line: usize,
        /// What is wrong with it.
        problem: String,
    },
}

/// One administrative division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Division {
    /// GB/T 2260 code, 6 digits.
    pub code: String,
    /// Full name as the gazetteer spells it (淄博市, 广西壮族自治区).
    pub name: String,
    /// `Province`, `City` or `County`.
    pub level: Level,
    /// Code of the division it belongs to; `None` for a province.
    pub parent: Option<String>,
}

/// Where an agency sits, as [`Gazetteer::locate`] found it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// Province, city, county and the most specific code.
    pub region: Region,
    /// Level of the agency itself (a township agency gets `Township` with its county's region).
    pub level: Level,
    /// Which of `"province"`, `"city"`, `"county"` came from the gazetteer rather than the text.
    pub from_gazetteer: Vec<&'static str>,
}

/// The parsed table with its lookups.
#[derive(Debug)]
pub struct Gazetteer {
    /// Every division, sorted by code.
    divisions: Vec<Division>,
    /// Code → position in `divisions`.
    by_code: HashMap<String, usize>,
    /// Full name (and a province's short form) → positions, in code order.
    by_name: HashMap<String, Vec<usize>>,
    /// Parent code → children positions; provinces under `None`.
    children: HashMap<Option<String>, Vec<usize>>,
    /// Longest key of `by_name`, in chars.
    longest_name_chars: usize,
}

impl Gazetteer {
    /// The gazetteer embedded in the binary, parsed on first use.
    pub fn global() -> &'static Gazetteer {
        static GLOBAL: OnceLock<Gazetteer> = OnceLock::new();
        GLOBAL.get_or_init(|| {
            Gazetteer::from_tsv(GAZETTEER_TSV)
                .expect("data/gazetteer.tsv is valid: the gazetteer tests parse it")
        })
    }

    /// Parses a table in the layout of `data/gazetteer.tsv` (header line first).
    pub fn from_tsv(tsv: &str) -> Result<Gazetteer, GazetteerError> {
        let mut divisions = Vec::new();
        for (i, line) in tsv.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            divisions.push(parse_row(i + 1, line)?);
        }
        divisions.sort_by(|a, b| a.code.cmp(&b.code));
        let mut by_code = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut children: HashMap<Option<String>, Vec<usize>> = HashMap::new();
        for (i, d) in divisions.iter().enumerate() {
            if by_code.insert(d.code.clone(), i).is_some() {
                return Err(GazetteerError::BadRow {
                    line: 0,
                    problem: format!("code {} appears twice", d.code),
                });
            }
            by_name.entry(d.name.clone()).or_default().push(i);
            if d.level == Level::Province {
                if let Some(short) = province_short_name(&d.name) {
                    by_name.entry(short.to_string()).or_default().push(i);
                }
            }
            children.entry(d.parent.clone()).or_default().push(i);
        }
        for d in &divisions {
            if let Some(p) = &d.parent {
                if !by_code.contains_key(p) {
                    return Err(GazetteerError::BadRow {
                        line: 0,
                        problem: format!("{} {} has unknown parent {p}", d.code, d.name),
                    });
                }
            }
        }
        let longest_name_chars = by_name.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        Ok(Gazetteer {
            divisions,
            by_code,
            by_name,
            children,
            longest_name_chars,
        })
    }

    /// The division with this 6-digit code.
    pub fn by_code(&self, code: &str) -> Option<&Division> {
        self.by_code.get(code).map(|&i| &self.divisions[i])
    }

    /// The divisions directly under `code`, in code order; the provinces for `None`.
    pub fn children(&self, code: Option<&str>) -> Vec<&Division> {
        self.children
            .get(&code.map(str::to_string))
            .map(|v| v.iter().map(|&i| &self.divisions[i]).collect())
            .unwrap_or_default()
    }

    /// Every division, in code order.
    pub fn all(&self) -> &[Division] {
        &self.divisions
    }

    /// Places an agency: the division its name starts with (longest match, then any divisions
    /// below it that follow: 山东省淄博市高青县…), disambiguated by the report text when the name
    /// is shared (朝阳区), with ancestors filled from the gazetteer. See the module header for
    /// municipalities; national bodies get `National` and an empty region; `Unknown` otherwise.
    pub fn locate(&self, agency: &str, text: &str) -> Location {
        let name: String = agency
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(AGENCY_CHARS_CONSIDERED)
            .collect();
        if name.is_empty() {
            return Location::default();
        }
        let local = ORGANISATION_PREFIXES
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .unwrap_or(&name);
        if let Some(found) = self.match_chain(local) {
            return self.location_of(found, agency, text);
        }
        if is_national(&name) {
            // A national body's local office names its place after the body's own name
            // (国家税务总局淄博市税务局).
            if let Some(found) = self.match_inside(&name) {
                return self.location_of(found, agency, text);
            }
            return Location {
                level: Level::National,
                ..Location::default()
            };
        }
        if township_body_at(&name).is_some() {
            return Location {
                level: Level::Township,
                ..Location::default()
            };
        }
        Location::default()
    }

    /// The names of `by_name` that `s` starts with, longest first, as (byte length, positions).
    fn prefix_matches<'a>(&'a self, s: &str) -> Vec<(usize, &'a [usize])> {
        let mut out = Vec::new();
        for (end, _) in s
            .char_indices()
            .skip(1)
            .chain(std::iter::once((s.len(), ' ')))
            .take(self.longest_name_chars)
        {
            if let Some(found) = s.get(..end).and_then(|p| self.by_name.get(p)) {
                out.push((end, found.as_slice()));
            }
        }
        out.reverse();
        out
    }

    /// Matches a place name at the start of `s`, then descendants named right after it.
    fn match_chain(&self, s: &str) -> Option<ChainMatch> {
        let (first_len, first) = self.prefix_matches(s).into_iter().next()?;
        let mut candidates = first.to_vec();
        let mut end = first_len;
        // Each step goes at least one level down, so three steps at most.
        for _ in 0..3 {
            let rest = s.get(end..).unwrap_or("");
            let step = self
                .prefix_matches(rest)
                .into_iter()
                .find_map(|(len, found)| {
                    let below: Vec<usize> = found
                        .iter()
                        .copied()
                        .filter(|&c| candidates.iter().any(|&a| self.is_ancestor(a, c)))
                        .collect();
                    (!below.is_empty()).then_some((len, below))
                });
            match step {
                Some((len, below)) => {
                    candidates = below;
                    end += len;
                }
                None => break,
            }
        }
        let township = self.divisions[candidates[0]].level != Level::Province
            && township_body_at(s.get(end..).unwrap_or("")).is_some();
        Some(ChainMatch {
            candidates,
            township,
        })
    }

    /// Finds the first full name of at least three chars inside `s` (not at its start).
    fn match_inside(&self, s: &str) -> Option<ChainMatch> {
        s.char_indices().skip(1).find_map(|(i, _)| {
            let rest = s.get(i..)?;
            let (len, _) = self.prefix_matches(rest).into_iter().next()?;
            let name = rest.get(..len)?;
            if name.chars().count() < 3 || self.is_short_form(name) {
                return None;
            }
            self.match_chain(rest)
        })
    }

    /// True when `name` is only a province's short form (山东), not a full name.
    fn is_short_form(&self, name: &str) -> bool {
        self.by_name
            .get(name)
            .is_some_and(|v| v.iter().all(|&i| self.divisions[i].name != name))
    }

    /// True when division `a` is a strict ancestor of division `c`.
    fn is_ancestor(&self, a: usize, c: usize) -> bool {
        let target = &self.divisions[a].code;
        let mut cur = self.divisions[c].parent.as_deref();
        // Three levels: the walk ends after at most two parents.
        for _ in 0..4 {
            match cur {
                Some(code) if code == target => return true,
                Some(code) => cur = self.by_code(code).and_then(|d| d.parent.as_deref()),
                None => return false,
            }
        }
        false
    }

    /// The division and its ancestors, most specific first.
    fn lineage(&self, i: usize) -> Vec<&Division> {
        let mut out = vec![&self.divisions[i]];
        while out.len() < 4 {
            let next = out
                .last()
                .and_then(|d| d.parent.as_deref())
                .and_then(|p| self.by_code(p));
            match next {
                Some(d) => out.push(d),
                None => break,
            }
        }
        out
    }

    /// How strongly the text points at this candidate: its ancestors' full names (2 each) and
    /// its province's short form (1) appearing in the text.
    fn text_score(&self, i: usize, text: &str) -> u32 {
        self.lineage(i)
            .iter()
            .skip(1)
            .map(|d| {
                if text.contains(d.name.as_str()) {
                    2
                } else if province_short_name(&d.name).is_some_and(|s| text.contains(s)) {
                    1
                } else {
                    0
                }
            })
            .sum()
    }

    /// Builds the location of a matched chain.
    fn location_of(&self, found: ChainMatch, agency: &str, text: &str) -> Location {
        // Highest text score wins; ties go to the lowest code (candidates are in code order).
        let mut best = found.candidates[0];
        let mut best_score = self.text_score(best, text);
        for &c in &found.candidates[1..] {
            let score = self.text_score(c, text);
            if score > best_score {
                best = c;
                best_score = score;
            }
        }
        let division = &self.divisions[best];
        let mut region = Region {
            code: Some(division.code.clone()),
            ..Region::default()
        };
        for d in self.lineage(best) {
            let slot = match d.level {
                Level::Province => &mut region.province,
                Level::City => &mut region.city,
                _ => &mut region.county,
            };
            *slot = Some(d.name.clone());
        }
        if region.city.is_none() && region.province.as_deref().is_some_and(is_municipality) {
            region.city = region.province.clone();
        }
        let written = |name: &Option<String>| {
            name.as_deref()
                .is_some_and(|n| text.contains(n) || agency.contains(n))
        };
        let mut from_gazetteer = Vec::new();
        for (part, name) in [
            ("province", &region.province),
            ("city", &region.city),
            ("county", &region.county),
        ] {
            if name.is_some() && !written(name) {
                from_gazetteer.push(part);
            }
        }
        let level = if found.township {
            Level::Township
        } else {
            division.level
        };
        Location {
            region,
            level,
            from_gazetteer,
        }
    }
}

/// Divisions sharing the name the agency starts with, and whether a township follows.
struct ChainMatch {
    /// Positions in `divisions`, in code order; never empty.
    candidates: Vec<usize>,
    /// True when the name goes on with a township body (某某镇人民政府).
    township: bool,
}

/// Parses one row `code<TAB>name<TAB>level<TAB>parent`.
fn parse_row(line: usize, row: &str) -> Result<Division, GazetteerError> {
    let bad = |problem: String| GazetteerError::BadRow { line, problem };
    let fields: Vec<&str> = row.split('\t').collect();
    let [code, name, level, parent] = fields[..] else {
        return Err(bad(format!(
            "expected 4 tab-separated fields, found {}",
            fields.len()
        )));
    };
    let is_code = |c: &str| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit());
    if !is_code(code) {
        return Err(bad(format!("expected a 6-digit code, found {code:?}")));
    }
    if name.is_empty() {
        return Err(bad("empty name".into()));
    }
    let level = match level {
        "province" => Level::Province,
        "city" => Level::City,
        "county" => Level::County,
        other => {
            return Err(bad(format!(
                "expected province, city or county, found {other:?}"
            )))
        }
    };
    let parent = match parent {
        "" => None,
        p if is_code(p) => Some(p.to_string()),
        p => {
            return Err(bad(format!(
                "expected an empty or 6-digit parent, found {p:?}"
            )))
        }
    };
    if (level == Level::Province) != parent.is_none() {
        return Err(bad("a province has no parent, and only a province".into()));
    }
    Ok(Division {
        code: code.to_string(),
        name: name.to_string(),
        level,
        parent,
    })
}

/// The short form of a province's name (山东, 内蒙古, 广西, 北京), if it has a suffix to drop.
pub fn province_short_name(name: &str) -> Option<&str> {
    const SUFFIXES: [&str; 6] = [
        "壮族自治区",
        "回族自治区",
        "维吾尔自治区",
        "自治区",
        "特别行政区",
        "省",
    ];
    SUFFIXES
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .or_else(|| is_municipality(name).then(|| name.trim_end_matches('市')))
        .filter(|s| s.chars().count() >= 2)
}

/// True for 北京市, 天津市, 上海市 and 重庆市.
fn is_municipality(name: &str) -> bool {
    matches!(name, "北京市" | "天津市" | "上海市" | "重庆市")
}

/// True when the name is that of a national body (国务院, 国家…局, 中华人民共和国…, 教育部).
fn is_national(name: &str) -> bool {
    NATIONAL_PREFIXES.iter().any(|p| name.starts_with(p))
        || (NATIONAL_ENDINGS.iter().any(|e| name.ends_with(e))
            && !LOCAL_STARTS.iter().any(|s| name.starts_with(s)))
}

/// If `s` names a township government (某某镇人民政府, 某某街道办事处) within its first chars,
/// the byte offset where the township's body begins.
fn township_body_at(s: &str) -> Option<usize> {
    for (i, c) in s.char_indices().skip(1).take(12) {
        let after = match c {
            '镇' | '乡' => s.get(i + c.len_utf8()..),
            '街' => s.get(i..).and_then(|r| r.strip_prefix("街道")),
            _ => None,
        };
        if let Some(after) = after {
            if TOWNSHIP_BODIES.iter().any(|b| after.starts_with(b)) {
                return Some(s.len() - after.len());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn seeds_dir() -> &'static Path {
        Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/seeds"
        ))
    }

    fn locate(agency: &str, text: &str) -> Location {
        Gazetteer::global().locate(agency, text)
    }

    fn parts(l: &Location) -> [Option<&str>; 3] {
        [
            l.region.province.as_deref(),
            l.region.city.as_deref(),
            l.region.county.as_deref(),
        ]
    }

    #[test]
    fn embedded_table_parses_completely() {
        let g = Gazetteer::global();
        let rows = GAZETTEER_TSV
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .count();
        assert_eq!(g.all().len(), rows);
        assert!(rows > 3000, "{rows}");
        assert_eq!(g.children(None).len(), 31);
        assert_eq!(g.by_code("370783").map(|d| d.name.as_str()), Some("寿光市"));
        assert!(g
            .children(Some("370300"))
            .iter()
            .any(|d| d.name == "高青县"));
        assert!(g.all().windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let err = Gazetteer::from_tsv("code\tname\tlevel\tparent\n11000\t北京市\tprovince\t\n")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "gazetteer.tsv:2: expected a 6-digit code, found \"11000\""
        );
        let err = Gazetteer::from_tsv("h\n110000\t北京市\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "gazetteer.tsv:2: expected 4 tab-separated fields, found 2"
        );
        let err = Gazetteer::from_tsv("h\n110101\t东城区\tcounty\t110000\n").unwrap_err();
        assert!(err.to_string().contains("unknown parent 110000"), "{err}");
    }

    #[test]
    fn seeds_match_their_expected_region_and_level() {
        let mut checked = 0;
        let mut entries: Vec<_> = std::fs::read_dir(seeds_dir())
            .expect("the seeds folder ../shared/corpus/seeds")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".expected.json"))
            .collect();
        entries.sort();
        for path in entries {
            let expected: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let txt = path.to_string_lossy().replace(".expected.json", ".txt");
            let text = std::fs::read_to_string(&txt).unwrap();
            let agency = expected["agency"].as_str().unwrap();
            let got = locate(agency, &text);
            let want = |k: &str| expected["region"][k].as_str().map(str::to_string);
            assert_eq!(got.region.province, want("province"), "{agency}");
            assert_eq!(got.region.city, want("city"), "{agency}");
            assert_eq!(got.region.county, want("county"), "{agency}");
            assert_eq!(
                serde_json::to_value(got.level).unwrap(),
                expected["level"],
                "{agency}"
            );
            let want_from: Vec<&str> = expected["_notes"]["region_from_gazetteer"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            assert_eq!(got.from_gazetteer, want_from, "{agency}");
            checked += 1;
        }
        assert_eq!(checked, 5);
    }

    #[test]
    fn seed_codes_are_the_most_specific() {
        let l = locate("卫东区工业和信息化局", "");
        assert_eq!(l.region.code.as_deref(), Some("410403"));
        let l = locate("淄博市工业和信息化局", "");
        assert_eq!(l.region.code.as_deref(), Some("370300"));
        assert_eq!(l.level, Level::City);
    }

    #[test]
    fn county_level_city_is_county() {
        let l = locate("寿光市教育局", "");
        assert_eq!(l.level, Level::County);
        assert_eq!(parts(&l), [Some("山东省"), Some("潍坊市"), Some("寿光市")]);
        assert_eq!(l.region.code.as_deref(), Some("370783"));
        assert_eq!(l.from_gazetteer, vec!["province", "city"]);
    }

    #[test]
    fn province_and_short_forms() {
        let l = locate("山东省人民政府", "");
        assert_eq!(l.level, Level::Province);
        assert_eq!(parts(&l), [Some("山东省"), None, None]);
        assert_eq!(l.region.code.as_deref(), Some("370000"));
        let l = locate("内蒙古自治区发展和改革委员会", "");
        assert_eq!(l.region.province.as_deref(), Some("内蒙古自治区"));
        let l = locate("广西教育厅", "");
        assert_eq!(l.region.province.as_deref(), Some("广西壮族自治区"));
        assert_eq!(l.from_gazetteer, vec!["province"]);
        // The city 吉林市 is longer than the short form 吉林 of the province.
        let l = locate("吉林市生态环境局", "");
        assert_eq!(l.level, Level::City);
        assert_eq!(parts(&l), [Some("吉林省"), Some("吉林市"), None]);
    }

    #[test]
    fn chained_names_narrow_the_place() {
        let l = locate("吉林省长春市朝阳区司法局", "");
        assert_eq!(l.region.code.as_deref(), Some("220104"));
        assert!(l.from_gazetteer.is_empty());
    }

    #[test]
    fn ambiguous_district_is_resolved_by_the_text() {
        let agency = "鼓楼区教育局";
        let fuzhou = locate(agency, "地址：福建省福州市鼓楼区某路1号");
        assert_eq!(
            parts(&fuzhou),
            [Some("福建省"), Some("福州市"), Some("鼓楼区")]
        );
        assert!(fuzhou.from_gazetteer.is_empty());
        let kaifeng = locate(agency, "本局按照开封市政务公开工作要点");
        assert_eq!(kaifeng.region.city.as_deref(), Some("开封市"));
        assert_eq!(kaifeng.from_gazetteer, vec!["province"]);
        let xuzhou = locate(agency, "江苏省徐州市");
        assert_eq!(xuzhou.region.code.as_deref(), Some("320302"));
        // Without any hint the lowest code wins, deterministically.
        assert_eq!(locate(agency, "").region.code.as_deref(), Some("320106"));
        let changchun = locate("朝阳区人民政府", "长春市");
        assert_eq!(changchun.region.code.as_deref(), Some("220104"));
        let beijing = locate("朝阳区人民政府", "北京市");
        assert_eq!(
            parts(&beijing),
            [Some("北京市"), Some("北京市"), Some("朝阳区")]
        );
    }

    #[test]
    fn municipality_agency_is_province_level_with_city() {
        let l = locate("北京市教育委员会", "");
        assert_eq!(l.level, Level::Province);
        assert_eq!(parts(&l), [Some("北京市"), Some("北京市"), None]);
        assert!(l.from_gazetteer.is_empty());
        let l = locate("重庆市万州区财政局", "");
        assert_eq!(l.level, Level::County);
        assert_eq!(parts(&l), [Some("重庆市"), Some("重庆市"), Some("万州区")]);
    }

    #[test]
    fn county_directly_under_province_has_no_city() {
        let l = locate("济源市自然资源和规划局", "");
        assert_eq!(l.level, Level::County);
        assert_eq!(parts(&l), [Some("河南省"), None, Some("济源市")]);
    }

    #[test]
    fn township_after_county() {
        let l = locate("高青县田镇人民政府", "");
        assert_eq!(l.level, Level::Township);
        assert_eq!(parts(&l), [Some("山东省"), Some("淄博市"), Some("高青县")]);
        assert_eq!(l.region.code.as_deref(), Some("370322"));
        assert_eq!(locate("高青县芦湖街道办事处", "").level, Level::Township);
        assert_eq!(locate("东莞市虎门镇人民政府", "").level, Level::Township);
        // 城乡 is not a township.
        assert_eq!(locate("高青县住房和城乡建设局", "").level, Level::County);
        assert_eq!(locate("某某镇人民政府", "").level, Level::Township);
    }

    #[test]
    fn national_bodies_have_no_region() {
        for agency in [
            "国务院办公厅",
            "国家统计局",
            "中华人民共和国生态环境部",
            "教育部",
            "海关总署",
        ] {
            let l = locate(agency, "北京市");
            assert_eq!(l.level, Level::National, "{agency}");
            assert_eq!(l.region, Region::default(), "{agency}");
            assert!(l.from_gazetteer.is_empty());
        }
        let l = locate("国家税务总局淄博市税务局", "");
        assert_eq!(l.level, Level::City);
        assert_eq!(l.region.city.as_deref(), Some("淄博市"));
    }

    #[test]
    fn party_prefix_is_skipped() {
        let l = locate("中共高青县委宣传部", "");
        assert_eq!(l.region.county.as_deref(), Some("高青县"));
    }

    #[test]
    fn unknown_when_nothing_matches() {
        for agency in ["市工业和信息化局", "某某单位", "区财政局", "办公室"] {
            let l = locate(agency, "山东省淄博市");
            assert_eq!(l, Location::default(), "{agency}");
        }
    }

    #[test]
    fn odd_input_does_not_panic() {
        let huge = "高".repeat(200_000);
        for agency in [
            "",
            " ",
            "\u{0}",
            "镇",
            "街道",
            "国家",
            "乡人民政府",
            "高青县镇",
            "🦀🦀🦀",
            "a\u{301}b",
            huge.as_str(),
        ] {
            let _ = locate(agency, agency);
            let _ = locate(agency, &huge);
        }
        assert_eq!(
            locate("  高青县 工业和信息化局 ", "")
                .region
                .county
                .as_deref(),
            Some("高青县")
        );
        // Pseudo-random strings built from place-name characters.
        let alphabet: Vec<char> = "高青县市区省镇乡街道国家中华人民共和北京朝阳鼓楼淄博"
            .chars()
            .collect();
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..2000 {
            let mut s = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 20) as usize;
            for k in 0..len {
                let idx = ((state >> (k % 50)) as usize) % alphabet.len();
                s.push(alphabet[idx]);
            }
            let _ = locate(&s, &s);
        }
    }
}
