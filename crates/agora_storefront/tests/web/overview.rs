//! The seller's sales overview over plain HTTP: the figures of the orders the test made (revenue and
//! orders without the cancelled one, orders by state, best sellers, a product running low) and the chart.

use time::macros::format_description;

use crate::market::Market;

#[tokio::test]
async fn the_overview_shows_the_shops_figures_by_day_and_state_with_a_chart() {
    let market = Market::start().await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let sencha = market.product(&ken, "Kettle Corner", "Sencha leaves", 850, 10).await;
    let bowl = market.product(&ken, "Kettle Corner", "Tea bowl", 1250, 5).await;
    let tin = market.low_stock_product(&ken, "Kettle Corner", "Last tin of gyokuro", 2, 3).await;
    let shipped = market.buyer("ada@example.com").await.buy(sencha, "2").await;
    let cancelled = market.buyer("bea@example.com").await.buy(bowl, "1").await;
    market.buyer("cy@example.com").await.buy(sencha, "1").await;
    let seller = market.signed_in("ken@example.com").await;
    let ship = format!("/sell/orders/{shipped}");
    seller.submit(&ship, &format!("{ship}/ship"), &[("carrier", "DHL"), ("tracking_number", "JD01")]).await;
    let cancel = format!("/sell/orders/{cancelled}");
    seller.submit(&cancel, &format!("{cancel}/cancel"), &[("reason", "The bowl cracked in the kiln")]).await;
    seller.wait_for_page(&cancel, ">Refunded</span>").await;

    let html = seller.wait_for_page("/sell/overview", &format!("href=\"/sell/products/{tin}/edit\"")).await;
    assert!(html.contains("<svg class=\"chart\"") && html.contains("role=\"img\""), "{html}");
    assert!(
        html.contains("class=\"figure-revenue\">25.50 EUR<") && html.contains("class=\"figure-orders\">2<"),
        "{html}"
    );
    for (status, count) in [("paid", 1), ("shipped", 1), ("delivered", 0), ("cancelled", 0), ("refunded", 1)] {
        assert!(html.contains(&format!("class=\"count-{status}\">{count}<")), "{status}: {html}");
    }
    let today = time::OffsetDateTime::now_utc().date();
    let today = today.format(format_description!("[day padding:none] [month repr:short] [year]")).unwrap();
    assert!(html.contains(&format!("<title>{today}: 25.50 EUR from 2 orders</title>")), "{today}: {html}");
    assert_eq!(html.matches("<title>").count() - 1, 30, "a title per day besides the page's");
    let best = &html[html.find("id=\"top-products\"").unwrap()..];
    assert!(best.contains("Sencha leaves</a></td><td>3</td><td>25.50 EUR</td>"), "{best}");
    assert!(html.contains("Last tin of gyokuro</a></td><td>2</td><td>3</td>"), "{html}");
    assert!(
        html.contains("href=\"/sell/overview\" aria-current=\"page\">Overview</a>") && html.contains(">Orders</a>")
    );

    let buyer = market.signed_in("ada@example.com").await;
    assert_eq!(buyer.get("/sell/overview").await.status(), 403);
}
