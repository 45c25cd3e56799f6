//! The product form: what the seller typed (kept as typed, so a refused form comes back as it was), checked
//! here where the storefront can say more than catalog (a price in major units, attributes one per line),
//! and the page that shows it, with its pictures when the product exists.

use agora_core::Currency;
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::catalog::{AttributeInput, FlatCategory, PriceInput, Product, ProductInput};
use crate::chrome::Chrome;
use crate::pages::FormErrors;
use crate::price;

/// The fields as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProductForm {
    pub title: String,
    pub description: String,
    /// In major units, e.g. "12.50".
    pub price: String,
    pub category_id: String,
    /// One "name: value" per line.
    pub attributes: String,
    pub stock: String,
    pub low_stock_threshold: String,
    /// Edit only: the available units the form showed.
    pub expected_available: String,
}

impl ProductForm {
    /// The form filled in with a product's current values.
    pub fn of(product: &Product) -> ProductForm {
        let attributes: Vec<String> = product.attributes.iter().map(|a| format!("{}: {}", a.name, a.value)).collect();
        ProductForm {
            title: product.title.clone(),
            description: product.description.clone(),
            price: price::format_major(product.price.amount_minor),
            category_id: product.category.id.to_string(),
            attributes: attributes.join("\n"),
            stock: product.stock.available.to_string(),
            low_stock_threshold: product.stock.low_stock_threshold.map(|t| t.to_string()).unwrap_or_default(),
            expected_available: product.stock.available.to_string(),
        }
    }

    /// What catalog takes, or a message per field that is not understood.
    pub fn parse(&self, currency: Currency) -> Result<ProductInput, FormErrors> {
        let mut errors = FormErrors::default();
        let price = match price::parse_major(&self.price) {
            Ok(Some(minor)) => Some(minor),
            Ok(None) => {
                errors.insert("price", "Enter a price, like 12.50.");
                None
            }
            Err(err) => {
                errors.insert("price", err.to_string());
                None
            }
        };
        let category_id = self.category_id.parse::<Uuid>().ok();
        if category_id.is_none() {
            errors.insert("category_id", "Choose a category.");
        }
        let attributes = parse_attributes(&self.attributes).unwrap_or_else(|message| {
            errors.insert("attributes", message);
            Vec::new()
        });
        let stock = whole_number(&self.stock).unwrap_or_else(|message| {
            errors.insert("stock", message);
            None
        });
        if stock.is_none() && errors.get("stock").is_empty() {
            errors.insert("stock", "Enter how many you have for sale, like 10.");
        }
        let low_stock_threshold = whole_number(&self.low_stock_threshold).unwrap_or_else(|message| {
            errors.insert("low_stock_threshold", message);
            None
        });
        let expected_available = whole_number(&self.expected_available).ok().flatten();
        match (price, category_id, stock) {
            (Some(amount_minor), Some(category_id), Some(stock)) if errors.is_empty() => Ok(ProductInput {
                title: self.title.clone(),
                description: self.description.clone(),
                price: PriceInput { amount_minor, currency: currency.as_str().to_owned() },
                category_id,
                attributes,
                stock,
                low_stock_threshold,
                expected_available,
            }),
            _ => Err(errors),
        }
    }

    pub fn category_is(&self, id: &Uuid) -> bool {
        self.category_id == id.to_string()
    }
}

/// A whole number as typed, or nothing when the field is empty.
fn whole_number(text: &str) -> Result<Option<i64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| "Enter a whole number, like 10.".to_owned())
}

/// "name: value" lines into attributes; blank lines are skipped.
pub fn parse_attributes(text: &str) -> Result<Vec<AttributeInput>, String> {
    let mut attributes = Vec::new();
    for (n, line) in text.lines().enumerate().map(|(i, line)| (i + 1, line.trim())) {
        if line.is_empty() {
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("Line {n}: write each detail as name: value, like “Colour: blue”."));
        };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() || value.is_empty() {
            return Err(format!("Line {n}: give both a name and a value, like “Colour: blue”."));
        }
        attributes.push(AttributeInput { name: name.to_owned(), value: value.to_owned() });
    }
    Ok(attributes)
}

/// The new-product and edit-product page.
#[derive(Template)]
#[template(path = "seller/product_form.html")]
pub struct ProductFormPage {
    pub chrome: Chrome,
    pub heading: String,
    /// Where the form posts.
    pub action: String,
    pub form: ProductForm,
    pub errors: FormErrors,
    pub form_error: String,
    pub categories: Vec<FlatCategory>,
    pub currency: String,
    /// The product being edited, for its pictures.
    pub product: Option<Product>,
    pub image_error: String,
    /// The largest upload, as people read it ("5 MB").
    pub max_upload: String,
}

impl ProductFormPage {
    pub fn price_hint(&self) -> String {
        format!("In {}, like 12.50.", self.currency)
    }
}

/// A byte count as people read it, in whole or tenths of megabytes ("5 MB", "1.5 MB", "300 KB").
pub fn readable_size(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes < MIB {
        return format!("{} KB", bytes.div_ceil(1024));
    }
    let tenths = bytes / (MIB / 10);
    match tenths % 10 {
        0 => format!("{} MB", tenths / 10),
        rest => format!("{}.{rest} MB", tenths / 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn form() -> ProductForm {
        ProductForm {
            title: "Sencha".into(),
            description: "Green tea".into(),
            price: "12,50".into(),
            category_id: Uuid::nil().to_string(),
            attributes: "Weight: 100 g\n\n Origin :Japan ".into(),
            stock: "5".into(),
            ..ProductForm::default()
        }
    }

    #[test]
    fn a_filled_in_form_becomes_catalog_input() {
        let input = form().parse(eur()).unwrap();
        assert_eq!(input.price.amount_minor, 1250);
        assert_eq!(input.price.currency, "EUR");
        assert_eq!(input.attributes[1], AttributeInput { name: "Origin".into(), value: "Japan".into() });
        assert_eq!((input.stock, input.low_stock_threshold, input.expected_available), (5, None, None));
    }

    #[test]
    fn every_field_not_understood_gets_its_own_message() {
        let bad = ProductForm {
            price: "twelve".into(),
            category_id: String::new(),
            attributes: "Weight 100 g".into(),
            stock: "lots".into(),
            low_stock_threshold: "2.5".into(),
            ..form()
        };
        let errors = bad.parse(eur()).unwrap_err();
        assert_eq!(errors.get("price"), "Enter a price in numbers, like 12.50.");
        assert_eq!(errors.get("category_id"), "Choose a category.");
        assert!(errors.get("attributes").starts_with("Line 1:"));
        assert_eq!(errors.get("stock"), "Enter a whole number, like 10.");
        assert_eq!(errors.get("low_stock_threshold"), "Enter a whole number, like 10.");
        let empty = ProductForm { price: String::new(), stock: String::new(), ..form() }.parse(eur()).unwrap_err();
        assert_eq!(empty.get("price"), "Enter a price, like 12.50.");
        assert!(empty.get("stock").starts_with("Enter how many"));
    }

    #[test]
    fn sizes_read_like_people_say_them() {
        assert_eq!(readable_size(5 * 1024 * 1024), "5 MB");
        assert_eq!(readable_size(1536 * 1024), "1.5 MB");
        assert_eq!(readable_size(300 * 1024), "300 KB");
    }
}
