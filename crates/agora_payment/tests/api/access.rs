//! Only the checkout's buyer (or an admin) sees or pays a payment; everyone else learns nothing.

use reqwest::Method;

use crate::harness::{Pay, SUCCEEDS, card};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_buyer_cannot_see_or_pay_a_payment_and_strangers_must_sign_in() {
    let pay = Pay::start(&[]).await;
    let ada = pay.app.buyer("ada@example.com").await;
    let eve = pay.app.buyer("eve@example.com").await;
    let (checkout, payment) = pay.checkout(&ada, 1200).await;

    pay.payment(&eve, checkout).await.problem(404, "payment_not_found");
    pay.attempt(&eve, checkout, &card(SUCCEEDS)).await.problem(404, "payment_not_found");
    pay.browser_return(&eve, checkout).await.problem(404, "payment_not_found");

    let path = format!("/checkouts/{checkout}/payment");
    pay.call(Method::GET, &path).send().await.problem(401, "unauthenticated");
    let attempts = format!("{path}/attempts");
    pay.call(Method::POST, &attempts).json(&card(SUCCEEDS)).send().await.problem(401, "unauthenticated");
    pay.call(Method::POST, &format!("{path}/return")).send().await.problem(401, "unauthenticated");
    pay.call(Method::GET, &path).bearer("not-a-token").send().await.problem(401, "invalid_token");

    // Eve's tries left no trace; an admin sees the payment, untouched.
    let seen = pay.payment(&pay.admin, checkout).await.ok(200).clone();
    assert_eq!(seen["id"], payment["id"]);
    assert_eq!((seen["status"].as_str(), seen["attempts"].as_array().unwrap().len()), (Some("requires_payment"), 0));
    pay.stop().await;
}
