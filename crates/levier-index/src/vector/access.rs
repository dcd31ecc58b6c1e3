//! Who may read a vector, decided per partition instead of per vector.
//!
//! Vectors whose documents have the same access groups and the same language form one
//! partition. A company has few such combinations, so a query turns the reader's groups and
//! language filter into one flag per partition, and the search checks a vector with one lookup
//! — inside the scan or the graph walk, so what the reader may not read is never a result nor
//! counted.

use crate::analysis::normalize_language;
use rustc_hash::FxHashMap as HashMap;

/// Normalised access groups (sorted, lowercase) and language of a set of vectors.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Partition {
    groups: Vec<String>,
    language: String,
}

/// Every partition seen, with how many live vectors each holds.
#[derive(Debug, Default)]
pub(crate) struct Partitions {
    ids: HashMap<Partition, u32>,
    list: Vec<Partition>,
    live: Vec<usize>,
}

/// What a reader may see: one flag per partition, and how many live vectors that makes.
pub(crate) struct Readable {
    allowed: Vec<bool>,
    pub(crate) count: usize,
}

impl Readable {
    pub(crate) fn allows(&self, partition: u32) -> bool {
        self.allowed[partition as usize]
    }
}

impl Partitions {
    /// The partition of a vector with these groups and language, counted as one more live
    /// vector.
    pub(crate) fn add(&mut self, groups: &[String], language: Option<&str>) -> u32 {
        let mut groups: Vec<String> = groups.iter().map(|g| normalize_group(g)).collect();
        groups.sort_unstable();
        groups.dedup();
        let key = Partition {
            groups,
            language: normalize_language(language),
        };
        let id = match self.ids.get(&key) {
            Some(id) => *id,
            None => {
                let id = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
                self.ids.insert(key.clone(), id);
                self.list.push(key);
                self.live.push(0);
                id
            }
        };
        self.live[id as usize] += 1;
        id
    }

    /// One vector of `partition` is gone.
    pub(crate) fn remove(&mut self, partition: u32) {
        self.live[partition as usize] -= 1;
    }

    /// The partitions a reader of `groups` may see, narrowed to `languages` when not empty.
    /// No groups: nothing is readable.
    pub(crate) fn readable(&self, groups: &[String], languages: &[String]) -> Readable {
        let groups: Vec<String> = groups.iter().map(|g| normalize_group(g)).collect();
        let languages: Vec<String> = languages
            .iter()
            .map(|l| normalize_language(Some(l)))
            .collect();
        let allowed: Vec<bool> = self
            .list
            .iter()
            .map(|p| {
                p.groups.iter().any(|g| groups.contains(g))
                    && (languages.is_empty() || languages.contains(&p.language))
            })
            .collect();
        let count = allowed
            .iter()
            .zip(&self.live)
            .filter(|(allowed, _)| **allowed)
            .map(|(_, live)| live)
            .sum();
        Readable { allowed, count }
    }
}

/// Group slugs compare as the lexical index compares them.
fn normalize_group(group: &str) -> String {
    group.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn readers_see_partitions_sharing_a_group_in_their_languages() {
        let mut p = Partitions::default();
        let rh = p.add(&strings(&["RH ", "direction"]), Some("fr-FR"));
        let same = p.add(&strings(&["direction", "rh"]), Some("fr"));
        let en = p.add(&strings(&["rh"]), Some("en"));
        let none = p.add(&[], Some("fr"));
        assert_eq!(rh, same);
        let r = p.readable(&strings(&["rh"]), &[]);
        assert!(r.allows(rh) && r.allows(en) && !r.allows(none));
        assert_eq!(r.count, 3);
        let fr = p.readable(&strings(&["Direction"]), &strings(&["FR"]));
        assert!(fr.allows(rh) && !fr.allows(en));
        assert_eq!(p.readable(&[], &[]).count, 0);
        p.remove(rh);
        assert_eq!(p.readable(&strings(&["rh"]), &[]).count, 2);
    }
}
