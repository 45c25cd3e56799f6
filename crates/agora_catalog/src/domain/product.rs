//! A product's validated fields and its status.

use agora_core::{Currency, Money};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{CatalogError, Fields, bounded_text};

/// Whether a product is for sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Active,
    Hidden,
    /// Gone from the shop; the record stays for past orders.
    Deleted,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Active => "active",
            ProductStatus::Hidden => "hidden",
            ProductStatus::Deleted => "deleted",
        }
    }

    pub fn parse(text: &str) -> Option<ProductStatus> {
        match text {
            "active" => Some(ProductStatus::Active),
            "hidden" => Some(ProductStatus::Hidden),
            "deleted" => Some(ProductStatus::Deleted),
            _ => None,
        }
    }
}

/// A name/value pair such as colour: blue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

pub const MAX_ATTRIBUTES: usize = 20;
pub const MAX_STOCK: i64 = 1_000_000;
/// The largest price, in minor units (one million in the major unit).
pub const MAX_PRICE_MINOR: i64 = 100_000_000;

/// What a seller sends to create or replace a product, before validation.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub price: PriceInput,
    pub category_id: Uuid,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    /// Units for sale. On an update, the new number of available units.
    pub stock: i64,
    /// On an update: the available units the seller last saw. When given, the difference `stock -
    /// expected_available` is applied to the current number, so units checkouts took in the meantime are
    /// not put back by mistake.
    #[serde(default)]
    pub expected_available: Option<i64>,
    #[serde(default)]
    pub low_stock_threshold: Option<i64>,
}

/// A price as sent: minor units and currency.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceInput {
    pub amount_minor: i64,
    pub currency: String,
}

/// A validated product.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductDraft {
    pub title: String,
    pub description: String,
    pub price: Money,
    pub category_id: Uuid,
    pub attributes: Vec<Attribute>,
    pub stock: i64,
    pub low_stock_threshold: i64,
}

impl ProductDraft {
    /// Validates every field at once; `currency` is the marketplace's.
    pub fn parse(
        input: &ProductInput,
        currency: Currency,
        default_threshold: i64,
    ) -> Result<ProductDraft, CatalogError> {
        let mut fields = Fields::default();
        let title = fields.check("title", bounded_text(&input.title, "title", 3, 140));
        let description = fields.check("description", bounded_text(&input.description, "description", 0, 5000));
        let price = fields.check("price", parse_price(&input.price, currency));
        let attributes = fields.check("attributes", parse_attributes(&input.attributes));
        let stock = fields.check("stock", quantity(input.stock, "stock"));
        let threshold = fields.check(
            "low_stock_threshold",
            quantity(input.low_stock_threshold.unwrap_or(default_threshold), "threshold"),
        );
        fields.finish()?;
        match (title, description, price, attributes, stock, threshold) {
            (Some(title), Some(description), Some(price), Some(attributes), Some(stock), Some(low_stock_threshold)) => {
                Ok(ProductDraft {
                    title,
                    description,
                    price,
                    category_id: input.category_id,
                    attributes,
                    stock,
                    low_stock_threshold,
                })
            }
            _ => Err(CatalogError::Internal("validated product fields missing".into())),
        }
    }
}

fn parse_price(input: &PriceInput, currency: Currency) -> Result<Money, String> {
    if input.currency != currency.as_str() {
        return Err(format!("prices on this marketplace are in {currency}"));
    }
    if input.amount_minor <= 0 {
        return Err("enter a price above zero".to_owned());
    }
    if input.amount_minor > MAX_PRICE_MINOR {
        return Err(format!("the price can be at most {}", Money { amount_minor: MAX_PRICE_MINOR, currency }));
    }
    Ok(Money { amount_minor: input.amount_minor, currency })
}

fn quantity(value: i64, what: &str) -> Result<i64, String> {
    if value < 0 {
        return Err(format!("the {what} cannot be negative"));
    }
    if value > MAX_STOCK {
        return Err(format!("the {what} can be at most {MAX_STOCK}"));
    }
    Ok(value)
}

fn parse_attributes(input: &[Attribute]) -> Result<Vec<Attribute>, String> {
    if input.len() > MAX_ATTRIBUTES {
        return Err(format!("use at most {MAX_ATTRIBUTES} attributes"));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(input.len());
    for attribute in input {
        let name = bounded_text(&attribute.name, "name", 1, 40).map_err(|m| format!("attribute name: {m}"))?;
        let value = bounded_text(&attribute.value, "value", 1, 200).map_err(|m| format!("attribute {name:?}: {m}"))?;
        if !seen.insert(name.to_lowercase()) {
            return Err(format!("attribute {name:?} is given twice"));
        }
        out.push(Attribute { name, value });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn input() -> ProductInput {
        ProductInput {
            title: "  Green tea  ".into(),
            description: "Sencha".into(),
            price: PriceInput { amount_minor: 1250, currency: "EUR".into() },
            category_id: Uuid::nil(),
            attributes: vec![Attribute { name: "Weight".into(), value: "100 g".into() }],
            stock: 5,
            expected_available: None,
            low_stock_threshold: None,
        }
    }

    #[test]
    fn a_valid_product_is_trimmed_and_takes_the_default_threshold() {
        let draft = ProductDraft::parse(&input(), eur(), 3).unwrap();
        assert_eq!(draft.title, "Green tea");
        assert_eq!(draft.low_stock_threshold, 3);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut bad = input();
        bad.title = "x".into();
        bad.price = PriceInput { amount_minor: -1, currency: "USD".into() };
        bad.stock = -2;
        bad.attributes.push(Attribute { name: "weight".into(), value: "2".into() });
        let CatalogError::Invalid(fields) = ProductDraft::parse(&bad, eur(), 3).unwrap_err() else { panic!() };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["title", "price", "attributes", "stock"]);
        assert!(fields[1].message.contains("EUR"));
    }
}
