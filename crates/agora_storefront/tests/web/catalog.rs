//! Browsing over plain HTTP: the home page, search with filters and pages, category pages, product pages
//! and their not-found answers, and what admins do to categories and products.

use uuid::Uuid;

use crate::support::{Visitor, admin, category, list_product, public_product, seller, start, wait_for_shop_name};

fn fields<'a>(category: &'a str, title: &'a str, price: &'a str, stock: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("description", "Made by hand."),
        ("price", price),
        ("category_id", category),
        ("stock", stock),
    ]
}

/// The product ids linked from a page of results, in order.
fn product_links(html: &str) -> Vec<String> {
    html.split("class=\"product-link\" href=\"/p/").skip(1).map(|rest| rest[..36].to_owned()).collect()
}

/// The `href` of the link whose text is `text`, with its ampersands unescaped.
fn link(html: &str, text: &str) -> String {
    let end = html.find(&format!(">{text}</a>")).unwrap_or_else(|| panic!("no link {text:?} in {html}"));
    let start = html[..end].rfind("href=\"").unwrap() + "href=\"".len();
    let href = html[start..].split('"').next().unwrap();
    href.replace("&#38;", "&").replace("&amp;", "&")
}

#[tokio::test]
async fn search_filters_by_words_category_price_and_stock_and_pages_through_results() {
    let app = start().await;
    let admin = admin(&app).await;
    let (tea, tea_slug) = category(&app, &admin, "Tea", None).await;
    let (green, green_slug) = category(&app, &admin, "Green tea", Some(tea)).await;
    let (cups, _) = category(&app, &admin, "Cups", None).await;
    let seller = seller(&app, "Ken Kettle", "ken@example.com", "Kettle Corner").await;
    let (tea, green, cups) = (tea.to_string(), green.to_string(), cups.to_string());
    let sencha = list_product(&seller, &fields(&green, "Sencha leaves", "8.00", "10")).await;
    let matcha = list_product(&seller, &fields(&green, "Matcha powder", "24.00", "0")).await;
    let assam = list_product(&seller, &fields(&tea, "Assam leaves", "6.50", "4")).await;
    for n in 0..25 {
        list_product(&seller, &fields(&cups, &format!("Cup number {n}"), &format!("3.{n:02}"), "1")).await;
    }

    let words = seller.page("/search?q=leaves").await;
    let found = product_links(&words);
    assert_eq!(found.len(), 2, "{words}");
    assert!(found.contains(&sencha.to_string()) && found.contains(&assam.to_string()));
    assert!(words.contains("2 products") && words.contains("value=\"leaves\""), "the search box keeps the words");

    let in_green = seller.page(&format!("/search?category={green_slug}&sort=price_asc")).await;
    assert_eq!(product_links(&in_green), [sencha.to_string(), matcha.to_string()]);
    assert!(in_green.contains("Sold out") && in_green.contains("In stock"), "stock states are shown");
    let in_stock = seller.page(&format!("/search?category={tea_slug}&in_stock=1")).await;
    assert!(!product_links(&in_stock).contains(&matcha.to_string()), "sold-out products are left out");
    let priced = seller.page("/search?min=6&max=8,00").await;
    assert_eq!(product_links(&priced).len(), 2, "{priced}");
    assert!(priced.contains("Green tea") && priced.contains("Tea"), "category counts link to categories");
    let facet = link(&priced, "Tea");
    assert!(facet.contains(&format!("category={tea_slug}")) && facet.contains("min=6"), "{facet}");

    // 25 cups need two pages.
    let first = seller.page("/search?q=cup&sort=price_desc").await;
    assert!(first.contains("25 products"));
    assert_eq!(product_links(&first).len(), 24);
    let next = link(&first, "Next page");
    let second = seller.page(&next).await;
    assert_eq!(product_links(&second).len(), 1);
    assert!(second.contains("Cup number 0"), "the cheapest cup is last");
    assert!(!product_links(&first).contains(&product_links(&second)[0]), "no product twice");
    assert_eq!(link(&second, "First page"), "/search?q=cup&sort=price_desc");
}

#[tokio::test]
async fn filters_that_make_no_sense_get_a_readable_message_not_an_error() {
    let app = start().await;
    let visitor = Visitor::new(&app);

    let price = visitor.get("/search?q=tea&min=cheap&max=-2").await;
    assert_eq!(price.status(), 422);
    let html = price.text().await.unwrap();
    assert!(html.contains("Enter a price in numbers, like 12.50.") && html.contains("A price cannot be negative."));
    assert!(html.contains("value=\"cheap\""), "what was typed stays");

    let cursor = visitor.get("/search?q=tea&cursor=not-a-cursor").await;
    assert_eq!(cursor.status(), 400);
    let html = cursor.text().await.unwrap();
    assert!(html.contains("This page of results is no longer available") && html.contains("/search?q=tea"), "{html}");

    let category = visitor.get("/search?category=no-such-thing").await;
    assert_eq!(category.status(), 404);
    assert!(category.text().await.unwrap().contains("There is no such category any more."));
    assert_eq!(visitor.get("/c/no-such-thing").await.status(), 404);

    let empty = visitor.page("/search?q=unicorn").await;
    assert!(empty.contains("Nothing found") && empty.contains("0 products"), "{empty}");
}

