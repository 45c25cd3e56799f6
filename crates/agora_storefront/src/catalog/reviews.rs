//! Reviews of a product: the public list with its rating summary, the visitor's own review and whether
//! they may write one, and posting, editing, replying (the product's seller) and removing (an admin).
//! Catalog checks every right again; a change forgets the product's cached public page.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::CatalogClient;
use super::views::paragraphs;
use agora_http::client::ClientError;

/// Reviews per page of a product's page.
pub const REVIEWS_PER_PAGE: u32 = 10;

/// A page of a product's reviews, newest first, with the summary of all of them.
#[derive(Debug, Clone, Deserialize)]
pub struct ReviewPage {
    pub summary: ReviewSummary,
    pub items: Vec<Review>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

impl ReviewPage {
    /// No reviews at all.
    pub fn empty() -> ReviewPage {
        ReviewPage {
            summary: ReviewSummary { count: 0, average: None, distribution: Vec::new() },
            items: Vec::new(),
            next_cursor: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReviewSummary {
    pub count: i64,
    /// The mean rating; none without reviews.
    #[serde(default)]
    pub average: Option<f64>,
    /// From 5 stars down to 1.
    #[serde(default)]
    pub distribution: Vec<StarCount>,
}

impl ReviewSummary {
    /// The average with one decimal ("4.3").
    pub fn average_text(&self) -> String {
        self.average.map(|a| format!("{a:.1}")).unwrap_or_default()
    }

    /// The average rounded to whole stars, for the star row.
    pub fn average_stars(&self) -> u8 {
        self.average.map(|a| a.round().clamp(0.0, 5.0) as u8).unwrap_or(0)
    }

    pub fn stars(&self) -> String {
        stars(self.average_stars())
    }

    /// "1 review", "12 reviews".
    pub fn count_text(&self) -> String {
        match self.count {
            1 => "1 review".to_owned(),
            n => format!("{n} reviews"),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct StarCount {
    pub stars: u8,
    pub count: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Review {
    pub id: Uuid,
    /// The reviewer's display name.
    pub author: String,
    pub rating: u8,
    pub body: String,
    /// RFC 3339.
    pub created_at: String,
    #[serde(default)]
    pub edited_at: Option<String>,
    #[serde(default)]
    pub reply: Option<SellerReply>,
}

impl Review {
    /// The text as paragraphs (split at blank lines) of lines, for `<p>` and `<br>`.
    pub fn paragraphs(&self) -> Vec<Vec<&str>> {
        paragraphs(&self.body)
    }

    /// The rating as a row of five stars ("★★★★☆").
    pub fn stars(&self) -> String {
        stars(self.rating)
    }
}

/// `n` of five stars filled.
pub fn stars(n: u8) -> String {
    let n = usize::from(n.min(5));
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

/// The shop's answer to a review.
#[derive(Debug, Clone, Deserialize)]
pub struct SellerReply {
    pub body: String,
    /// RFC 3339.
    pub at: String,
}

impl SellerReply {
    pub fn paragraphs(&self) -> Vec<Vec<&str>> {
        paragraphs(&self.body)
    }
}

/// What the signed-in visitor may do about reviewing a product.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MyReview {
    /// They received an order of it and have not reviewed it yet.
    #[serde(default)]
    pub eligible: bool,
    #[serde(default)]
    pub review: Option<Review>,
    /// An admin removed their review: it cannot be posted again.
    #[serde(default)]
    pub removed: bool,
}

impl CatalogClient {
    /// A page of the product's reviews (public).
    pub async fn reviews(&self, product: Uuid, cursor: &str) -> Result<ReviewPage, ClientError> {
        let mut query = vec![("limit", REVIEWS_PER_PAGE.to_string())];
        if !cursor.is_empty() {
            query.push(("cursor", cursor.to_owned()));
        }
        let path = format!("/products/{product}/reviews");
        self.api.send(self.api.request(Method::GET, &path, None).query(&query)).await
    }

    /// The caller's review of the product and whether they may write one.
    pub async fn my_review(&self, token: &str, product: Uuid) -> Result<MyReview, ClientError> {
        let path = format!("/products/{product}/reviews/mine");
        self.api.send(self.api.request(Method::GET, &path, Some(token))).await
    }

    pub async fn post_review(&self, token: &str, product: Uuid, rating: u8, body: &str) -> Result<Review, ClientError> {
        let request = self.api.request(Method::POST, &format!("/products/{product}/reviews"), Some(token));
        let outcome = self.api.send(request.json(&json!({ "rating": rating, "body": body }))).await;
        self.changed(product, outcome).await
    }

    /// The author changes their review.
    pub async fn edit_review(
        &self,
        token: &str,
        product: Uuid,
        review: Uuid,
        rating: u8,
        body: &str,
    ) -> Result<Review, ClientError> {
        let request = self.api.request(Method::PUT, &format!("/reviews/{review}"), Some(token));
        let outcome = self.api.send(request.json(&json!({ "rating": rating, "body": body }))).await;
        self.changed(product, outcome).await
    }

    /// The product's seller answers a review (once).
    pub async fn reply(&self, token: &str, product: Uuid, review: Uuid, body: &str) -> Result<Review, ClientError> {
        let request = self.api.request(Method::POST, &format!("/reviews/{review}/reply"), Some(token));
        let outcome = self.api.send(request.json(&json!({ "body": body }))).await;
        self.changed(product, outcome).await
    }

    /// An admin removes a review, with a reason if they gave one.
    pub async fn remove_review(
        &self,
        token: &str,
        product: Uuid,
        review: Uuid,
        reason: &str,
    ) -> Result<(), ClientError> {
        let mut request = self.api.request(Method::DELETE, &format!("/reviews/{review}"), Some(token));
        if !reason.trim().is_empty() {
            request = request.json(&json!({ "reason": reason.trim() }));
        }
        let outcome = self.api.send::<Option<serde_json::Value>>(request).await.map(|_| ());
        self.changed(product, outcome).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_reads_as_people_say_it() {
        let summary: ReviewSummary = serde_json::from_value(json!({
            "count": 3, "average": 4.333,
            "distribution": [{"stars": 5, "count": 2}, {"stars": 4, "count": 0}, {"stars": 3, "count": 1},
                             {"stars": 2, "count": 0}, {"stars": 1, "count": 0}],
        }))
        .unwrap();
        assert_eq!(
            (summary.average_text(), summary.average_stars(), summary.count_text()),
            ("4.3".into(), 4, "3 reviews".into())
        );
        let none: ReviewSummary = serde_json::from_value(json!({ "count": 0, "average": null })).unwrap();
        assert_eq!((none.average_text(), none.average_stars()), (String::new(), 0));
    }

    #[test]
    fn ratings_show_as_five_stars() {
        assert_eq!([0, 1, 4, 5, 9].map(stars), ["☆☆☆☆☆", "★☆☆☆☆", "★★★★☆", "★★★★★", "★★★★★"]);
    }

    #[test]
    fn a_review_splits_into_paragraphs_of_lines() {
        assert_eq!(
            paragraphs("Lovely.\nStrong.\n\n\nWould buy again.\n"),
            vec![vec!["Lovely.", "Strong."], vec!["Would buy again."]]
        );
    }
}
