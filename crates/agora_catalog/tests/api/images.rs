//! Product pictures: checked by content, stored re-encoded, served with cache headers; bad uploads are
//! refused with a message and change nothing.

use agora_media::{DemoShape, demo_image};

use crate::harness::{Shop, start_on};

async fn shop_with_product() -> (Shop, agora_testkit::api::Session, String) {
    let settings = [("settings.catalog.media.max_upload_bytes", "200000")];
    let shop = start_on(agora_testkit::Backends::EMBEDDED, &settings).await.unwrap();
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let product = shop.product_with_stock(&seller, "Green tea", 3).await;
    (shop, seller, product)
}

#[tokio::test]
async fn an_uploaded_picture_is_shown_with_its_thumbnail_and_cached_for_good() {
    let (shop, seller, product) = shop_with_product().await;
    let picture = demo_image(7, DemoShape::Bottle, 300);
    let upload = shop.post(&format!("/products/{product}/images")).bearer(&seller.access);
    let reply = upload.body("application/octet-stream", picture).send().await;
    let image = reply.ok(201)["images"][0].clone();
    assert_eq!((image["width"].as_u64(), image["height"].as_u64()), (Some(300), Some(300)));

    let url = image["url"].as_str().unwrap();
    let served = shop.app.request(reqwest::Method::GET, url).send().await;
    assert_eq!(served.status, 200);
    assert!(served.header("content-type").starts_with("image/"), "{}", served.header("content-type"));
    assert_eq!(served.header("cache-control"), "public, max-age=31536000, immutable");
    assert!(image::load_from_memory(&served.bytes).is_ok(), "a picture comes back");
    let etag = served.header("etag").to_owned();
    let again = shop.app.request(reqwest::Method::GET, url).header("if-none-match", &etag).send().await;
    assert_eq!(again.status, 304);

    let thumb = shop.app.request(reqwest::Method::GET, image["thumbnail_url"].as_str().unwrap()).send().await;
    assert_eq!(thumb.status, 200);
    let product_page = shop.product(&product, None).await;
    assert_eq!(product_page.ok(200)["images"][0]["url"], image["url"]);

    let id = image["id"].as_str().unwrap();
    let removed = shop.delete(&format!("/products/{product}/images/{id}")).bearer(&seller.access).send().await;
    assert_eq!(removed.ok(200)["images"].as_array().unwrap().len(), 0);
    assert_eq!(shop.app.request(reqwest::Method::GET, url).send().await.status, 404);
    shop.stop().await;
}

#[tokio::test]
async fn a_non_image_an_oversized_file_and_a_corrupt_picture_are_refused_with_a_message() {
    let (shop, seller, product) = shop_with_product().await;
    let upload = |bytes: Vec<u8>| {
        shop.post(&format!("/products/{product}/images")).bearer(&seller.access).body("image/png", bytes)
    };

    let text = upload(b"this is a text file, whatever its name says".to_vec()).send().await;
    text.problem(422, "not_an_image");
    assert_eq!(text.fields(), ["image"]);

    let big = upload(vec![0x89; 300_000]).send().await;
    big.problem(422, "image_too_large");
    assert!(big.body["detail"].as_str().unwrap().contains("larger"), "{}", big.body);

    let mut corrupt = demo_image(3, DemoShape::Ring, 200);
    corrupt.truncate(corrupt.len() / 2);
    upload(corrupt).send().await.problem(422, "image_corrupt");

    let after = shop.product(&product, Some(&seller)).await;
    assert_eq!(after.ok(200)["images"].as_array().unwrap().len(), 0, "nothing stored");
    shop.stop().await;
}

#[tokio::test]
async fn a_product_takes_only_so_many_pictures() {
    let settings = [("settings.catalog.max_images", "2")];
    let shop = start_on(agora_testkit::Backends::EMBEDDED, &settings).await.unwrap();
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let product = shop.product_with_stock(&seller, "Green tea", 3).await;
    let upload = |seed: u64| {
        shop.post(&format!("/products/{product}/images"))
            .bearer(&seller.access)
            .body("image/png", demo_image(seed, DemoShape::Box, 64))
    };
    upload(1).send().await.ok(201);
    upload(2).send().await.ok(201);
    upload(3).send().await.problem(409, "too_many_images");
    let after = shop.product(&product, Some(&seller)).await;
    assert_eq!(after.ok(200)["images"].as_array().unwrap().len(), 2);
    let media = shop.app.data_dir().join("media");
    let stored = std::fs::read_dir(&media).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 4, "two pictures and their thumbnails; the refused one was never stored");
    shop.stop().await;
}
