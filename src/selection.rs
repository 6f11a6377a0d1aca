//! Which items a command works on: FILTER arguments pick items by file, folder or id prefix,
//! `--tags` by a Cucumber tag expression.

use crate::desired::Item;
use crate::tag_expr::{TagExpr, TagExprError};

/// FILTERs and a tag expression, checked once and applied to every item.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    filters: Vec<String>,
    tags: Option<TagExpr>,
}

impl Selector {
    pub fn new(filters: &[String], tags: Option<&str>) -> Result<Selector, TagExprError> {
        let tags = tags.map(TagExpr::parse).transpose()?;
        Ok(Selector {
            filters: filters.to_vec(),
            tags,
        })
    }

    /// Whether the FILTERs reach into `file`: an input error there concerns the selection.
    /// A file that could not be read has no items, so only its path can tell; `aspect:NAME`
    /// reaches every aspect file, since a broken one's name is unknown.
    pub fn takes_file(&self, file: &str) -> bool {
        self.filters.is_empty()
            || self.filters.iter().any(|f| {
                let f = f.trim_start_matches("./");
                match f.split_once("::") {
                    Some((path, _)) => path == file,
                    None if f.starts_with("aspect:") => file.ends_with(".md"),
                    None => {
                        let folder = f.trim_end_matches('/');
                        file == f
                            || folder.is_empty()
                            || file
                                .strip_prefix(folder)
                                .is_some_and(|rest| rest.starts_with('/'))
                    }
                }
            })
    }

    pub fn matches(&self, item: &Item) -> bool {
        matches(item, &self.filters) && self.tags.as_ref().is_none_or(|t| t.matches(&item.tags))
    }
}

/// True when `item` is picked by any of `filters` (or there are none).
pub fn matches(item: &Item, filters: &[String]) -> bool {
    filters.is_empty() || filters.iter().any(|f| matches_one(item, f))
}

fn matches_one(item: &Item, filter: &str) -> bool {
    let filter = filter.trim_start_matches("./");
    // An id names its file first, so a bare prefix like `specs/sh` would pick `specs/shop/…`;
    // only a filter that reaches into an id (`::`, `aspect:`) is matched as an id prefix.
    if filter.contains("::") || filter.starts_with("aspect:") {
        return item.id.starts_with(filter);
    }
    let folder = filter.trim_end_matches('/');
    item.file == filter
        || folder.is_empty()
        || (item.file.starts_with(folder) && item.file[folder.len()..].starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture;

    fn item(file: &str, id: &str) -> Item {
        fixture::scenario(id, file)
    }

    #[test]
    fn by_file_folder_or_id_prefix() {
        let a = item("specs/shop/buy.feature", "specs/shop/buy.feature::Buy one");
        let f = |s: &str| matches(&a, &[s.to_string()]);
        assert!(f("specs/shop/buy.feature"));
        assert!(f("specs/shop"));
        assert!(f("specs/shop/"));
        assert!(f("./specs"));
        assert!(f("specs/shop/buy.feature::Buy"));
        assert!(!f("specs/sh"));
        assert!(!f("specs/shop/buy.feature::Sell"));
        assert!(matches(&a, &[]));
        let aspect = item("aspects/a.md", "aspect:pure");
        assert!(matches(&aspect, &["aspect:pure".to_string()]));
        assert!(!matches(&aspect, &["aspect:other".to_string()]));
    }

    #[test]
    fn filters_take_the_files_they_reach() {
        let sel = Selector::new(&["specs/a.feature".into(), "more/".into()], None).unwrap();
        assert!(sel.takes_file("specs/a.feature"));
        assert!(sel.takes_file("more/x/b.feature"));
        assert!(!sel.takes_file("specs/b.feature"));
        assert!(!sel.takes_file("mores/b.feature"));
        let by_id = Selector::new(&["specs/b.feature::Buy".into()], None).unwrap();
        assert!(by_id.takes_file("specs/b.feature"));
        assert!(!by_id.takes_file("specs/a.feature"));
        let aspect = Selector::new(&["aspect:pure".into()], None).unwrap();
        assert!(aspect.takes_file("aspects/x.md"));
        assert!(!aspect.takes_file("specs/a.feature"));
        assert!(
            Selector::new(&[], Some("@fast"))
                .unwrap()
                .takes_file("specs/a.feature")
        );
    }

    #[test]
    fn a_selector_joins_filters_and_tags() {
        let mut a = item("specs/a.feature", "specs/a.feature::x");
        a.tags = vec!["@fast".into()];
        let b = item("specs/b.feature", "specs/b.feature::y");
        let sel = Selector::new(&["specs".into()], Some("@fast")).unwrap();
        assert!(sel.matches(&a));
        assert!(!sel.matches(&b));
        assert!(Selector::new(&[], Some("@a and")).is_err());
    }
}
