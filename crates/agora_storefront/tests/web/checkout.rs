//! Checking out and paying over plain HTTP: the checkout page (addresses, the order split by seller), one
//! checkout however often its form is sent, a declined card and a good one, the orders pages, and what
//! another buyer cannot see.

use crate::market::{DECLINED_CARD, GOOD_CARD, LATER_CARD, Market, checkout_id, order_links};

/// Two shops with a product each, and a buyer with both in their cart and an address.
async fn two_shop_cart(market: &Market) -> crate::support::Visitor {
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let pia = market.seller("pia@example.com", "Pia Pottery").await;
    let sencha = market.product(&ken, "Kettle Corner", "Sencha leaves", 850, 10).await;
    let bowl = market.product(&pia, "Pia Pottery", "Tea bowl", 1250, 3).await;
    let buyer = market.buyer("ada@example.com").await;
    buyer.add_to_cart(sencha, "2").await;
    buyer.add_to_cart(bowl, "1").await;
    buyer
}

#[tokio::test]
async fn the_checkout_page_takes_a_new_address_and_shows_the_order_split_by_seller() {
    let market = Market::start().await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let pia = market.seller("pia@example.com", "Pia Pottery").await;
    let sencha = market.product(&ken, "Kettle Corner", "Sencha leaves", 850, 10).await;
    let bowl = market.product(&pia, "Pia Pottery", "Tea bowl", 1250, 3).await;
    let buyer = market.account("ada@example.com").await;
    buyer.sign_in("ada@example.com", agora_testkit::api::PASSWORD).await;
    buyer.add_to_cart(sencha, "2").await;
    buyer.add_to_cart(bowl, "1").await;

    let first = buyer.page("/checkout").await;
    assert!(
        first.contains("Add the address to send your order to.")
            && first.contains("<details class=\"new-address\" open>")
    );
    assert!(first.contains("disabled>Place order"), "no address, no order: {first}");

    let bad = [
        ("full_name", "Ada Lovelace"),
        ("line1", ""),
        ("city", "London"),
        ("postal_code", "SW1Y 4JH"),
        ("country", "Britain"),
    ];
    let refused = buyer.submit("/checkout", "/checkout/addresses", &bad).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"line1-error\">Fill this in.</p>"), "{html}");
    assert!(html.contains("id=\"country-error\""), "the country is refused next to its field: {html}");
    assert!(html.contains("value=\"Ada Lovelace\"") && html.contains("value=\"Britain\""), "what was typed stays");

    let saved = buyer.submit("/checkout", "/checkout/addresses", &crate::market::address()).await;
    let location = saved.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/checkout?address="), "{location}");
    let page = buyer.page(&location).await;
    let id = location.trim_start_matches("/checkout?address=");
    assert!(
        page.contains(&format!("value=\"{id}\" form=\"place-order\" checked")),
        "the new address is chosen: {page}"
    );
    assert!(
        page.contains("Ada Lovelace, 12 St James&#39;s Square, SW1Y 4JH London, GB")
            || page.contains("St James&#x27;s")
    );
    let kettle = page.find("From Kettle Corner").expect("Kettle Corner's part");
    let pottery = page.find("From Pia Pottery").expect("Pia Pottery's part");
    assert!(page[kettle..].contains("Sencha leaves") && page[pottery..].contains("Tea bowl"));
    for total in ["17.00 EUR", "12.50 EUR", "29.50 EUR", "Your order comes from 2 shops"] {
        assert!(page.contains(total), "{total}: {page}");
    }
    assert!(page.contains(">Place order</button>") && !page.contains("disabled>Place order"));
}

