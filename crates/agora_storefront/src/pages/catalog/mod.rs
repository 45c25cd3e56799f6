//! Browsing the catalog: the home page, search, category pages and product pages. Everyone may see them;
//! a signed-in visitor's token goes along so sellers also see their own hidden products.

pub mod category;
pub mod home;
mod listing;
pub mod product;
mod results;
pub mod search;
