//! The demo shop's content: shops, a category tree, and the words products are made of.

use agora_media::DemoShape;

/// A demo shop: its owner's email local part and name, the shop's name and pitch, and the leaf categories
/// it sells in.
pub struct DemoShop {
    pub login: &'static str,
    pub owner: &'static str,
    pub shop: &'static str,
    pub pitch: &'static str,
    pub sells: &'static [&'static str],
}

pub const SHOPS: &[DemoShop] = &[
    DemoShop {
        login: "mei",
        owner: "Mei Lin",
        shop: "Leaf & Kettle",
        pitch: "Teas from small gardens and the things to brew them in, packed by hand in Lyon.",
        sells: &["Tea", "Teaware"],
    },
    DemoShop {
        login: "tomas",
        owner: "Tomás Ortega",
        shop: "Roast Republic",
        pitch: "Single-origin coffee roasted every Tuesday, and honest chocolate to go with it.",
        sells: &["Coffee", "Chocolate"],
    },
    DemoShop {
        login: "anneke",
        owner: "Anneke de Vries",
        shop: "Het Linnenhuis",
        pitch: "Linen, wool and cotton for the home, woven in the Netherlands.",
        sells: &["Bedding", "Table linen", "Scarves"],
    },
    DemoShop {
        login: "kwame",
        owner: "Kwame Mensah",
        shop: "Trail & Spoke",
        pitch: "Sturdy kit for long rides and nights under the stars.",
        sells: &["Camping", "Cycling"],
    },
    DemoShop {
        login: "ines",
        owner: "Inês Carvalho",
        shop: "Papelaria Azul",
        pitch: "Notebooks, pens and paper goods for people who still write by hand.",
        sells: &["Notebooks", "Pens", "Cookware"],
    },
];

/// Top-level categories and their subcategories.
pub const TREE: &[(&str, &[&str])] = &[
    ("Food & Drink", &["Tea", "Coffee", "Chocolate"]),
    ("Home & Kitchen", &["Teaware", "Cookware", "Bedding", "Table linen"]),
    ("Fashion", &["Scarves"]),
    ("Outdoors", &["Camping", "Cycling"]),
    ("Books & Stationery", &["Notebooks", "Pens"]),
];

