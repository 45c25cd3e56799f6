//! Full-text search and browsing. The one place the two databases really differ: PostgreSQL matches a
//! weighted `tsvector` and ranks with `ts_rank_cd`; SQLite matches its FTS5 index and ranks by how often the
//! words occur in the title (ten times the weight) and the description. Both ranks depend only on the
//! product and the query — not on the rest of the catalogue — so a page cursor keyed on (rank, id) stays
//! valid while products are added: paging neither repeats nor skips.

use agora_db::Dialect;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::products::{COLUMNS, Product, ProductRow};
use super::{dialect, uuid};
use crate::domain::CatalogError;

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    Relevance,
    Newest,
    PriceAsc,
    PriceDesc,
}

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SortKey {
    pub sort: Sort,
    /// Rank (relevance), or 0.
    pub score: f64,
    /// Creation time or price, or 0.
    pub n: i64,
    pub id: String,
}

#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Words to match (already split into words; all must match).
    pub words: Vec<String>,
    /// Materialised path of a category: it and its subcategories.
    pub category_path: Option<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub seller_id: Option<Uuid>,
    pub in_stock: bool,
    pub featured: bool,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub product: Product,
    pub score: f64,
}

#[derive(sqlx::FromRow)]
struct HitRow {
    #[sqlx(flatten)]
    product: ProductRow,
    score: f64,
}

/// Splits what a visitor typed into at most ten words (letters and digits only), so no query syntax of
/// either database can be injected. Stop words go: PostgreSQL's `english` configuration ignores them, and
/// SQLite would otherwise insist on them, so both databases find the same products.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.split(' ').any(|stop| stop == w))
        .take(10)
        .collect()
}

/// PostgreSQL's English stop words (`tsearch_data/english.stop`), separated by spaces.
const STOP_WORDS: &str = "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her \
    hers herself it its itself they them their theirs themselves what which who whom this that these \
    those am is are was were be been being have has had having do does did doing a an the and but if or \
    because as until while of at by for with about against between into through during before after \
    above below to from up down in out on off over under again further then once here there when where \
    why how all any both each few more most other some such no nor not only own same so than too very s \
    t can will just don should now";

enum Bind {
    Text(String),
    Int(i64),
    Float(f64),
}

/// SQL text with numbered placeholders and their values, built together.
#[derive(Default)]
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.text.push_str(&format!("${}", self.binds.len()));
        self
    }

    fn query<O>(&self) -> sqlx::query::QueryAs<'_, sqlx::Any, O, sqlx::any::AnyArguments<'_>>
    where
        O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut query = sqlx::query_as::<_, O>(&self.text);
        for bind in &self.binds {
            query = match bind {
                Bind::Text(t) => query.bind(t.as_str()),
                Bind::Int(i) => query.bind(*i),
                Bind::Float(f) => query.bind(*f),
            };
        }
        query
    }
}

/// `FROM … WHERE …` of every product for sale matching `filters` (the category filter only when
/// `with_category`).
fn matching(sql: &mut Sql, dialect: Dialect, filters: &Filters, with_category: bool) {
    let text = (!filters.words.is_empty()).then(|| filters.words.join(" "));
    match (&text, dialect) {
        (Some(text), Dialect::Postgres) => {
            sql.push(" FROM products p LEFT JOIN sellers s ON s.user_id = p.seller_id")
                .push(" WHERE p.search @@ plainto_tsquery('english', ")
                .bind(Bind::Text(text.clone()))
                .push(")");
        }
        (Some(_), Dialect::Sqlite) => {
            let quoted: Vec<String> = filters.words.iter().map(|w| format!("\"{w}\"")).collect();
            sql.push(" FROM product_search f JOIN products p ON p.seq = f.rowid")
                .push(" LEFT JOIN sellers s ON s.user_id = p.seller_id WHERE product_search MATCH ")
                .bind(Bind::Text(quoted.join(" ")));
        }
        (None, _) => {
            sql.push(" FROM products p LEFT JOIN sellers s ON s.user_id = p.seller_id WHERE 1 = 1");
        }
    }
    sql.push(" AND p.status = 'active' AND (s.active IS NULL OR s.active = 1)");
    if with_category && let Some(path) = &filters.category_path {
        sql.push(" AND p.category_id IN (SELECT id FROM categories WHERE path LIKE ")
            .bind(Bind::Text(format!("{path}%")))
            .push(")");
    }
    if let Some(min) = filters.min_price {
        sql.push(" AND p.price_minor >= ").bind(Bind::Int(min));
    }
    if let Some(max) = filters.max_price {
        sql.push(" AND p.price_minor <= ").bind(Bind::Int(max));
    }
    if let Some(seller) = filters.seller_id {
        sql.push(" AND p.seller_id = ").bind(Bind::Text(seller.to_string()));
    }
    if filters.in_stock {
        sql.push(" AND p.available > 0");
    }
    if filters.featured {
        sql.push(" AND p.featured = 1");
    }
}

