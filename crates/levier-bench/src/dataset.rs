//! Reading a BEIR-layout data set: `corpus.jsonl` (or `corpus.jsonl.gz`), `queries.jsonl`
//! (either may be gzip'd) and `qrels/SPLIT.tsv`.
//!
//! Every line is checked: a malformed one is reported with its file and line number rather
//! than skipped, so a broken evaluation file cannot silently give flattering numbers.

use crate::BenchError;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One document of the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusEntry {
    /// Its id, as the judgements name it.
    pub id: String,
    /// Its title (may be empty).
    pub title: String,
    /// Its text.
    pub text: String,
}

/// One query of the set.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Its id, as the judgements name it.
    pub id: String,
    /// What is typed.
    pub text: String,
}

/// A split's judgements: query id → (corpus id → graded relevance).
pub type Qrels = HashMap<String, HashMap<String, i32>>;

/// The queries of a split that have at least one relevant document, with their judgements,
/// in the order of `queries.jsonl`.
#[derive(Debug, Clone, Default)]
pub struct Split {
    /// The judged queries, in file order.
    pub queries: Vec<(Query, HashMap<String, i32>)>,
    /// Query ids judged in the split but absent from `queries.jsonl` (skipped).
    pub unknown_queries: usize,
}

/// The corpus file of a data set: `corpus.jsonl`, else `corpus.jsonl.gz`.
pub fn corpus_path(dir: &Path) -> Result<PathBuf, BenchError> {
    jsonl_path(dir, "corpus")
}

/// `NAME.jsonl`, else `NAME.jsonl.gz`, else an error naming both.
fn jsonl_path(dir: &Path, name: &str) -> Result<PathBuf, BenchError> {
    let plain = dir.join(format!("{name}.jsonl"));
    let gz = dir.join(format!("{name}.jsonl.gz"));
    if plain.is_file() {
        Ok(plain)
    } else if gz.is_file() {
        Ok(gz)
    } else {
        Err(BenchError::Missing {
            path: plain,
            what: format!("the data set has no {name}.jsonl nor {name}.jsonl.gz"),
        })
    }
}

/// Checks the data set's layout before anything is read, so a missing file or an unknown split
/// is reported at once rather than after indexing.
pub fn check_layout(dir: &Path, split: &str) -> Result<(), BenchError> {
    if !dir.is_dir() {
        return Err(BenchError::Missing {
            path: dir.to_path_buf(),
            what: "no such data set directory".into(),
        });
    }
    jsonl_path(dir, "corpus")?;
    jsonl_path(dir, "queries")?;
    qrels_path(dir, split)?;
    Ok(())
}

/// `qrels/SPLIT.tsv`, or an error listing the splits that exist.
pub fn qrels_path(dir: &Path, split: &str) -> Result<PathBuf, BenchError> {
    let qrels = dir.join("qrels");
    if split.is_empty() || split.contains(['/', '\\']) || split.starts_with('.') {
        return Err(BenchError::UnknownSplit {
            split: split.to_string(),
            dir: qrels,
            available: available_splits(dir),
        });
    }
    let path = qrels.join(format!("{split}.tsv"));
    if path.is_file() {
        Ok(path)
    } else {
        Err(BenchError::UnknownSplit {
            split: split.to_string(),
            dir: qrels,
            available: available_splits(dir),
        })
    }
}

