//! After the sale over plain HTTP: the seller's order list and order page, shipping and delivering, what
//! the buyer then reads on their order, cancelling (by the buyer, refunded) and the actions order refuses,
//! told on the page.

use crate::market::Market;
use crate::support::Visitor;

/// Ken's shop with one product, a buyer who paid for two of it, and Ken signed in; answers the order's id.
async fn paid_order(market: &Market) -> (Visitor, Visitor, String) {
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let sencha = market.product(&ken, "Kettle Corner", "Sencha leaves", 850, 10).await;
    let buyer = market.buyer("ada@example.com").await;
    let order = buyer.buy(sencha, "2").await;
    (market.signed_in("ken@example.com").await, buyer, order)
}

/// Where `needle` is in `html`, for checking the order of things.
fn at(html: &str, needle: &str) -> usize {
    html.find(needle).unwrap_or_else(|| panic!("no {needle:?} in {html}"))
}

#[tokio::test]
async fn a_seller_ships_and_delivers_from_the_order_page_and_the_buyer_reads_the_tracking_and_timeline() {
    let market = Market::start().await;
    let (seller, buyer, order) = paid_order(&market).await;
    let path = format!("/sell/orders/{order}");

    let list = seller.page("/sell/orders").await;
    assert!(list.contains(&format!("href=\"{path}\"")) && list.contains("2 × Sencha leaves"), "{list}");
    assert!(list.contains("17.00 EUR") && list.contains(">To ship</span>"), "{list}");
    assert!(seller.page("/sell/orders?status=paid").await.contains(&path), "under “To ship”");
    let shipped_tab = seller.page("/sell/orders?status=shipped").await;
    assert!(!shipped_tab.contains(&path) && shipped_tab.contains("No orders here"), "{shipped_tab}");
    assert!(shipped_tab.contains("href=\"/sell/orders?status=shipped\" aria-current=\"page\""));

    let page = seller.page(&path).await;
    assert!(page.contains("Ship to") && page.contains("SW1Y 4JH London"), "the address to send it to: {page}");
    assert!(page.contains(">Mark as shipped</button>") && page.contains(">Cancel order</button>"));
    assert!(!page.contains("Mark as delivered"), "not before it is shipped");

    let fields = [("carrier", "DHL"), ("tracking_number", "JD014600006281")];
    let shipped = seller.submit(&path, &format!("{path}/ship"), &fields).await;
    assert_eq!((shipped.status().as_u16(), shipped.headers()["location"].to_str().unwrap()), (303, path.as_str()));
    let page = seller.page(&path).await;
    assert!(page.contains("Shipped with DHL, tracking number JD014600006281."), "{page}");
    assert!(page.contains(">Mark as delivered</button>") && !page.contains(">Mark as shipped</button>"));
    assert!(!page.contains(">Cancel order</button>"), "a shipped order cannot be cancelled");

    let delivered = seller.submit(&path, &format!("{path}/deliver"), &[]).await;
    assert_eq!(delivered.status(), 303);
    let page = seller.page(&path).await;
    assert!(page.contains("Marked as delivered.") && page.contains(">Delivered</span>"), "{page}");
    assert!(!page.contains("<form method=\"post\" action=\"/sell/orders/"), "nothing left to do: {page}");

    let mine = buyer.page(&format!("/orders/{order}")).await;
    assert!(mine.contains(">Delivered</span>") && mine.contains("with DHL"), "{mine}");
    assert!(mine.contains("Tracking number <strong class=\"tracking-number\">JD014600006281</strong>"), "{mine}");
    let timeline = &mine[at(&mine, "class=\"timeline\"")..];
    assert!(
        at(timeline, ">Paid<") < at(timeline, ">Shipped<") && at(timeline, ">Shipped<") < at(timeline, ">Delivered<")
    );
    assert!(mine.contains("Review “Sencha leaves”"), "a delivered product can be reviewed: {mine}");
    assert!(!mine.contains("Cancel this order"));
}