/// The rank expression of each dialect (see the module comment); 0 without words.
fn score(sql: &mut Sql, dialect: Dialect, filters: &Filters) {
    if filters.words.is_empty() {
        sql.push(match dialect {
            Dialect::Postgres => "CAST(0 AS DOUBLE PRECISION)",
            Dialect::Sqlite => "CAST(0 AS REAL)",
        });
        return;
    }
    match dialect {
        Dialect::Postgres => {
            sql.push("CAST(ts_rank_cd(p.search, plainto_tsquery('english', ")
                .bind(Bind::Text(filters.words.join(" ")))
                .push(")) AS DOUBLE PRECISION)");
        }
        Dialect::Sqlite => {
            // highlight() marks each matched phrase with char(1); the length difference counts them.
            sql.push(
                "CAST(10 * MIN(5, LENGTH(highlight(product_search, 0, char(1), '')) - LENGTH(p.title)) \
                 + MIN(10, LENGTH(highlight(product_search, 1, char(1), '')) - LENGTH(p.description)) AS REAL)",
            );
        }
    }
}

/// One page of products matching `filters`, in `sort` order, after `after`.
pub async fn search(
    conn: &mut AnyConnection,
    filters: &Filters,
    sort: Sort,
    after: Option<&SortKey>,
    limit: i64,
) -> Result<Vec<Hit>, CatalogError> {
    let dialect = dialect(conn);
    let mut sql = Sql::default();
    sql.push(&format!("SELECT * FROM (SELECT {COLUMNS}, "));
    score(&mut sql, dialect, filters);
    sql.push(" AS score");
    matching(&mut sql, dialect, filters, true);
    sql.push(") r");
    let (column, descending) = match sort {
        Sort::Relevance => ("r.score", true),
        Sort::Newest => ("r.created_at", true),
        Sort::PriceAsc => ("r.price_minor", false),
        Sort::PriceDesc => ("r.price_minor", true),
    };
    let (cmp, direction) = if descending { ("<", "DESC") } else { (">", "ASC") };
    if let Some(key) = after {
        let value = if sort == Sort::Relevance { Bind::Float(key.score) } else { Bind::Int(key.n) };
        let again = if sort == Sort::Relevance { Bind::Float(key.score) } else { Bind::Int(key.n) };
        sql.push(&format!(" WHERE ({column} {cmp} "))
            .bind(value)
            .push(&format!(" OR ({column} = "))
            .bind(again)
            .push(&format!(" AND r.id {cmp} "))
            .bind(Bind::Text(key.id.clone()))
            .push("))");
    }
    sql.push(&format!(" ORDER BY {column} {direction}, r.id {direction} LIMIT ")).bind(Bind::Int(limit));
    let rows = sql.query::<HitRow>().fetch_all(conn).await?;
    rows.into_iter().map(|row| Ok(Hit { score: row.score, product: Product::try_from(row.product)? })).collect()
}

/// How many products match `filters` in each category, ignoring the category filter (so a visitor sees
/// what choosing another category would give).
pub async fn category_counts(conn: &mut AnyConnection, filters: &Filters) -> Result<Vec<(Uuid, i64)>, CatalogError> {
    let dialect = dialect(conn);
    let mut sql = Sql::default();
    sql.push("SELECT p.category_id, COUNT(*)");
    matching(&mut sql, dialect, filters, false);
    sql.push(" GROUP BY p.category_id");
    let query = sql.query::<(String, i64)>();
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(|(id, n)| Ok((uuid(id)?, *n))).collect()
}

impl SortKey {
    pub fn of(sort: Sort, hit: &Hit) -> SortKey {
        let n = match sort {
            Sort::Relevance => 0,
            Sort::Newest => hit.product.created_at.as_micros(),
            Sort::PriceAsc | Sort::PriceDesc => hit.product.price.amount_minor,
        };
        SortKey { sort, score: hit.score, n, id: hit.product.id.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_visitor_types_becomes_plain_words() {
        assert_eq!(words("  Green \"tea\" OR -bags* NEAR(x)"), ["green", "tea", "bags", "near", "x"]);
        assert_eq!(words("tea for the two of us"), ["tea", "two", "us"]);
        assert!(words("\"*-()").is_empty());
    }
}