#[tokio::test]
async fn sending_the_place_order_form_twice_places_one_checkout() {
    let market = Market::start().await;
    let buyer = two_shop_cart(&market).await;
    let page = buyer.page("/checkout").await;

    let first = checkout_id(&buyer.place_with(&page).await);
    let again = checkout_id(&buyer.place_with(&page).await);
    assert_eq!(first, again, "the same form is the same checkout");
    let fresh = buyer.page("/checkout").await;
    assert_ne!(
        crate::market::value_of(&fresh, "idempotency_key"),
        crate::market::value_of(&page, "idempotency_key"),
        "each rendering of the page gets its own key"
    );

    buyer.wait_for_page(&format!("/checkout/{first}"), "Pay by card").await;
    let orders = buyer.page("/orders").await;
    assert_eq!(order_links(&orders).len(), 2, "one order per shop, once: {orders}");
}

#[tokio::test]
async fn a_declined_card_is_told_with_the_form_again_and_a_good_card_reaches_thank_you() {
    let market = Market::start().await;
    let buyer = two_shop_cart(&market).await;
    let checkout = buyer.place_order().await;
    let pay_page = buyer.wait_for_page(&format!("/checkout/{checkout}"), "Pay by card").await;
    assert!(pay_page.contains("To pay: <strong>29.50 EUR</strong>") && pay_page.contains("your items are held until"));
    assert!(pay_page.contains("From Kettle Corner") && pay_page.contains("From Pia Pottery"));

    let declined = buyer.pay(&checkout, DECLINED_CARD).await;
    assert_eq!(declined.headers()["location"], format!("/checkout/{checkout}/result").as_str());
    let result = buyer.page(&format!("/checkout/{checkout}/result")).await;
    assert!(result.contains("Your card was declined."), "{result}");
    assert!(result.contains("action=\"/checkout/") && result.contains("name=\"card_number\" type=\"text\" value=\"\""));
    assert!(
        !result.contains("4000 0000 0000 0002\"") && !result.contains("value=\"123\""),
        "card details are not echoed"
    );

    let typo = [("card_number", "4242"), ("exp_month", "july"), ("cvc", "123"), ("cardholder", "Ada Lovelace")];
    let wrong = buyer.submit(&format!("/checkout/{checkout}"), &format!("/checkout/{checkout}/pay"), &typo).await;
    assert_eq!(wrong.status(), 422);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("id=\"exp_month-error\">Enter it as a number, like 7.</p>"), "{html}");
    assert!(html.contains("value=\"Ada Lovelace\"") && html.contains("value=\"july\""), "what was typed stays");
    assert!(!html.contains("value=\"4242\"") && !html.contains("value=\"123\""), "but not the card number or code");

    let refused =
        [("card_number", "1234 5678"), ("exp_month", "13"), ("exp_year", "2040"), ("cvc", "1"), ("cardholder", "A")];
    let refused = buyer.submit(&format!("/checkout/{checkout}"), &format!("/checkout/{checkout}/pay"), &refused).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    for field in ["card_number", "exp_month", "cvc"] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "payment's message for {field}: {html}");
    }

    let paid = buyer.pay(&checkout, GOOD_CARD).await;
    assert_eq!(paid.headers()["location"], format!("/checkout/{checkout}/result").as_str());
    let thanks = buyer.wait_for_page(&format!("/checkout/{checkout}/result"), "Thank you for your order!").await;
    let links = order_links(&thanks);
    assert_eq!(links.len(), 2, "a link to each shop's order: {thanks}");
    assert!(thanks.contains("Order from Kettle Corner") && thanks.contains("Order from Pia Pottery"));
    assert!(!thanks.contains("http-equiv=\"refresh\""), "a final page stops reloading");
    assert!(buyer.wait_for_page("/cart", "Your cart is empty").await.contains(">Cart</a>"), "bought, so gone");

    let orders = buyer.page("/orders").await;
    assert!(orders.contains("Kettle Corner") && orders.contains("Pia Pottery") && orders.contains("17.00 EUR"));
    assert_eq!(orders.matches(">Paid</span>").count(), 2, "{orders}");
    let order = buyer.page(&format!("/orders/{}", links[0])).await;
    let timeline = &order[order.find("class=\"timeline\"").expect("a timeline")..];
    let (placed, reserved, paid) =
        (timeline.find(">Placed<"), timeline.find(">Items reserved<"), timeline.find(">Paid<"));
    assert!(placed < reserved && reserved < paid && placed.is_some(), "placed → reserved → paid: {timeline}");
    assert!(timeline.contains("<time datetime=\"") && timeline.contains(" UTC</time>"));
    assert!(order.contains("SW1Y 4JH London") && order.contains("Total"), "{order}");
}