/// What a leaf category's products are made of.
pub struct Kind {
    pub category: &'static str,
    pub names: &'static [&'static str],
    pub variants: &'static [&'static str],
    /// Price range in cents.
    pub price: (i64, i64),
    pub attribute: (&'static str, &'static [&'static str]),
    pub blurb: &'static str,
    pub shape: DemoShape,
}

pub const KINDS: &[Kind] = &[
    Kind {
        category: "Tea",
        names: &[
            "Sencha",
            "Darjeeling First Flush",
            "Assam Breakfast",
            "Milk Oolong",
            "Earl Grey",
            "Jasmine Pearls",
            "Genmaicha",
            "Rooibos Vanilla",
            "Lapsang Souchong",
            "White Peony",
        ],
        variants: &["loose leaf, 100 g", "loose leaf, 250 g", "tin, 50 g", "20 pyramid bags"],
        price: (650, 3200),
        attribute: ("Origin", &["Japan", "India", "China", "Taiwan", "South Africa", "Sri Lanka"]),
        blurb: "Brew at 80–95 °C for two to four minutes; the leaves give a second cup.",
        shape: DemoShape::Round,
    },
    Kind {
        category: "Coffee",
        names: &[
            "Ethiopia Yirgacheffe",
            "Colombia Huila",
            "Brazil Cerrado",
            "Kenya AA",
            "Guatemala Antigua",
            "Espresso Blend",
            "Decaf Swiss Water",
            "Sumatra Mandheling",
        ],
        variants: &[
            "whole beans, 250 g",
            "whole beans, 1 kg",
            "ground for filter, 250 g",
            "ground for espresso, 250 g",
        ],
        price: (890, 3900),
        attribute: ("Roast", &["Light", "Medium", "Medium-dark", "Dark"]),
        blurb: "Roasted in small batches and shipped within three days of roasting.",
        shape: DemoShape::Box,
    },
    Kind {
        category: "Chocolate",
        names: &["Dark 72%", "Milk 45%", "Sea Salt Caramel", "Orange Dark", "Hazelnut Praline", "Raspberry White"],
        variants: &["bar, 80 g", "three bars", "gift box of 12"],
        price: (390, 2900),
        attribute: ("Cacao", &["Ecuador", "Peru", "Madagascar", "Ghana"]),
        blurb: "Bean to bar, with nothing added that you could not pronounce.",
        shape: DemoShape::Stripes,
    },
    Kind {
        category: "Teaware",
        names: &["Cast Iron Teapot", "Glass Teapot", "Porcelain Gaiwan", "Matcha Whisk", "Tea Cups", "Bamboo Tea Tray"],
        variants: &["0.6 l", "0.9 l", "set of two", "set of four"],
        price: (1200, 8900),
        attribute: ("Material", &["Cast iron", "Borosilicate glass", "Porcelain", "Bamboo", "Stoneware"]),
        blurb: "Made to be used every day and to last for years.",
        shape: DemoShape::Bottle,
    },
    Kind {
        category: "Cookware",
        names: &[
            "Carbon Steel Pan",
            "Dutch Oven",
            "Chef's Knife",
            "Olive Wood Spoon",
            "Linen Apron",
            "Ceramic Mixing Bowl",
        ],
        variants: &["small", "medium", "large"],
        price: (1500, 14900),
        attribute: ("Material", &["Carbon steel", "Enamelled cast iron", "Olive wood", "Linen", "Stoneware"]),
        blurb: "Chosen by cooks who care more about the food than the gadget.",
        shape: DemoShape::Round,
    },
    Kind {
        category: "Bedding",
        names: &["Linen Duvet Cover", "Washed Linen Pillowcases", "Wool Blanket", "Cotton Percale Sheet"],
        variants: &["single", "double", "king"],
        price: (3900, 18900),
        attribute: ("Colour", &["Natural", "Sage", "Terracotta", "Slate", "White"]),
        blurb: "Stone-washed for softness from the first night.",
        shape: DemoShape::Stripes,
    },
    Kind {
        category: "Table linen",
        names: &["Linen Tablecloth", "Napkins", "Table Runner", "Tea Towels"],
        variants: &["set of four", "140 × 200 cm", "140 × 250 cm"],
        price: (1400, 8900),
        attribute: ("Colour", &["Natural", "Indigo", "Ochre", "Charcoal"]),
        blurb: "Heavy linen that looks better with every wash.",
        shape: DemoShape::Stripes,
    },
    Kind {
        category: "Scarves",
        names: &["Merino Scarf", "Cashmere Wrap", "Silk Square", "Chunky Knit Scarf"],
        variants: &["plain", "striped", "checked"],
        price: (2900, 12900),
        attribute: ("Colour", &["Camel", "Navy", "Forest", "Burgundy", "Grey"]),
        blurb: "Warm without weight; hand-finished edges.",
        shape: DemoShape::Ring,
    },
    Kind {
        category: "Camping",
        names: &[
            "Two-Person Tent",
            "Down Sleeping Bag",
            "Titanium Mug",
            "Camp Stove",
            "Head Torch",
            "Foldable Lantern",
        ],
        variants: &["standard", "ultralight", "winter"],
        price: (1900, 34900),
        attribute: ("Weight", &["120 g", "450 g", "900 g", "1.4 kg", "2.1 kg"]),
        blurb: "Tested on wet weekends in the hills before it ever reached the shop.",
        shape: DemoShape::Box,
    },
    Kind {
        category: "Cycling",
        names: &["Frame Bag", "Handlebar Bag", "Rear Light", "Merino Cycling Cap", "Mini Pump", "Multi-tool"],
        variants: &["black", "olive", "reflective"],
        price: (900, 12900),
        attribute: ("Capacity", &["1 l", "3 l", "6 l", "n/a"]),
        blurb: "Bolted, strapped and rattled over cobbles to make sure it stays put.",
        shape: DemoShape::Ring,
    },
    Kind {
        category: "Notebooks",
        names: &["Dot Grid Notebook", "Lined Journal", "Sketchbook", "Pocket Notebook", "Weekly Planner"],
        variants: &["A5", "A6", "B5", "pack of three"],
        price: (450, 3200),
        attribute: ("Paper", &["80 gsm", "100 gsm", "120 gsm", "160 gsm"]),
        blurb: "Fountain-pen friendly paper that lies flat when open.",
        shape: DemoShape::Box,
    },
    Kind {
        category: "Pens",
        names: &["Fountain Pen", "Brass Ballpoint", "Gel Pen Set", "Brush Pen", "Mechanical Pencil"],
        variants: &["fine", "medium", "broad"],
        price: (350, 9900),
        attribute: ("Ink", &["Black", "Blue-black", "Sepia", "Red"]),
        blurb: "Writes the first time, every time.",
        shape: DemoShape::Bottle,
    },
];
