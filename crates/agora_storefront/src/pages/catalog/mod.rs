//! Browsing the catalog: the home page, search, category pages and product pages with their reviews.
//! Everyone may see them; a signed-in visitor's token goes along so sellers also see their own hidden
//! products. Buyers review what was delivered to them, sellers reply, admins remove.

pub mod category;
pub mod home;
mod listing;
pub mod product;
mod results;
pub mod review_forms;
mod reviews;
pub mod search;
