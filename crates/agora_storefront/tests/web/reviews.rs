//! Reviews on the product page over plain HTTP: a buyer whose order was delivered reviews it (its text shown
//! as text, never as markup), edits it; the seller replies once; an admin removes it; a buyer without a
//! delivered order gets no form and is refused.

use uuid::Uuid;

use crate::market::Market;
use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, Visitor};

/// The id of the first review on a product page.
fn first_review(html: &str) -> Uuid {
    let start = html.find("id=\"review-").expect("a review on the page") + "id=\"review-".len();
    html[start..start + 36].parse().unwrap()
}

/// Ken's product, bought by a buyer and delivered to them, with catalog knowing it was delivered.
async fn delivered(market: &Market) -> (Uuid, Visitor, Visitor) {
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let sencha = market.product(&ken, "Kettle Corner", "Sencha leaves", 850, 10).await;
    let buyer = market.buyer("ada@example.com").await;
    let order = buyer.buy(sencha, "1").await;
    let seller = market.signed_in("ken@example.com").await;
    seller.ship_and_deliver(&order).await;
    buyer.wait_for_page(&format!("/p/{sencha}"), ">Post review</button>").await;
    (sencha, buyer, seller)
}

#[tokio::test]
async fn a_review_with_markup_shows_as_text_and_can_be_edited_answered_and_removed() {
    let market = Market::start().await;
    let (sencha, buyer, seller) = delivered(&market).await;
    let page = format!("/p/{sencha}");
    let post = format!("{page}/reviews");

    let unrated = buyer.submit(&page, &post, &[("rating", "0"), ("body", "Grassy <em>and</em> sweet")]).await;
    assert_eq!(unrated.status(), 422);
    let html = unrated.text().await.unwrap();
    assert!(
        html.contains("Choose from 1 to 5 stars.")
            && html.contains(">Grassy &#60;em&#62;and&#60;/em&#62; sweet</textarea>")
    );

    let body = "<script>alert(1)</script> Grassy & sweet.\n\nWould buy again.";
    let posted = buyer.submit(&page, &post, &[("rating", "4"), ("body", body)]).await;
    assert_eq!(posted.headers()["location"], format!("{page}#reviews").as_str());
    let mine = buyer.page(&page).await;
    let public = Visitor::new(&market.app).page(&page).await;
    for (who, html) in [("the author", &mine), ("a visitor", &public)] {
        assert!(!html.contains("<script>alert(1)"), "{who}: markup is never markup: {html}");
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62; Grassy &#38; sweet.</p><p>Would buy again."),
            "{who}: {html}"
        );
        assert!(html.contains("4.0</strong> out of 5 · 1 review") && html.contains("Ada Lovelace"), "{who}: {html}");
    }
    assert!(mine.contains("Thank you: your review is posted.") && mine.contains(">Save changes</button>"), "{mine}");
    assert!(mine.contains("id=\"rating-4\" name=\"rating\" value=\"4\" checked"), "their rating is chosen");
    let review = first_review(&mine);
    let again = buyer.submit(&page, &post, &[("rating", "5"), ("body", "Twice?")]).await;
    assert_eq!(again.status(), 303);
    assert!(buyer.page(&page).await.contains("You have reviewed this product already"));

    buyer
        .submit(&page, &format!("{page}/reviews/{review}"), &[("rating", "5"), ("body", "Even better brewed cooler.")])
        .await;
    let edited = buyer.page(&page).await;
    assert!(
        edited.contains("Your review is updated.") && edited.contains("(edited)") && edited.contains("5.0</strong>")
    );

    let owner = seller.page(&page).await;
    assert!(owner.contains("Reply to Ada Lovelace") && !owner.contains(">Post review</button>"), "{owner}");
    let reply = format!("{page}/reviews/{review}/reply");
    assert_eq!(seller.submit(&page, &reply, &[("body", " ")]).await.status(), 422, "an empty reply is refused");
    seller.submit(&page, &reply, &[("body", "Thank you! <b>Try it at 60 °C</b>")]).await;
    let answered = seller.page(&page).await;
    assert!(
        answered.contains("Reply from Kettle Corner") && answered.contains("Thank you! &#60;b&#62;Try"),
        "{answered}"
    );
    assert!(!answered.contains("Reply to Ada Lovelace"), "one reply per review");
    seller.submit(&page, &reply, &[("body", "Again")]).await;
    assert!(seller.page(&page).await.contains("This review has a reply already."));
    assert!(!buyer.page(&page).await.contains("Remove review"), "only admins remove");

    let admin = Visitor::new(&market.app);
    admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let removed = admin.submit(&page, &format!("{page}/reviews/{review}/remove"), &[("reason", "Test")]).await;
    assert_eq!(removed.status(), 303);
    let after = admin.page(&page).await;
    assert!(
        after.contains("The review is removed.") && after.contains("No reviews yet.") && !after.contains("Even better")
    );
    assert!(buyer.page(&page).await.contains("An administrator removed your review"));
}

#[tokio::test]
async fn a_buyer_whose_order_is_not_delivered_gets_no_review_form_and_a_forged_one_is_refused() {
    let market = Market::start().await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let sencha = market.product(&ken, "Kettle Corner", "Sencha leaves", 850, 10).await;
    let buyer = market.buyer("ada@example.com").await;
    buyer.buy(sencha, "1").await;
    let page = format!("/p/{sencha}");

    let html = buyer.page(&page).await;
    assert!(html.contains("No reviews yet.") && !html.contains(">Post review</button>"), "{html}");
    let forged = buyer.submit(&page, &format!("{page}/reviews"), &[("rating", "5"), ("body", "Great!")]).await;
    assert_eq!(forged.status(), 303);
    let refused = buyer.page(&page).await;
    assert!(refused.contains("You can review a product once an order of it has been delivered to you."), "{refused}");
    assert!(refused.contains("No reviews yet."));
    let visitor = Visitor::new(&market.app);
    let signed_out = visitor.post(&format!("{page}/reviews"), &[("rating", "5"), ("body", "Great!")]).await;
    assert_eq!(signed_out.status(), 403, "no session, no form token");
}