#[tokio::test]
async fn actions_order_refuses_come_back_as_messages_on_the_order_page() {
    let market = Market::start().await;
    let (seller, buyer, order) = paid_order(&market).await;
    let path = format!("/sell/orders/{order}");

    let blank = seller.submit(&path, &format!("{path}/ship"), &[("carrier", " "), ("tracking_number", "JD01")]).await;
    assert_eq!(blank.status(), 422);
    let html = blank.text().await.unwrap();
    assert!(html.contains("id=\"carrier-error\"") && html.contains("value=\"JD01\""), "kept and told: {html}");
    assert!(html.contains("Order placed") && html.contains("What happened"), "the order page, not an error page");

    let no_reason = seller.submit(&path, &format!("{path}/cancel"), &[("reason", "")]).await;
    assert_eq!(no_reason.status(), 422, "a seller says why");
    assert!(no_reason.text().await.unwrap().contains("id=\"reason-error\""));

    seller.submit(&path, &format!("{path}/ship"), &[("carrier", "DHL"), ("tracking_number", "JD01")]).await;
    // A page opened before it was shipped still has the cancel form.
    let late = seller.submit(&path, &format!("{path}/cancel"), &[("reason", "Out of stock")]).await;
    assert_eq!(late.status(), 409);
    let html = late.text().await.unwrap();
    assert!(html.contains("role=\"alert\">The order is shipped; it cannot be cancelled.</div>"), "{html}");
    assert!(html.contains(">Shipped</span>") && html.contains(">Mark as delivered</button>"), "as it is now");

    let buyer_page = format!("/orders/{order}");
    let too_late = buyer.submit(&buyer_page, &format!("{buyer_page}/cancel"), &[]).await;
    assert_eq!(too_late.status(), 409);
    assert!(too_late.text().await.unwrap().contains("The order is shipped; it cannot be cancelled."));

    market.seller("pia@example.com", "Pia Pottery").await;
    let pia = market.signed_in("pia@example.com").await;
    assert_eq!(pia.get(&path).await.status(), 404, "another shop's order is not found");
    let forged = pia.submit("/sell/orders", &format!("{path}/deliver"), &[]).await;
    assert_eq!(forged.status(), 404);
    assert!(buyer.page(&path).await.contains("Not allowed"), "buyers are not sellers");
    assert_eq!(seller.get("/sell/orders?status=lost").await.status(), 400);
    assert!(seller.page(&path).await.contains(">Shipped</span>"), "nothing changed");
}

#[tokio::test]
async fn a_buyer_cancels_a_paid_order_and_follows_its_refund() {
    let market = Market::start().await;
    let (seller, buyer, order) = paid_order(&market).await;
    let page = format!("/orders/{order}");
    let before = buyer.page(&page).await;
    assert!(before.contains(&format!("action=\"/orders/{order}/cancel\"")) && before.contains("(optional)"));

    let cancelled = buyer.submit(&page, &format!("{page}/cancel"), &[("reason", "Ordered the <wrong> tea")]).await;
    assert_eq!(cancelled.headers()["location"], page.as_str());
    let after = buyer.page(&page).await;
    assert!(after.contains("The order is cancelled. 17.00 EUR is being refunded"), "{after}");
    assert!(after.contains("by you") && after.contains("Reason: Ordered the &#60;wrong&#62; tea"), "{after}");
    assert!(!after.contains("Cancel this order"));

    let refunded = buyer.wait_for_page(&page, ">Refunded</span>").await;
    assert!(refunded.contains("17.00 EUR refunded on"), "{refunded}");
    assert!(!refunded.contains("http-equiv=\"refresh\""), "nothing left to wait for");
    let timeline = &refunded[at(&refunded, "class=\"timeline\"")..];
    assert!(at(timeline, ">Cancelled<") < at(timeline, ">Refunded<"), "{timeline}");

    let theirs = seller.page(&format!("/sell/orders/{order}")).await;
    assert!(theirs.contains("by the buyer") && theirs.contains(">Refunded</span>"), "{theirs}");
    assert!(seller.page("/sell/orders?status=refunded").await.contains(&order));
    assert!(buyer.page("/orders").await.contains(">Refunded</span>"));
}