#[tokio::test]
async fn a_category_page_shows_its_trail_subcategories_and_products() {
    let app = start().await;
    let admin = admin(&app).await;
    let (tea, tea_slug) = category(&app, &admin, "Tea", None).await;
    let (green, green_slug) = category(&app, &admin, "Green tea", Some(tea)).await;
    let (_, black_slug) = category(&app, &admin, "Black tea", Some(tea)).await;
    let seller = seller(&app, "Ken Kettle", "ken@example.com", "Kettle Corner").await;
    let sencha = list_product(&seller, &fields(&green.to_string(), "Sencha leaves", "8.00", "10")).await;

    let page = Visitor::new(&app).page(&format!("/c/{tea_slug}")).await;
    assert!(page.contains("<h1>Tea</h1>"));
    assert!(page.contains(&format!("href=\"/c/{green_slug}\">Green tea <span class=\"count\">1</span>")), "{page}");
    assert!(page.contains(&format!("href=\"/c/{black_slug}\">Black tea <span class=\"count\">0</span>")));
    assert_eq!(product_links(&page), [sencha.to_string()]);

    let child = Visitor::new(&app).page(&format!("/c/{green_slug}?min=9")).await;
    assert!(child.contains(&format!("<li><a href=\"/c/{tea_slug}\">Tea</a></li>")), "the breadcrumb: {child}");
    assert!(child.contains("0 products"), "filters apply within the category");
}

#[tokio::test]
async fn a_product_page_shows_its_details_and_unknown_or_hidden_products_are_not_found() {
    let app = start().await;
    let admin = admin(&app).await;
    let (tea, _) = category(&app, &admin, "Tea", None).await;
    let seller = seller(&app, "Ken Kettle", "ken@example.com", "Kettle Corner").await;
    let fields = [
        ("title", "Sencha <b>leaves</b>"),
        ("description", "First flush.\nSteep 2 minutes.\n\n<script>alert(1)</script>"),
        ("price", "8"),
        ("category_id", &tea.to_string()),
        ("attributes", "Weight: 100 g\nOrigin: Shizuoka"),
        ("stock", "2"),
        ("low_stock_threshold", "3"),
    ];
    let id = list_product(&seller, &fields).await;
    wait_for_shop_name(&app, id, "Kettle Corner").await;

    let visitor = Visitor::new(&app);
    let page = visitor.get(&format!("/p/{id}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Sencha &#60;b&#62;leaves&#60;/b&#62;") || html.contains("Sencha &lt;b&gt;leaves"), "{html}");
    assert!(html.contains("8.00 EUR") && html.contains("Only 2 left") && html.contains("Kettle Corner"));
    assert!(html.contains("<th scope=\"row\">Weight</th><td>100 g</td>"));
    assert!(html.contains("First flush.<br>Steep 2 minutes.</p>"), "line breaks are kept");
    assert!(!html.contains("<script>alert"), "the description is escaped");
    assert!(html.contains("href=\"/c/tea\">Tea</a>"), "the category trail");
    assert!(html.contains("No picture yet"));

    for missing in [format!("/p/{}", Uuid::now_v7()), "/p/not-a-product".to_owned()] {
        let response = visitor.get(&missing).await;
        assert_eq!(response.status(), 404, "{missing}");
        assert!(response.text().await.unwrap().contains("Page not found"));
    }
    seller.submit("/sell/products", &format!("/sell/products/{id}/hide"), &[]).await;
    assert_eq!(visitor.get(&format!("/p/{id}")).await.status(), 404, "hidden from buyers");
    assert_eq!(seller.get(&format!("/p/{id}")).await.status(), 200, "but not from its seller");
}

