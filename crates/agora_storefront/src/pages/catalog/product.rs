//! A product page, `/p/{id}`: its pictures (a main one chosen by a plain link, so no script is needed),
//! price, stock, shop, category trail, attributes, description, an "Add to cart" form, its wishlist button
//! ("Save", "Remove from wishlist", or for a visitor a link to sign in), "Message the seller" (a form for
//! anyone signed in but the seller, a link to sign in for a visitor), and its reviews a
//! page at a time (`?reviews=` cursor) with the forms this visitor may use. Hidden products exist only for
//! their seller and admins; everyone else gets the not-found page.
//!
//! Visitors without a session share one rendering of the page (with the first page of reviews); its form
//! carries a placeholder that each answer replaces with the visitor's own CSRF token.

use std::sync::OnceLock;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::Storefront;
use crate::catalog::{Image, Product, stars};
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::pages::wishlist::buttons::{SavedProducts, sign_in_then};
use crate::pages::{path_id, render_with};
use crate::session::Session;

use super::reviews::{Drafts, RATINGS, ReviewsPart};

#[derive(Template)]
#[template(path = "catalog/product.html")]
struct ProductPage {
    chrome: Chrome,
    product: Product,
    /// Index of the picture shown large.
    selected: usize,
    /// The visitor is the product's seller.
    is_owner: bool,
    /// The add-to-cart form's token (or the shared rendering's placeholder).
    csrf: String,
    reviews: ReviewsPart,
    ratings: [(u8, &'static str); 5],
    /// Whether the visitor saved it, for its wishlist button.
    saved: SavedProducts,
}

/// Stands for the CSRF token in the rendering shared by visitors without a session: random per process, so
/// no product text can contain it.
fn csrf_placeholder() -> &'static str {
    static PLACEHOLDER: OnceLock<String> = OnceLock::new();
    PLACEHOLDER.get_or_init(|| format!("csrf-{}", Uuid::now_v7().simple()))
}

impl ProductPage {
    fn main_image(&self) -> Option<&Image> {
        self.product.images.get(self.selected).or(self.product.images.first())
    }

    /// Whether the visitor may put it in a cart: for sale, in stock, and not their own.
    fn can_buy(&self) -> bool {
        !self.is_owner && !self.product.is_hidden() && self.product.stock.available > 0
    }

    /// `n` of five stars, for the rating choices.
    fn star_row(&self, n: &u8) -> String {
        stars(*n)
    }

    /// Where the page's forms come back to.
    fn back(&self) -> String {
        format!("/p/{}", self.product.id)
    }

    /// Whether "Message the seller" shows: not to the seller, and not on a hidden product.
    fn can_message(&self) -> bool {
        !self.is_owner && !self.product.is_hidden()
    }

    /// A visitor's "Message the seller": sign in, then back to the product.
    fn message_sign_in(&self) -> String {
        sign_in_then(&self.back())
    }

    /// The most the quantity field offers.
    fn max_quantity(&self) -> i64 {
        self.product.stock.available.clamp(1, 99)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GalleryQuery {
    /// Which picture to show large (from 0); anything else shows the first.
    image: String,
    /// Where the reviews shown start (a cursor); empty for the newest.
    reviews: String,
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    Query(query): Query<GalleryQuery>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let selected: usize = query.image.parse().unwrap_or(0);
    // A visitor without a session, on the first picture and the newest reviews, gets the page every such
    // visitor gets.
    if session.is_blank() && selected == 0 && query.reviews.is_empty() {
        let public = app.catalog.public_product(id).await?;
        if let Some(html) = public.page.get() {
            return Ok(Html(with_token(html, &session)).into_response());
        }
        let reviews = ReviewsPart::load(&app, None, &public.product, "", Drafts::default()).await;
        // Reviews that could not be asked for are not kept for everyone.
        let keep = reviews.page.is_some();
        let saved = SavedProducts::signed_out(&format!("/p/{id}"));
        let page =
            ProductPage::new(&session, public.product.clone(), 0, false, csrf_placeholder().to_owned(), reviews, saved);
        let html = Bytes::from(page.render().map_err(|e| PageError::Internal(format!("template failed: {e}")))?);
        if keep {
            let _ = public.page.set(html.clone());
        }
        return Ok(Html(with_token(&html, &session)).into_response());
    }
    product_page(&app, &session, id, selected, &query.reviews, Drafts::default(), StatusCode::OK).await
}

/// The product page as this visitor sees it, from picture `selected` and reviews from `cursor`, with the
/// forms in `drafts` as they were refused.
pub async fn product_page(
    app: &Storefront,
    session: &Session,
    id: Uuid,
    selected: usize,
    cursor: &str,
    drafts: Drafts,
    status: StatusCode,
) -> Result<Response, PageError> {
    let user = session.user();
    let product = app.catalog.product(user.as_ref().map(|u| u.access_token.as_str()), id).await?;
    let is_owner = user.as_ref().is_some_and(|u| u.user_id == product.seller.id);
    let selected = if selected < product.images.len() { selected } else { 0 };
    // Sellers keep no wishlist of their own products, and hidden ones cannot be saved.
    let back = format!("/p/{id}");
    let saved = async {
        if is_owner || product.is_hidden() {
            SavedProducts::NoButtons
        } else {
            SavedProducts::load(app, session, &[product.id], &back).await
        }
    };
    let (reviews, saved) = tokio::join!(ReviewsPart::load(app, user.as_ref(), &product, cursor, drafts), saved);
    Ok(render_with(status, &ProductPage::new(session, product, selected, is_owner, session.csrf(), reviews, saved)))
}

/// The shared rendering with the visitor's own token in its form (made now if they have none; a page
/// without the form needs none, and sets no cookie).
fn with_token(html: &Bytes, session: &Session) -> Bytes {
    match std::str::from_utf8(html) {
        Ok(text) if text.contains(csrf_placeholder()) => Bytes::from(text.replace(csrf_placeholder(), &session.csrf())),
        _ => html.clone(),
    }
}

impl ProductPage {
    fn new(
        session: &Session,
        product: Product,
        selected: usize,
        is_owner: bool,
        csrf: String,
        reviews: ReviewsPart,
        saved: SavedProducts,
    ) -> ProductPage {
        let path = format!("/p/{}", product.id);
        let chrome = Chrome::new(session, product.title.clone(), &path);
        ProductPage { chrome, product, selected, is_owner, csrf, reviews, ratings: RATINGS, saved }
    }
}