#[tokio::test]
async fn a_payment_confirmed_later_is_followed_on_the_result_page_until_it_is_paid() {
    let market = Market::start_with(&[("settings.payment.simulated.webhook_delay_ms", "2000")]).await;
    let buyer = two_shop_cart(&market).await;
    let checkout = buyer.place_order().await;
    let result = format!("/checkout/{checkout}/result");

    let sent = buyer.pay(&checkout, LATER_CARD).await;
    assert_eq!(sent.headers()["location"], result.as_str());
    let waiting = buyer.page(&result).await;
    assert!(waiting.contains("Confirming your payment…"), "{waiting}");
    assert!(waiting.contains("<meta http-equiv=\"refresh\" content=\"1\">"), "it reloads itself: {waiting}");
    assert!(!waiting.contains("name=\"card_number\""), "no second payment while one is under way");
    let again = buyer.get(&format!("/checkout/{checkout}")).await;
    assert_eq!(again.headers()["location"], result.as_str(), "the checkout page follows the payment too");
    buyer.wait_for_page(&result, "Thank you for your order!").await;
}

#[tokio::test]
async fn a_checkout_whose_items_ran_out_names_them_and_leads_back_to_the_cart() {
    let market = Market::start().await;
    let pia = market.seller("pia@example.com", "Pia Pottery").await;
    let bowl = market.product(&pia, "Pia Pottery", "Tea bowl", 1250, 1).await;
    let first = market.buyer("ada@example.com").await;
    let second = market.buyer("bea@example.com").await;
    first.add_to_cart(bowl, "1").await;
    second.add_to_cart(bowl, "1").await;

    let held = first.place_order().await;
    first.wait_for_page(&format!("/checkout/{held}"), "Pay by card").await;
    let late = second.place_order().await;
    let page = second.wait_for_page(&format!("/checkout/{late}"), "Some items ran out").await;
    assert!(page.contains("“Tea bowl” is sold out (you asked for 1).") && page.contains("href=\"/cart\""), "{page}");
    assert!(!page.contains("name=\"card_number\"") && !page.contains("http-equiv=\"refresh\""), "{page}");
}

#[tokio::test]
async fn a_pending_checkout_page_reloads_itself_until_there_is_something_to_do() {
    let market = Market::start().await;
    let buyer = two_shop_cart(&market).await;
    let checkout = buyer.place_order().await;
    let page = buyer.page(&format!("/checkout/{checkout}")).await;
    let waiting = ["Reserving your items…", "Preparing your payment…"].iter().any(|t| page.contains(t));
    if waiting {
        assert!(page.contains("<meta http-equiv=\"refresh\" content=\"1\">"), "{page}");
        assert!(!page.contains("name=\"card_number\""));
    } else {
        assert!(page.contains("Pay by card") && !page.contains("http-equiv=\"refresh\""), "{page}");
    }
}

#[tokio::test]
async fn another_buyers_checkout_and_orders_are_not_found() {
    let market = Market::start().await;
    let buyer = two_shop_cart(&market).await;
    let checkout = buyer.place_order().await;
    buyer.wait_for_page(&format!("/checkout/{checkout}"), "Pay by card").await;
    let order = order_links(&buyer.page("/orders").await).remove(0);

    let other = market.buyer("eve@example.com").await;
    for path in [format!("/orders/{order}"), format!("/checkout/{checkout}"), format!("/checkout/{checkout}/result")] {
        let response = other.get(&path).await;
        assert_eq!(response.status(), 404, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("Page not found") && !html.contains("Kettle Corner"), "{path}: {html}");
    }
    assert!(other.page("/orders").await.contains("No orders yet"));
    assert_eq!(other.get("/orders/not-an-id").await.status(), 404);
}