#[tokio::test]
async fn the_home_page_shows_new_and_featured_products_and_categories() {
    let app = start().await;
    let admin = admin(&app).await;
    let empty = Visitor::new(&app).page("/").await;
    assert!(empty.contains("No products are for sale yet"), "{empty}");
    let (tea, tea_slug) = category(&app, &admin, "Tea", None).await;
    let seller = seller(&app, "Ken Kettle", "ken@example.com", "Kettle Corner").await;
    let sencha = list_product(&seller, &fields(&tea.to_string(), "Sencha leaves", "8.00", "10")).await;
    list_product(&seller, &fields(&tea.to_string(), "Assam leaves", "6.00", "10")).await;

    let home = Visitor::new(&app).page("/").await;
    assert!(home.contains("New in") && home.contains("Sencha leaves") && home.contains("Assam leaves"));
    assert!(home.contains(&format!("href=\"/c/{tea_slug}\">Tea <span class=\"count\">2</span>")), "{home}");
    assert!(!home.contains("id=\"featured\""), "nothing is featured yet");

    let featured =
        admin.submit("/admin/products", &format!("/admin/products/{sencha}/feature"), &[("featured", "true")]).await;
    assert_eq!(featured.status(), 303);
    let home = Visitor::new(&app).page("/").await;
    let shelf = &home[home.find("id=\"featured\"").expect("a featured shelf")..home.find("id=\"new-in\"").unwrap()];
    assert!(shelf.contains("Sencha leaves") && !shelf.contains("Assam leaves"), "{shelf}");
}

#[tokio::test]
async fn an_admin_manages_the_category_tree_and_sees_catalogs_refusals() {
    let app = start().await;
    let admin = admin(&app).await;
    let (tea, _) = category(&app, &admin, "Tea", None).await;
    let (green, _) = category(&app, &admin, "Green tea", Some(tea)).await;

    let taken = admin.submit("/admin/categories", "/admin/categories", &[("name", "tea"), ("parent_id", "")]).await;
    assert_eq!(taken.status(), 422);
    let html = taken.text().await.unwrap();
    assert!(html.contains("A category with this name already exists here.") && html.contains("value=\"tea\""));

    let tree = admin.page("/admin/categories").await;
    assert!(tree.contains("class=\"depth-1\"") && tree.contains("Green tea"), "{tree}");
    admin.submit("/admin/categories", &format!("/admin/categories/{tea}/delete"), &[]).await;
    assert!(admin.page("/admin/categories").await.contains("The category still has subcategories"));
    let cycle = [("name", "Tea"), ("parent_id", &green.to_string())];
    admin.submit("/admin/categories", &format!("/admin/categories/{tea}"), &cycle).await;
    assert!(admin.page("/admin/categories").await.contains("cannot move under itself"));

    let renamed = [("name", "Sencha and friends"), ("parent_id", "")];
    admin.submit("/admin/categories", &format!("/admin/categories/{green}"), &renamed).await;
    let tree = admin.page("/admin/categories").await;
    assert!(tree.contains("The category “Sencha and friends” is saved."), "{tree}");
    assert!(!tree.contains("class=\"depth-1\""), "moved to the top level");
    admin.submit("/admin/categories", &format!("/admin/categories/{green}/delete"), &[]).await;
    assert!(admin.page("/admin/categories").await.contains("The category is deleted."));

    let buyer = Visitor::new(&app);
    buyer.register("Bea Buyer", "bea@example.com", "bea's long password").await;
    assert_eq!(buyer.get("/admin/categories").await.status(), 403);
    assert_eq!(buyer.get("/admin/products").await.status(), 403);
}

#[tokio::test]
async fn an_admin_hides_a_product_with_a_reason_its_seller_cannot_undo() {
    let app = start().await;
    let admin = admin(&app).await;
    let (tea, _) = category(&app, &admin, "Tea", None).await;
    let seller = seller(&app, "Ken Kettle", "ken@example.com", "Kettle Corner").await;
    let id = list_product(&seller, &fields(&tea.to_string(), "Sencha leaves", "8.00", "10")).await;

    let no_reason = admin.submit("/admin/products", &format!("/admin/products/{id}/hide"), &[("reason", " ")]).await;
    assert_eq!(no_reason.status(), 303);
    assert!(admin.page("/admin/products").await.contains("Tell the seller why"));
    assert!(public_product(&app, id).await.is_some());

    let reason = [("reason", "Counterfeit label"), ("hidden", "1")];
    let hidden = admin.submit("/admin/products", &format!("/admin/products/{id}/hide"), &reason).await;
    assert_eq!(hidden.headers()["location"], "/admin/products?hidden=1");
    assert!(public_product(&app, id).await.is_none());
    let list = admin.page("/admin/products?hidden=1").await;
    assert!(list.contains("Sencha leaves") && list.contains("Counterfeit label"), "{list}");

    let mine = seller.page("/sell/products").await;
    assert!(mine.contains("Hidden by an administrator") && mine.contains("Counterfeit label"), "{mine}");
    let show = seller.submit("/sell/products", &format!("/sell/products/{id}/show"), &[]).await;
    assert_eq!(show.status(), 303);
    assert!(seller.page("/sell/products").await.contains("Only an administrator can put it back on sale."));
    assert!(public_product(&app, id).await.is_none());

    admin.submit("/admin/products", &format!("/admin/products/{id}/show"), &[]).await;
    assert!(public_product(&app, id).await.is_some());
}
