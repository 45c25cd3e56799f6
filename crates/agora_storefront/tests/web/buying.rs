//! The cart over plain HTTP: adding as a visitor and as a buyer, the cart kept through sign-in, changing
//! quantities, refusals told readably, changed prices flagged, titles escaped, and a cart service that does
//! not answer.

use agora_testkit::api::PASSWORD;

use crate::market::Market;
use crate::support::{Visitor, start_with};

#[tokio::test]
async fn a_visitor_adds_to_the_cart_from_a_product_page_and_a_result_card_and_the_cart_shows_the_lines() {
    let market = Market::start().await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let sencha = market.product(&ken, "Kettle Corner", "Sencha leaves", 850, 10).await;
    let cup = market.product(&ken, "Kettle Corner", "Tasting cup", 300, 5).await;
    let visitor = Visitor::new(&market.app);

    let added = visitor.add_to_cart(sencha, "2").await;
    assert_eq!(added.status(), 303);
    assert_eq!(added.headers()["location"], format!("/p/{sencha}").as_str(), "back to the product (PRG)");
    let product = visitor.page(&format!("/p/{sencha}")).await;
    assert!(product.contains("“Sencha leaves” is in your cart."), "{product}");
    assert!(product.contains("Cart (2)"), "the header counts the units");

    let results = visitor.page("/search?q=cup").await;
    assert!(results.contains("Add to cart"), "result cards have a form: {results}");
    let card_form = [("product_id", cup.to_string()), ("quantity", "1".into()), ("back", "/search?q=cup".into())];
    let card_form: Vec<(&str, &str)> = card_form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let from_card = visitor.submit("/search?q=cup", "/cart/items", &card_form).await;
    assert_eq!(from_card.headers()["location"], "/search?q=cup");

    let cart = visitor.page("/cart").await;
    for expected in ["Sencha leaves", "Tasting cup", "Sold by Kettle Corner", "8.50 EUR each", "17.00 EUR", "20.00 EUR"]
    {
        assert!(cart.contains(expected), "the cart shows {expected:?}: {cart}");
    }
    assert!(cart.contains(&format!("id=\"quantity-{sencha}\" name=\"quantity\"")) && cart.contains("value=\"2\""));
    assert!(cart.contains("Cart (3)") && cart.contains("href=\"/checkout\""));
    assert!(cart.contains("You sign in (or create an account) first"), "a visitor is told checking out signs in");
    let checkout = visitor.get("/checkout").await;
    assert_eq!(checkout.headers()["location"], "/sign-in?next=/checkout");
}

#[tokio::test]
async fn signing_in_keeps_the_visitors_cart_with_what_the_buyer_had() {
    let market = Market::start().await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let sencha = market.product(&ken, "Kettle Corner", "Sencha leaves", 850, 10).await;
    let matcha = market.product(&ken, "Kettle Corner", "Matcha powder", 2400, 10).await;
    // Earlier, on another device, the buyer put matcha in their cart.
    let earlier = market.account("ada@example.com").await;
    earlier.sign_in("ada@example.com", PASSWORD).await;
    earlier.add_to_cart(matcha, "1").await;

    let visitor = Visitor::new(&market.app);
    visitor.add_to_cart(sencha, "2").await;
    let sign_in = visitor.page("/sign-in?next=/checkout").await;
    let csrf = crate::support::csrf_of(&sign_in);
    let fields = [("email", "ada@example.com"), ("password", PASSWORD), ("next", "/checkout"), ("_csrf", &csrf)];
    let signed_in = visitor.post("/sign-in", &fields).await;
    assert_eq!(signed_in.headers()["location"], "/checkout", "back to checking out");

    let cart = visitor.page("/cart").await;
    assert!(cart.contains("Sencha leaves") && cart.contains("Matcha powder"), "both carts in one: {cart}");
    assert!(cart.contains("Cart (3)"), "{cart}");
    assert!(!cart.contains("You sign in (or create an account) first"));

    visitor.submit("/cart", "/sign-out", &[]).await;
    let signed_out = visitor.page("/cart").await;
    assert!(signed_out.contains("Your cart is empty") && !signed_out.contains("Cart (3)"), "the cart was the buyer's");
    visitor.sign_in("ada@example.com", PASSWORD).await;
    assert!(visitor.page("/cart").await.contains("Sencha leaves"), "the merged cart is the buyer's cart");
}

