"""Copy of the Ember & Oak Coffee demo brand (coffee subscription): voice, products, phrases."""

from __future__ import annotations

from demo.text.base import AudienceSpec, BrandCopy, Product, Theme

# fmt: off
EMBER_OAK = BrandCopy(
    key="emberoak",
    name="Ember & Oak Coffee",
    short_name="Ember & Oak",
    domain="emberandoak.example",
    language="en-GB",
    merge_tag="*|FNAME|*",
    voice=(
        "Cosy, curious and a bit nerdy about coffee, like the friendly barista who remembers "
        "your order. British spelling, gentle humour, tasting notes in plain words (stone fruit, "
        "toffee), never snobbish."
    ),
    guidelines=(
        "Describe flavour in everyday words and name the farm or co-op whenever we can. Prices "
        "include VAT, with free UK delivery over £25. Never claim 'the best coffee in Britain'. "
        "Always say 'pause or cancel any time' near a subscription price. No discount deeper "
        "than 25%. Photos show real kitchens and offices, not studio perfection."
    ),
    channel_rules=(
        "Email and SMS go only to subscribers, former subscribers and gift buyers with marketing "
        "consent; SMS at most twice a month and never after 8 pm. Social captions use sentence "
        "case and one emoji at most. Affiliates are coffee bloggers and gift guides, never "
        "coupon sites."
    ),
    competitors=(
        "Pact Coffee", "Grind", "Origin Coffee", "Union Hand-Roasted", "Nespresso", "Roastwell",
        "Kettle & Crow", "Podhaven",
    ),
    units={
        "Subscriptions": (
            Product("Sunday Best house espresso", "Sunday Best",
                "tastes of toffee and dark chocolate and forgives any grinder"),
            Product("Huila single origin from Colombia", "Huila",
                "brings red apple and caramel from a women-led co-op in the Andes"),
            Product("Guji natural from Ethiopia", "Guji natural",
                "bursts with blueberry and jasmine in a V60"),
            Product("Swiss Water decaf", "Swiss Water decaf",
                "keeps all the chocolate and none of the jitters"),
        ),
        "Gifting": (
            Product("gift subscription", "Gift subscription",
                "sends fresh beans every month for three, six or twelve months"),
            Product("Taster Trio gift box", "Taster Trio",
                "fits three single origins and tasting cards through a letterbox"),
        ),
        "Equipment": (
            Product("Barista Starter Kit", "Starter Kit",
                "pairs a hand grinder and a V60 with a recipe card that actually works"),
            Product("cold brew bags", "Cold brew bags",
                "make smooth cold brew overnight with no kit and no mess"),
        ),
        "Office Coffee": (
            Product("office coffee plan", "Office plan",
                "keeps the office in fresh beans with one invoice a month and no lease"),
            Product("office bean-to-cup bundle", "Bean-to-cup bundle",
                "includes a serviced bean-to-cup machine and beans for teams of 20 to 200"),
        ),
    },
    lead_unit="Office Coffee",
    themes=(
        Theme((12,), "Christmas Gifting", "Gifts that keep brewing",
            "Order gift subscriptions by 18 December for Christmas delivery; the first bag "
            "arrives with a handwritten card."),
        Theme((1,), "New Year, Better Mornings", "First bag half price",
            "New subscribers get their first bag half price, and can pause or cancel any time."),
        Theme((2,), "Valentine's Brew", "A tasting box for two",
            "Treat someone to the Taster Trio for two, with free delivery this week."),
        Theme((3,), "Mother's Day", "Gifts for Mum",
            "Send Mum a gift subscription by 12 March and we'll add a tin of shortbread."),
        Theme((4, 5), "Spring Harvest Lots", "New Ethiopian lots",
            "The new harvest from Guji has landed; subscribers get it first at no extra cost."),
        Theme((6,), "Father's Day", "A Starter Kit for Dad",
            "Save 15% on the Barista Starter Kit in the run-up to Father's Day."),
        Theme((7, 8), "Iced Coffee Summer", "Cold brew, sorted",
            "Free cold brew bags with every subscription started this summer."),
        Theme((9,), "Back to Routine", "Mornings back on track",
            "Restart your subscription this September and get 20% off your next three bags."),
        Theme((10,), "International Coffee Day", "Happy Coffee Day",
            "Celebrate International Coffee Day with 25% off single origins for 48 hours."),
        Theme((11,), "Black Friday Bean Sale", "Three bags for two",
            "Black Friday: three bags for the price of two, no codes, no catch."),
    ),
    hooks={
        "customer": (
            "Your next bag is roasting as we speak.",
            "Thanks for brewing with us; here's something new for your grinder.",
            "You've got great taste (we checked your order history).",
        ),
        "lapsed": (
            "We've missed you in the queue.",
            "Your grinder's been quiet lately. Ours hasn't.",
            "A lot of good coffee has happened since you paused.",
        ),
        "vip": (
            "Last year you made someone's mornings better.",
            "Gift-giving season is coming, and you're very good at it.",
        ),
        "prospect": (
            "Supermarket beans were roasted months ago. Ours were roasted on Tuesday.",
            "Good coffee at home is easier than the internet makes it look.",
            "Fresh beans, through your letterbox, exactly when you need them.",
        ),
        "business": (
            "Bad office coffee is a retention problem.",
            "Your team deserves better than the jar at the back of the cupboard.",
        ),
    },
    proofs=(
        "Roasted to order in Bristol and posted within 48 hours.",
        "Rated 4.9 on Trustpilot by 8,000 coffee lovers.",
        "We pay at least 30% above the Fairtrade minimum and publish every price.",
        "Letterbox-friendly, fully recyclable packaging.",
        "Pause, skip or cancel any time, no phone calls.",
    ),
    ctas=(
        "Start your subscription",
        "Send a gift",
        "Shop the beans",
        "Find your coffee",
        "Get a quote",
    ),
    visuals=(
        "steam rising from a V60 on a rainy kitchen windowsill",
        "a kraft coffee bag slipping through a red letterbox",
        "a barista's hands pouring latte art in a sunlit café",
        "an office kitchen with a happy queue at a bean-to-cup machine",
    ),
    hashtags=("#EmberAndOak", "#SpecialtyCoffee", "#CoffeeAtHome", "#BrewBetter"),
    blog_titles=(
        "How to brew a better V60 in {n} steps",
        "Meet the growers behind our {product_short}",
        "Why fresh beans matter more than your machine",
        "{n} cold brew recipes for a lazy {season}",
        "Decaf that doesn't taste like decaf",
        "A beginner's guide to tasting notes",
        "What's in season: our {season} coffee line-up",
    ),
    blog_lines=(
        "Coffee is a fruit, and like any fruit it's best when it's fresh.",
        "We roast on Tuesdays and Thursdays, so your beans are days old, not months.",
        "You don't need a £600 machine; a hand grinder makes the bigger difference.",
        "We buy directly from farms and co-ops, and we publish what we pay them.",
        "Weigh your coffee and your water; it's the cheapest upgrade there is.",
        "This season's lots taste brighter than last year's, thanks to a later harvest.",
        "Here's how our head roaster brews at home before the school run.",
    ),
    signoff="Happy brewing,\nThe Ember & Oak roasters",
    audiences=(
        AudienceSpec("subscribers", "Active subscribers",
            "On a fortnightly or monthly bean subscription; opted in to email and SMS.", 41_200,
            "marketing", "UK", "customer"),
        AudienceSpec("lapsed", "Cancelled subscribers",
            "Paused or cancelled in the last 12 months, mostly over price or having too much "
            "coffee.", 27_600, "marketing", "UK", "lapsed"),
        AudienceSpec("prospects", "Specialty coffee drinkers",
            "Interest targeting: specialty coffee, home espresso, AeroPress and V60; ages 25 to "
            "60.", 3_100_000, "none", "UK", "prospect"),
        AudienceSpec("gifters", "Gift buyers",
            "Bought a gift subscription or a gift box in the last two years.", 15_300, "marketing",
            "UK", "vip"),
        AudienceSpec("offices", "Office managers",
            "Office and workplace managers at 20 to 300 person companies in UK cities.", 58_000,
            "none", "UK", "business"),
    ),
)
# fmt: on
