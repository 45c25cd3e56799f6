//! Sellers' product pages over plain HTTP: the product form and its messages, pictures, and the limits of
//! what a seller may do (only their own products; buyers not at all).

use crate::support::{
    Visitor, admin, category, list_product, noisy_picture, picture, public_product, seller, start, start_with,
};

fn product_fields<'a>(category: &'a str, title: &'a str, price: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("description", "Hand-thrown stoneware.\nDishwasher safe."),
        ("price", price),
        ("category_id", category),
        ("attributes", "Colour: sand\nVolume: 300 ml"),
        ("stock", "5"),
        ("low_stock_threshold", "2"),
    ]
}

#[tokio::test]
async fn a_bad_price_brings_the_form_back_with_its_message_and_what_was_typed() {
    let app = start().await;
    let (kitchen, _) = category(&app, &admin(&app).await, "Kitchen", None).await;
    let seller = seller(&app, "Pia Potter", "pia@example.com", "Pia Pottery").await;
    let kitchen = kitchen.to_string();

    let typed =
        seller.submit("/sell/products/new", "/sell/products", &product_fields(&kitchen, "Tea bowl", "twelve")).await;
    assert_eq!(typed.status(), 422);
    let html = typed.text().await.unwrap();
    assert!(html.contains("Enter a price in numbers, like 12.50."), "{html}");
    assert!(html.contains("value=\"twelve\"") && html.contains("value=\"Tea bowl\""), "typed values are kept");
    assert!(html.contains("Colour: sand\nVolume: 300 ml"), "the attributes are kept");
    assert!(html.contains(&format!("<option value=\"{kitchen}\" selected>")), "the category stays chosen");
    assert!(html.contains("aria-invalid=\"true\""));

    // A price the storefront reads but catalog refuses: catalog's message appears next to the price field.
    let refused =
        seller.submit("/sell/products/new", "/sell/products", &product_fields(&kitchen, "Tea bowl", "0")).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"price-error\">Enter a price above zero.</p>"), "{html}");
    assert!(html.contains("value=\"0\""));

    let mine = seller.page("/sell/products").await;
    assert!(mine.contains("You have no products yet"), "nothing was listed: {mine}");
}

#[tokio::test]
async fn a_seller_lists_edits_hides_shows_and_deletes_a_product() {
    let app = start().await;
    let (kitchen, _) = category(&app, &admin(&app).await, "Kitchen", None).await;
    let seller = seller(&app, "Pia Potter", "pia@example.com", "Pia Pottery").await;
    let kitchen = kitchen.to_string();
    let id = list_product(&seller, &product_fields(&kitchen, "Tea bowl", "12.50")).await;

    let edit = seller.page(&format!("/sell/products/{id}/edit")).await;
    assert!(edit.contains("“Tea bowl” is listed. Add pictures below."), "{edit}");
    assert!(edit.contains("value=\"12.50\"") && edit.contains("name=\"expected_available\" value=\"5\""));

    let mut changed = product_fields(&kitchen, "Large tea bowl", "14,90");
    changed.push(("expected_available", "5"));
    let saved = seller.submit(&format!("/sell/products/{id}/edit"), &format!("/sell/products/{id}"), &changed).await;
    assert_eq!(saved.status(), 303);
    let product = public_product(&app, id).await.unwrap();
    assert_eq!(product["title"], "Large tea bowl");
    assert_eq!(product["price"]["amount_minor"], 1490);

    let list = seller.page("/sell/products").await;
    assert!(list.contains("Large tea bowl") && list.contains("5 available") && list.contains("For sale"), "{list}");
    let hidden = seller.submit("/sell/products", &format!("/sell/products/{id}/hide"), &[]).await;
    assert_eq!(hidden.status(), 303);
    assert!(public_product(&app, id).await.is_none(), "hidden from everyone else");
    assert!(seller.page("/sell/products").await.contains(">Hidden</span>"));
    assert!(seller.page(&format!("/p/{id}")).await.contains("This product is hidden"), "its seller still sees it");
    seller.submit("/sell/products", &format!("/sell/products/{id}/show"), &[]).await;
    assert!(public_product(&app, id).await.is_some(), "for sale again");

    let confirm = seller.page(&format!("/sell/products/{id}/delete")).await;
    assert!(confirm.contains("Delete “Large tea bowl”?") && confirm.contains("Delete for good"));
    let deleted =
        seller.submit(&format!("/sell/products/{id}/delete"), &format!("/sell/products/{id}/delete"), &[]).await;
    assert_eq!(deleted.status(), 303);
    assert!(public_product(&app, id).await.is_none());
    assert!(!seller.page("/sell/products").await.contains("Large tea bowl"));
}