#[tokio::test]
async fn quantities_change_and_lines_go_and_refusals_are_told_readably() {
    let market = Market::start().await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let sencha = market.product(&ken, "Kettle Corner", "Sencha leaves", 850, 4).await;
    let gone = market.product(&ken, "Kettle Corner", "Last year's harvest", 500, 0).await;
    let buyer = market.buyer("ada@example.com").await;
    buyer.add_to_cart(sencha, "1").await;
    let line = format!("/cart/items/{sencha}");

    let updated = buyer.submit("/cart", &line, &[("quantity", "3")]).await;
    assert_eq!(updated.headers()["location"], "/cart");
    let cart = buyer.page("/cart").await;
    assert!(cart.contains("The quantity is updated.") && cart.contains("value=\"3\"") && cart.contains("25.50 EUR"));

    buyer.submit("/cart", &line, &[("quantity", "9")]).await;
    let too_many = buyer.page("/cart").await;
    assert!(too_many.contains("flash-error") && too_many.contains("Not enough stock"), "{too_many}");
    buyer.submit("/cart", &line, &[("quantity", "lots")]).await;
    assert!(buyer.page("/cart").await.contains("Enter a quantity as a number"));

    let sold_out = buyer.page(&format!("/p/{gone}")).await;
    assert!(sold_out.contains("Sold out") && !sold_out.contains("Add to cart"), "no form for what is sold out");
    buyer.add_to_cart(gone, "1").await;
    let refused = buyer.page("/cart").await;
    assert!(refused.contains("flash-error") && refused.contains("stock"), "{refused}");

    let own = ken_visitor(&market).await;
    own.add_to_cart(sencha, "1").await;
    assert!(own.page("/cart").await.contains("This is your own product: sellers cannot buy from their own shop."));
    let own_page = own.page(&format!("/p/{sencha}")).await;
    assert!(!own_page.contains("name=\"quantity\""), "a seller gets no form on their own product");

    let removed = buyer.submit("/cart", &format!("{line}/remove"), &[]).await;
    assert_eq!(removed.headers()["location"], "/cart");
    let empty = buyer.page("/cart").await;
    assert!(empty.contains("The product is out of your cart.") && empty.contains("Your cart is empty"), "{empty}");
    assert!(!empty.contains("Cart (3)"));
}

/// Ken, the seller, signed in at the storefront.
async fn ken_visitor(market: &Market) -> Visitor {
    let ken = Visitor::new(&market.app);
    ken.sign_in("ken@example.com", PASSWORD).await;
    ken
}

#[tokio::test]
async fn a_price_change_is_flagged_on_the_cart_and_checkout_pages_until_acknowledged() {
    let market = Market::start().await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let sencha = market.product(&ken, "Kettle Corner", "Sencha leaves", 800, 10).await;
    let buyer = market.buyer("ada@example.com").await;
    buyer.add_to_cart(sencha, "1").await;

    market.reprice(&ken, sencha, 950).await;
    let cart = buyer.wait_for_page("/cart", "Price changed from 8.00 EUR to 9.50 EUR.").await;
    assert!(cart.contains("action=\"/cart/acknowledge\""), "an OK form: {cart}");
    let checkout = buyer.wait_for_page("/checkout", "Price changed from 8.00 EUR to 9.50 EUR.").await;
    assert!(checkout.contains("Some prices changed since you added the products"), "{checkout}");

    let noted = buyer.submit("/cart", "/cart/acknowledge", &[]).await;
    assert_eq!(noted.headers()["location"], "/cart");
    let cart = buyer.page("/cart").await;
    assert!(cart.contains("your cart shows the new prices") && !cart.contains("Price changed from"), "{cart}");
}

#[tokio::test]
async fn a_title_with_markup_is_shown_as_text_in_the_cart_and_at_checkout() {
    let market = Market::start().await;
    let ken = market.seller("ken@example.com", "Kettle <b>Corner</b>").await;
    let title = "<script>alert('tea')</script> Sencha";
    let sencha = market.product(&ken, "Kettle <b>Corner</b>", title, 800, 10).await;
    let buyer = market.buyer("ada@example.com").await;
    buyer.add_to_cart(sencha, "1").await;

    for page in [buyer.page("/cart").await, buyer.page("/checkout").await] {
        assert!(!page.contains("<script>alert") && !page.contains("<b>Corner"), "markup is escaped: {page}");
        assert!(page.contains("&#60;script&#62;alert(") && page.contains("Kettle &#60;b&#62;Corner"), "{page}");
    }
}

#[tokio::test]
async fn with_the_buying_services_down_pages_say_so_instead_of_failing() {
    let app =
        start_with(&[("urls.cart", "http://127.0.0.1:9/api/cart"), ("urls.order", "http://127.0.0.1:9/api/order")])
            .await;
    let visitor = Visitor::new(&app);
    let id = uuid::Uuid::now_v7().to_string();
    let added = visitor.submit("/sign-in", "/cart/items", &[("product_id", &id), ("back", "/search")]).await;
    assert_eq!(added.headers()["location"], "/search");
    assert!(visitor.page("/search").await.contains("Your cart cannot be changed right now."));
    assert!(visitor.page("/cart").await.contains("Your cart is empty"), "no cart yet, nothing to ask");

    visitor.register("Ada", "ada@example.com", "analytical engine 1843").await;
    let cart = visitor.get("/cart").await;
    assert_eq!(cart.status(), 503);
    assert!(cart.text().await.unwrap().contains("Your cart cannot be shown right now."));
    let checkout = visitor.get("/checkout").await;
    assert_eq!(checkout.status(), 503);
    assert!(checkout.text().await.unwrap().contains("Temporarily unavailable"));
}
