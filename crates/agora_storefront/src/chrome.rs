//! What every page's layout shows: the title, the navigation for who is signed in, the search box, the
//! cart link with its item count, for who is signed in the wishlist link, the Messages link and the bell with
//! their unread badges (and the live script that keeps them current), the CSRF token for its forms and the
//! flash message; and how pages print dates and times.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::session::{Flash, Session, Unread};

/// A link in the header.
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
}

pub struct Chrome {
    pub title: String,
    /// Asked for the form token only when a page has a form, so a signed-out visitor browsing gets no
    /// session cookie at all.
    session: Session,
    pub flash: Option<Flash>,
    /// The signed-in user's name.
    pub user_name: Option<String>,
    pub nav: Vec<NavLink>,
    /// The nav link of the current page: the longest one the path is under.
    current: Option<&'static str>,
    /// The page is the cart.
    on_cart: bool,
    /// The page is the wishlist.
    on_wishlist: bool,
    /// The words in the header's search box.
    pub search: String,
    /// Units in the cart, as the session last heard.
    pub cart_count: u32,
    /// Unread messages and notifications, as chat and notify answered for this page.
    unread: Unread,
    /// The path of the page, to mark the Messages link and the bell as current.
    path: String,
    /// A page that follows something happening elsewhere reloads itself every second (no script needed).
    pub refresh: bool,
}

impl Chrome {
    /// The layout for `session`, taking its flash message (shown once).
    pub fn new(session: &Session, title: impl Into<String>, path: &str) -> Chrome {
        let user = session.user();
        let mut nav = vec![NavLink { href: "/", label: "Home" }];
        match &user {
            None => {}
            Some(user) => {
                if user.has("seller") {
                    // "Orders" are the shop's; what the seller bought themselves are their purchases.
                    nav.push(NavLink { href: "/orders", label: "Purchases" });
                    nav.push(NavLink { href: "/sell", label: "My shop" });
                    nav.push(NavLink { href: "/sell/products", label: "Your products" });
                    nav.push(NavLink { href: "/sell/orders", label: "Orders" });
                    nav.push(NavLink { href: "/sell/overview", label: "Overview" });
                } else {
                    nav.push(NavLink { href: "/orders", label: "Orders" });
                    nav.push(NavLink { href: "/sell", label: "Sell on Agora" });
                }
                if user.has("admin") {
                    nav.push(NavLink { href: "/admin/users", label: "Users" });
                    nav.push(NavLink { href: "/admin/applications", label: "Seller applications" });
                    nav.push(NavLink { href: "/admin/categories", label: "Categories" });
                    nav.push(NavLink { href: "/admin/products", label: "All products" });
                }
                nav.push(NavLink { href: "/account", label: "Account" });
            }
        }
        let current = nav
            .iter()
            .map(|link| link.href)
            .filter(|href| path == *href || (*href != "/" && path.starts_with(&format!("{href}/"))))
            .max_by_key(|href| href.len());
        Chrome {
            title: title.into(),
            session: session.clone(),
            flash: session.take_flash(),
            user_name: user.map(|u| u.name),
            nav,
            current,
            search: String::new(),
            cart_count: session.cart_count(),
            unread: session.unread(),
            path: path.to_owned(),
            on_cart: path == "/cart",
            on_wishlist: path == "/wishlist",
            refresh: false,
        }
    }

    /// The session's form token (made on first use), for the `_csrf` field of a form.
    pub fn csrf(&self) -> String {
        self.session.csrf()
    }

    /// An RFC 3339 time as a date people read ("21 Nov 2026").
    pub fn date(&self, rfc3339: impl AsRef<str>) -> String {
        let text = rfc3339.as_ref();
        let Some((year, rest)) = text.split_once('-') else { return text.to_owned() };
        let (month, rest) = rest.split_once('-').unwrap_or(("", ""));
        let day: String = rest.chars().take(2).collect();
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let name = month.parse::<usize>().ok().and_then(|m| MONTHS.get(m.wrapping_sub(1)));
        match name {
            Some(name) => format!("{} {name} {year}", day.trim_start_matches('0')),
            None => text.to_owned(),
        }
    }

    /// An RFC 3339 time as people read it, in UTC ("21 Nov 2026, 14:05 UTC").
    pub fn time(&self, rfc3339: impl AsRef<str>) -> String {
        human_time(rfc3339.as_ref())
    }

    /// The header's cart link text: "Cart (3)".
    pub fn cart_label(&self) -> String {
        match self.cart_count {
            0 => "Cart".to_owned(),
            n => format!("Cart ({n})"),
        }
    }

    pub fn is_cart_page(&self) -> bool {
        self.on_cart
    }

    pub fn is_wishlist_page(&self) -> bool {
        self.on_wishlist
    }

    /// The unread messages badge's number; empty when there are none or chat did not say.
    pub fn messages_badge(&self) -> String {
        badge(self.unread.messages)
    }

    /// The bell's number; empty when there are none or notify did not say.
    pub fn notifications_badge(&self) -> String {
        badge(self.unread.notifications)
    }

    /// The page is about messages (the list or a conversation).
    pub fn is_messages_page(&self) -> bool {
        self.path == "/messages" || self.path.starts_with("/messages/")
    }

    pub fn is_notifications_page(&self) -> bool {
        self.path == "/notifications"
    }

    pub fn is_current(&self, href: &str) -> bool {
        self.current == Some(href)
    }
}

fn badge(count: Option<i64>) -> String {
    match count {
        Some(n) if n > 99 => "99+".to_owned(),
        Some(n) if n > 0 => n.to_string(),
        _ => String::new(),
    }
}

/// An RFC 3339 time in UTC as people read it; anything else as it is.
pub fn human_time(text: &str) -> String {
    let format = format_description!("[day padding:none] [month repr:short] [year], [hour]:[minute] UTC");
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&format).ok())
        .unwrap_or_else(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::human_time;

    #[test]
    fn times_read_in_utc() {
        assert_eq!(human_time("2026-11-21T14:05:09.123456Z"), "21 Nov 2026, 14:05 UTC");
        assert_eq!(human_time("2026-11-21T16:05:00+02:00"), "21 Nov 2026, 14:05 UTC");
        assert_eq!(human_time("soon"), "soon");
    }
}
