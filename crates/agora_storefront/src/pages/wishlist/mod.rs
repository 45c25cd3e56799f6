//! The wishlist page, `/wishlist`, and the forms that save and remove products. The page shows the buyer's
//! saved products a page at a time with their current title, price (and the price when saved, flagged when
//! it dropped), availability and picture, a remove button and "Add to cart" where it can be bought. While
//! catalog cannot be asked it still shows what was saved, with a notice; while wishlist itself does not
//! answer it says so.

pub mod buttons;
mod saving;

pub use saving::{remove, save};

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;

use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::pages::paging::{PageQuery, next_link};
use crate::pages::{render_with, signed_in};
use crate::session::Session;
use crate::wishlist::WishlistPage;
use agora_http::client::ClientError;

#[derive(Template)]
#[template(path = "wishlist/wishlist.html")]
struct SavedPage {
    chrome: Chrome,
    /// None: the wishlist could not be shown.
    wishlist: Option<WishlistPage>,
    /// Why the wishlist cannot be shown.
    notice: String,
    first_page: Option<String>,
    next_page: Option<String>,
    /// This page's address, where its forms come back to.
    back: String,
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Query(query): Query<PageQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let back = uri.path_and_query().map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
    let first_page = (!query.cursor.is_empty()).then(|| "/wishlist".to_owned());
    let (status, wishlist, notice) = match app.wishlist.list(&user.access_token, &query.cursor).await {
        Ok(wishlist) => (StatusCode::OK, Some(wishlist), String::new()),
        Err(ClientError::Problem(problem)) if problem.status == 401 => return Err(PageError::SessionEnded),
        Err(ClientError::Problem(problem)) if problem.status == 400 || problem.status == 422 => {
            let notice = "This page of your wishlist is no longer available. Start again from the first page.";
            (StatusCode::BAD_REQUEST, None, notice.to_owned())
        }
        Err(err) => {
            tracing::warn!(error = %err, "the wishlist page is shown without the wishlist");
            let notice = "Your wishlist cannot be shown right now. Nothing is lost: please try again in a minute.";
            (StatusCode::SERVICE_UNAVAILABLE, None, notice.to_owned())
        }
    };
    let next_page = next_link("/wishlist", &[], wishlist.as_ref().and_then(|w| w.next_cursor.clone()));
    let page = SavedPage {
        chrome: Chrome::new(&session, "Your wishlist", "/wishlist"),
        wishlist,
        notice,
        first_page,
        next_page,
        back,
    };
    Ok(render_with(status, &page))
}