#[tokio::test]
async fn a_seller_cannot_change_another_sellers_product_through_the_storefront() {
    let app = start().await;
    let (kitchen, _) = category(&app, &admin(&app).await, "Kitchen", None).await;
    let owner = seller(&app, "Pia Potter", "pia@example.com", "Pia Pottery").await;
    let kitchen = kitchen.to_string();
    let id = list_product(&owner, &product_fields(&kitchen, "Tea bowl", "12.50")).await;
    let other = seller(&app, "Oskar Other", "oskar@example.com", "Oskar Goods").await;

    let form = other.get(&format!("/sell/products/{id}/edit")).await;
    assert_eq!(form.status(), 403);
    assert!(form.text().await.unwrap().contains("This product belongs to another seller"));
    let attempts = [
        (format!("/sell/products/{id}"), product_fields(&kitchen, "Stolen bowl", "0.01")),
        (format!("/sell/products/{id}/hide"), vec![]),
        (format!("/sell/products/{id}/delete"), vec![]),
    ];
    for (action, fields) in attempts {
        let response = other.submit("/sell/products", &action, &fields).await;
        assert_eq!(response.status(), 403, "{action}");
        let html = response.text().await.unwrap();
        assert!(html.contains("Not your product") && html.contains("Sign out"), "a readable page: {html}");
    }
    let upload = other.upload("/sell/products", &format!("/sell/products/{id}/images"), "x.png", picture(1)).await;
    assert_eq!(upload.status(), 403);

    let product = public_product(&app, id).await.expect("still for sale");
    assert_eq!(product["title"], "Tea bowl");
    assert_eq!(product["price"]["amount_minor"], 1250);
    assert_eq!(product["images"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn buyers_get_the_forbidden_page_and_visitors_are_asked_to_sign_in() {
    let app = start().await;
    let buyer = Visitor::new(&app);
    buyer.register("Bea Buyer", "bea@example.com", "bea's long password").await;
    for path in ["/sell/products/new", "/sell/products"] {
        let response = buyer.get(path).await;
        assert_eq!(response.status(), 403, "{path}");
        assert!(response.text().await.unwrap().contains("Not allowed"));
    }
    let forged = buyer.submit("/", "/sell/products", &[("title", "Fake"), ("price", "1"), ("stock", "1")]).await;
    assert_eq!(forged.status(), 403);
    let visitor = Visitor::new(&app);
    let response = visitor.get("/sell/products/new").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/sign-in?next=/sell/products/new");
}

#[tokio::test]
async fn uploading_a_text_file_as_a_picture_says_it_is_not_an_image() {
    let app = start().await;
    let (kitchen, _) = category(&app, &admin(&app).await, "Kitchen", None).await;
    let seller = seller(&app, "Pia Potter", "pia@example.com", "Pia Pottery").await;
    let id = list_product(&seller, &product_fields(&kitchen.to_string(), "Tea bowl", "12.50")).await;
    let edit = format!("/sell/products/{id}/edit");
    let images = format!("/sell/products/{id}/images");

    let text = seller.upload(&edit, &images, "notes.txt", b"just some words, not a picture".to_vec()).await;
    assert_eq!(text.status(), 422);
    let html = text.text().await.unwrap();
    assert!(html.contains("The file is not an image; upload a JPEG, PNG, WebP or GIF picture."), "{html}");
    assert!(html.contains("id=\"image-error\""), "shown next to the upload field");

    let empty = seller.upload(&edit, &images, "", Vec::new()).await;
    assert!(empty.text().await.unwrap().contains("Choose a picture to upload."));

    let added = seller.upload(&edit, &images, "bowl.png", picture(7)).await;
    assert_eq!(added.status(), 303);
    let product = public_product(&app, id).await.unwrap();
    let image = &product["images"][0];
    let image_id = image["id"].as_str().unwrap();
    let served = app.client.get(app.url(image["url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert!(seller.page(&edit).await.contains("Remove picture 1"));

    let removed = seller.submit(&edit, &format!("/sell/products/{id}/images/{image_id}/delete"), &[]).await;
    assert_eq!(removed.status(), 303);
    assert_eq!(public_product(&app, id).await.unwrap()["images"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn an_upload_without_the_forms_token_is_refused() {
    let app = start().await;
    let (kitchen, _) = category(&app, &admin(&app).await, "Kitchen", None).await;
    let seller = seller(&app, "Pia Potter", "pia@example.com", "Pia Pottery").await;
    let id = list_product(&seller, &product_fields(&kitchen.to_string(), "Tea bowl", "12.50")).await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", "forged")
        .part("image", reqwest::multipart::Part::bytes(picture(3)).file_name("bowl.png"));
    let response =
        seller.client.post(app.url(&format!("/sell/products/{id}/images"))).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(public_product(&app, id).await.unwrap()["images"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_picture_larger_than_other_forms_may_be_is_accepted_up_to_the_upload_limit() {
    let app = start().await;
    let (kitchen, _) = category(&app, &admin(&app).await, "Kitchen", None).await;
    let seller = seller(&app, "Pia Potter", "pia@example.com", "Pia Pottery").await;
    let id = list_product(&seller, &product_fields(&kitchen.to_string(), "Tea bowl", "12.50")).await;
    let big = noisy_picture(800);
    assert!(big.len() > 1024 * 1024 && big.len() < 5 * 1024 * 1024, "{} bytes", big.len());

    let edit = format!("/sell/products/{id}/edit");
    let added = seller.upload(&edit, &format!("/sell/products/{id}/images"), "big.png", big).await;
    assert_eq!(added.status(), 303, "{}", added.text().await.unwrap());
    assert_eq!(public_product(&app, id).await.unwrap()["images"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_picture_over_the_upload_limit_is_refused_with_a_message_next_to_the_field() {
    let app = start_with(&[("settings.storefront.max_upload_bytes", "102400")]).await;
    let (kitchen, _) = category(&app, &admin(&app).await, "Kitchen", None).await;
    let seller = seller(&app, "Pia Potter", "pia@example.com", "Pia Pottery").await;
    let id = list_product(&seller, &product_fields(&kitchen.to_string(), "Tea bowl", "12.50")).await;

    let edit = format!("/sell/products/{id}/edit");
    let refused = seller.upload(&edit, &format!("/sell/products/{id}/images"), "big.png", noisy_picture(300)).await;
    assert_eq!(refused.status(), 413);
    let html = refused.text().await.unwrap();
    assert!(html.contains("The picture is larger than 100 KB; upload a smaller file."), "{html}");
    assert!(html.contains("value=\"Tea bowl\""), "the edit page comes back");
    assert_eq!(public_product(&app, id).await.unwrap()["images"].as_array().unwrap().len(), 0);
}
