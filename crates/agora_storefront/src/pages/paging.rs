//! Lists shown a page at a time: the cursor a list's address carries, and the link to its next page with
//! the list's filters kept.

use serde::Deserialize;

/// The query of a list without filters: where the page starts (empty for the first).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    pub cursor: String,
}

/// The next page's address: `base` with the filters that are set and the cursor; none on the last page.
pub fn next_link(base: &str, params: &[(&str, &str)], cursor: Option<String>) -> Option<String> {
    let cursor = cursor?;
    let mut pairs: Vec<(&str, &str)> = params.iter().copied().filter(|(_, v)| !v.is_empty()).collect();
    pairs.push(("cursor", &cursor));
    serde_urlencoded::to_string(&pairs).ok().map(|query| format!("{base}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::next_link;

    #[test]
    fn the_next_page_keeps_the_filters_that_are_set() {
        assert_eq!(next_link("/orders", &[], Some("a b&c".into())).as_deref(), Some("/orders?cursor=a+b%26c"));
        let params = [("q", "ann"), ("role", "")];
        assert_eq!(
            next_link("/admin/users", &params, Some("x".into())).as_deref(),
            Some("/admin/users?q=ann&cursor=x")
        );
        assert_eq!(next_link("/orders", &[], None), None);
    }
}