/// The splits with a judgement file, sorted.
pub fn available_splits(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir.join("qrels"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    e.file_name()
                        .to_str()
                        .and_then(|n| n.strip_suffix(".tsv"))
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Reads every document of the corpus; ids must be unique.
pub fn read_corpus(dir: &Path) -> Result<Vec<CorpusEntry>, BenchError> {
    let path = jsonl_path(dir, "corpus")?;
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    for_each_json_line(&path, |line, value| {
        let malformed = |reason: String| BenchError::Malformed {
            path: path.clone(),
            line,
            reason,
        };
        let id = id_of(&value).map_err(malformed)?;
        let title = optional_text(&value, "title").map_err(malformed)?;
        let text = optional_text(&value, "text").map_err(malformed)?;
        if !ids.insert(id.clone()) {
            return Err(malformed(format!("_id {id:?} appears twice in the corpus")));
        }
        out.push(CorpusEntry { id, title, text });
        Ok(())
    })?;
    Ok(out)
}

/// Reads every query.
pub fn read_queries(dir: &Path) -> Result<Vec<Query>, BenchError> {
    let path = jsonl_path(dir, "queries")?;
    let mut out = Vec::new();
    for_each_json_line(&path, |line, value| {
        let malformed = |reason: String| BenchError::Malformed {
            path: path.clone(),
            line,
            reason,
        };
        let id = id_of(&value).map_err(malformed)?;
        let text = optional_text(&value, "text").map_err(malformed)?;
        out.push(Query { id, text });
        Ok(())
    })?;
    Ok(out)
}

/// Reads a split's judgements: a header line `query-id corpus-id score`, then one judgement a
/// line, tab-separated (any whitespace is accepted too). Blank lines are ignored.
pub fn read_qrels(dir: &Path, split: &str) -> Result<Qrels, BenchError> {
    let path = qrels_path(dir, split)?;
    let text = std::fs::read_to_string(&path).map_err(|source| BenchError::Io {
        path: path.clone(),
        source,
    })?;
    parse_qrels(&path, &text)
}

/// Parses judgements (see [`read_qrels`]).
pub fn parse_qrels(path: &Path, text: &str) -> Result<Qrels, BenchError> {
    let mut out: Qrels = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = if raw.contains('\t') {
            raw.split('\t').map(str::trim).collect()
        } else {
            raw.split_whitespace().collect()
        };
        let malformed = |reason: String| BenchError::Malformed {
            path: path.to_path_buf(),
            line,
            reason,
        };
        let [query, doc, score] = cols[..] else {
            return Err(malformed(format!(
                "expected 3 columns (query-id, corpus-id, score), found {}",
                cols.len()
            )));
        };
        if line == 1 && score.parse::<i32>().is_err() {
            continue; // the header
        }
        if query.is_empty() || doc.is_empty() {
            return Err(malformed("empty query-id or corpus-id".into()));
        }
        let score: i32 = score
            .parse()
            .map_err(|_| malformed(format!("score {score:?} is not an integer")))?;
        out.entry(query.to_string())
            .or_default()
            .insert(doc.to_string(), score);
    }
    Ok(out)
}

/// The queries of `queries` that have a relevant judgement in `qrels`, in file order.
pub fn judged_queries(queries: Vec<Query>, qrels: &Qrels) -> Split {
    let known: HashSet<&str> = queries.iter().map(|q| q.id.as_str()).collect();
    let unknown_queries = qrels
        .iter()
        .filter(|(q, judged)| judged.values().any(|r| *r > 0) && !known.contains(q.as_str()))
        .count();
    let mut seen = HashSet::new();
    let queries = queries
        .into_iter()
        .filter_map(|q| {
            let judged = qrels.get(&q.id)?;
            (judged.values().any(|r| *r > 0) && seen.insert(q.id.clone()))
                .then(|| (q, judged.clone()))
        })
        .collect();
    Split {
        queries,
        unknown_queries,
    }
}

fn open(path: &Path) -> Result<Box<dyn BufRead>, BenchError> {
    let file = std::fs::File::open(path).map_err(|source| BenchError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    Ok(Box::new(BufReader::with_capacity(1 << 16, reader)))
}

/// Calls `f` with each non-blank line's number (from 1) and JSON object.
fn for_each_json_line(
    path: &Path,
    mut f: impl FnMut(usize, serde_json::Map<String, serde_json::Value>) -> Result<(), BenchError>,
) -> Result<(), BenchError> {
    let mut reader = open(path)?;
    let mut buf = String::new();
    let mut line = 0;
    loop {
        buf.clear();
        line += 1;
        let read = reader
            .read_line(&mut buf)
            .map_err(|e| BenchError::Malformed {
                path: path.to_path_buf(),
                line,
                reason: format!("cannot be read: {e}"),
            })?;
        if read == 0 {
            return Ok(());
        }
        let text = buf.trim();
        if text.is_empty() {
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| BenchError::Malformed {
                path: path.to_path_buf(),
                line,
                reason: format!("not valid JSON: {e}"),
            })?;
        let serde_json::Value::Object(map) = value else {
            return Err(BenchError::Malformed {
                path: path.to_path_buf(),
                line,
                reason: "expected a JSON object".into(),
            });
        };
        f(line, map)?;
    }
}

/// `_id`: a non-empty string (a number is accepted and written in decimal).
fn id_of(value: &serde_json::Map<String, serde_json::Value>) -> Result<String, String> {
    match value.get("_id") {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
        Some(serde_json::Value::String(_)) => Err("_id is empty".into()),
        Some(_) => Err("_id must be a string".into()),
        None => Err("no _id".into()),
    }
}

/// A text field that may be absent or null (then empty), but not of another type.
fn optional_text(
    value: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Result<String, String> {
    match value.get(name) {
        None | Some(serde_json::Value::Null) => Ok(String::new()),
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("{name} must be a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn reads_a_small_set() {
        let tmp = tempfile::tempdir().expect("tmp");
        let d = tmp.path();
        write(
            d,
            "corpus.jsonl",
            "{\"_id\": \"d1\", \"title\": \"T\", \"text\": \"x\"}\n\n{\"_id\": 7, \"text\": \"y\"}\n",
        );
        write(
            d,
            "queries.jsonl",
            "{\"_id\": \"q1\", \"text\": \"x\"}\n{\"_id\": \"q2\", \"text\": \"y\"}\n{\"_id\": \"q3\", \"text\": \"z\"}\n",
        );
        write(
            d,
            "qrels/dev.tsv",
            "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\t7\t0\nq3\t7\t2\nq9\td1\t1\n",
        );
        check_layout(d, "dev").expect("layout");
        let corpus = read_corpus(d).expect("corpus");
        assert_eq!(corpus.len(), 2);
        assert_eq!(corpus[1].id, "7");
        assert_eq!(corpus[1].title, "");
        let qrels = read_qrels(d, "dev").expect("qrels");
        let split = judged_queries(read_queries(d).expect("queries"), &qrels);
        let ids: Vec<&str> = split.queries.iter().map(|(q, _)| q.id.as_str()).collect();
        assert_eq!(ids, ["q1", "q3"], "q2 has no relevant document");
        assert_eq!(split.queries[1].1["7"], 2);
        assert_eq!(split.unknown_queries, 1);
    }

    #[test]
    fn reads_a_gzipped_corpus() {
        let tmp = tempfile::tempdir().expect("tmp");
        let file = std::fs::File::create(tmp.path().join("corpus.jsonl.gz")).expect("create");
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        gz.write_all(b"{\"_id\": \"a\", \"title\": \"\", \"text\": \"t\"}\n")
            .expect("gz");
        gz.finish().expect("finish");
        let corpus = read_corpus(tmp.path()).expect("corpus");
        assert_eq!(corpus[0].id, "a");
    }

    #[test]
    fn malformed_lines_are_named() {
        let tmp = tempfile::tempdir().expect("tmp");
        let d = tmp.path();
        write(
            d,
            "corpus.jsonl",
            "{\"_id\": \"a\", \"text\": \"t\"}\n{\"_id\": \"b\", \"text\": \n",
        );
        let e = read_corpus(d).expect_err("line 2 is broken").to_string();
        assert!(e.contains("corpus.jsonl") && e.contains("line 2"), "{e}");

        write(d, "corpus.jsonl", "{\"_id\": \"a\"}\n{\"_id\": \"a\"}\n");
        let e = read_corpus(d).expect_err("duplicate").to_string();
        assert!(e.contains("line 2") && e.contains("twice"), "{e}");

        write(d, "corpus.jsonl", "{\"_id\": \"a\", \"text\": 3}\n");
        let e = read_corpus(d).expect_err("text type").to_string();
        assert!(
            e.contains("line 1") && e.contains("text must be a string"),
            "{e}"
        );

        write(d, "queries.jsonl", "[1]\n");
        let e = read_queries(d).expect_err("not an object").to_string();
        assert!(e.contains("queries.jsonl") && e.contains("line 1"), "{e}");

        let e = parse_qrels(
            Path::new("qrels/x.tsv"),
            "query-id\tcorpus-id\tscore\nq\td\tyes\n",
        )
        .expect_err("score")
        .to_string();
        assert!(e.contains("line 2") && e.contains("not an integer"), "{e}");
        let e = parse_qrels(Path::new("qrels/x.tsv"), "q\td\t1\nq\td\n")
            .expect_err("columns")
            .to_string();
        assert!(e.contains("line 2") && e.contains("3 columns"), "{e}");
    }

    #[test]
    fn qrels_without_header_or_with_spaces() {
        let q = parse_qrels(Path::new("x"), "q1 d1 1\r\nq1 d2 0\n").expect("qrels");
        assert_eq!(q["q1"].len(), 2);
    }

    #[test]
    fn missing_files_and_unknown_splits_are_explained() {
        let tmp = tempfile::tempdir().expect("tmp");
        let d = tmp.path();
        let e = check_layout(&d.join("nope"), "dev").expect_err("no dir");
        assert!(matches!(e, BenchError::Missing { .. }), "{e}");
        let e = check_layout(d, "dev").expect_err("no corpus").to_string();
        assert!(e.contains("corpus.jsonl"), "{e}");
        write(d, "corpus.jsonl", "");
        write(d, "queries.jsonl", "");
        write(d, "qrels/train.tsv", "");
        write(d, "qrels/dev.tsv", "");
        let e = check_layout(d, "test")
            .expect_err("no test split")
            .to_string();
        assert!(e.contains("test") && e.contains("dev, train"), "{e}");
        assert!(check_layout(d, "../dev").is_err());
        check_layout(d, "dev").expect("dev exists");
    }
}
