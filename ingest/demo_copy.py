"""Copy corpus of the demo data set: three brands, their audiences, phrase banks, templates.

:mod:`ingest.demo` fills the templates from the banks with a seeded RNG, so text is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    """A product or feature a campaign can feature; ``benefit`` completes "Our {name} …"."""

    name: str
    short: str
    benefit: str


@dataclass(frozen=True)
class Theme:
    """A seasonal campaign theme: the months it starts in, a short hook and the full offer."""

    months: tuple[int, ...]
    name: str
    short: str
    offer: str


@dataclass(frozen=True)
class AudienceSpec:
    """A brand audience; ``segment`` drives copy hooks and response multipliers."""

    key: str
    name: str
    description: str
    size: int
    consent: str
    region: str
    segment: str


@dataclass(frozen=True)
class BrandCopy:
    """Everything textual about one demo brand."""

    key: str
    name: str
    short_name: str
    domain: str
    language: str
    merge_tag: str
    voice: str
    guidelines: str
    channel_rules: str
    competitors: tuple[str, ...]
    units: dict[str, tuple[Product, ...]]
    lead_unit: str | None
    themes: tuple[Theme, ...]
    hooks: dict[str, tuple[str, ...]]
    proofs: tuple[str, ...]
    ctas: tuple[str, ...]
    visuals: tuple[str, ...]
    hashtags: tuple[str, ...]
    blog_titles: tuple[str, ...]
    blog_lines: tuple[str, ...]
    signoff: str
    audiences: tuple[AudienceSpec, ...]


# fmt: off
TRAILHEAD = BrandCopy(
    key="trailhead",
    name="Trailhead Outfitters",
    short_name="Trailhead",
    domain="trailheadoutfitters.example",
    language="en-US",
    merge_tag="*|FNAME|*",
    voice=(
        "Plainspoken, warm and a little wry, like a friend who has hiked the trail before you. "
        "Short sentences, concrete gear facts (grams, degrees, liters), no extreme-sports "
        "bravado and no shouting in capitals."
    ),
    guidelines=(
        "Lead with the trip, then the gear. Give one concrete spec per message and back every "
        "performance claim with a test or a review. Discounts stop at 30% and codes never stack. "
        "Never say 'cheap', say 'good value'. Show real people of every body type on real trails, "
        "and mention Leave No Trace whenever we show a campsite. It is the Trailhead Guarantee, "
        "never a 'lifetime warranty'."
    ),
    channel_rules=(
        "Email and SMS go only to people with marketing consent; SMS stays under 160 characters "
        "and ends with 'Reply STOP to opt out'. Search ads name the product in headline 1. "
        "Social captions end with at most three hashtags. Affiliates may not bid on "
        "'Trailhead' brand terms."
    ),
    competitors=("REI Co-op", "Patagonia", "Backcountry", "Cotopaxi", "Decathlon"),
    units={
        "Footwear": (
            Product("Ridgeline Mid waterproof hiking boot", "Ridgeline Mid",
                "keeps your feet dry through creek crossings and needs no break-in"),
            Product("Switchback trail runner", "Switchback",
                "grips wet granite and weighs just 280 g a shoe"),
            Product("Camp Moc recovery slip-on", "Camp Moc",
                "lets tired feet breathe at camp and packs flat into a side pocket"),
        ),
        "Camping": (
            Product("Basecamp 2 ultralight tent", "Basecamp 2",
                "pitches in four minutes and weighs 1.3 kg with poles"),
            Product("Emberlite 20° down sleeping bag", "Emberlite 20°",
                "keeps you warm down to 20°F with responsibly sourced 800-fill down"),
            Product("Nomad one-burner stove", "Nomad stove",
                "boils a liter of water in three and a half minutes, even in wind"),
        ),
        "Apparel": (
            Product("Scree softshell jacket", "Scree softshell",
                "stretches when you scramble and shrugs off wind and light rain"),
            Product("Overlook 2.5-layer rain shell", "Overlook shell",
                "stays waterproof and breathable on all-day climbs"),
            Product("Tallus merino base layer", "Tallus merino",
                "regulates temperature and stays odor-free for days on the trail"),
        ),
        "Packs": (
            Product("Traverse 45 backpacking pack", "Traverse 45",
                "carries a week of food on a hip belt that moves with you"),
            Product("Daybreak 22 daypack", "Daybreak 22",
                "fits a layer, lunch and two liters of water without bouncing"),
            Product("Hydra 2L hydration vest", "Hydra vest",
                "keeps water within reach and never sloshes on the descent"),
        ),
        "Pro & Group Sales": (
            Product("group outfitting program", "Group outfitting",
                "kits out a whole club or crew with volume pricing and custom embroidery"),
            Product("Guide Pro program", "Guide Pro",
                "gives certified guides 30% off the gear they use every working day"),
        ),
    },
    lead_unit="Pro & Group Sales",
    themes=(
        Theme((12,), "Holiday Gear Guide", "Gifts for every trail",
            "Order by December 18 for delivery before the holidays, with free two-day shipping "
            "over $75."),
        Theme((1,), "New Year, New Trails", "15% off trail runners",
            "Start the year on the trail: 15% off every trail runner with code NEWTRAIL15."),
        Theme((1, 2), "Winter Layering Event", "Up to 30% off layers",
            "Stay warm for less: up to 30% off insulated jackets, fleece and base layers."),
        Theme((3, 4), "Spring Trail Kickoff", "20% off footwear",
            "Summit Club members get 20% off all footwear with code KICKOFF20 until April 30."),
        Theme((5,), "Memorial Day Campout Sale", "25% off tents and bags",
            "Up to 25% off tents, sleeping bags and stoves through Memorial Day."),
        Theme((6, 7), "Summer Thru-Hike Season", "A free trail kit over $150",
            "Get a free trail-snack kit and a bandana with any pack over $150."),
        Theme((8,), "Back-to-Trail Sale", "Last call on summer gear",
            "Last call on summer gear: up to 30% off last season's colors."),
        Theme((9, 10), "Fall Color Hikes", "Layers for crisp mornings",
            "Crisp mornings call for layers: buy any shell and get 20% off a base layer."),
        Theme((11,), "Black Friday Basecamp Sale", "30% off sitewide",
            "Our biggest sale of the year: 30% off sitewide, November 27 to 30."),
    ),
    hooks={
        "customer": (
            "Your last trip deserves a sequel.",
            "You know our gear. Here's what's new on the rack.",
            "Thanks for coming back to the trailhead; we kept something aside for you.",
        ),
        "lapsed": (
            "It's been a while since your last trip with us, and the trails have missed you.",
            "A lot has changed since your last order: lighter packs, grippier soles.",
            "Still wearing the boots you bought from us? Let's talk about the next pair.",
        ),
        "vip": (
            "Summit Club members hear it first.",
            "Members get first pick, as always.",
            "Your points are waiting, and so is the trail.",
        ),
        "prospect": (
            "The best views are a few miles past the parking lot.",
            "Weekend plans: get out, get muddy, get home dry.",
            "Day hike or first overnight? Start with gear tested by real hikers.",
        ),
        "lookalike": (
            "Hikers like you are packing this right now.",
            "Made for people who check the forecast twice and go anyway.",
        ),
        "business": (
            "Outfitting a club, a crew or a guiding company?",
            "Group trip coming up? We'll handle the gear list.",
        ),
    },
    proofs=(
        "Rated 4.8 out of 5 by more than 12,000 hikers.",
        "Covered by the Trailhead Guarantee: if it fails on the trail, we fix or replace it.",
        "Field-tested for 600 miles on the Colorado Trail by our own staff.",
        "Free returns for 60 days, even if you've worn it outside.",
        "1% of every sale funds trail maintenance crews.",
    ),
    ctas=(
        "Shop the collection",
        "Find your size",
        "Plan your next trip",
        "Get yours",
        "See what's new",
    ),
    visuals=(
        "a hiker on a ridgeline at golden hour, pack straps pulled tight",
        "a tent glowing under a starry sky beside an alpine lake",
        "muddy boots crossing a creek on slick rocks",
        "two friends sharing a thermos at a foggy overlook",
        "a trail runner mid-stride on a switchback through aspens",
    ),
    hashtags=("#Trailhead", "#GetOutside", "#HikeMore", "#LeaveNoTrace", "#TrailReady"),
    blog_titles=(
        "{n} day hikes that are better in {season}",
        "How to choose hiking boots that fit the first time",
        "The {season} layering system, explained",
        "Your first overnight: a packing list that fits in a {product_short}",
        "What 600 miles taught us about the {product_short}",
        "Leave No Trace: {n} habits for busy trails",
        "How we test gear before it reaches you",
        "Trail food that doesn't taste like cardboard",
    ),
    blog_lines=(
        "We asked our staff, who log more than 10,000 trail miles a year, what they carry.",
        "Start with the weather, not the gear list; the gear follows.",
        "Most blisters come from a boot that's half a size too small, not from the boot itself.",
        "You don't need the lightest kit on the market, you need kit you trust at mile twelve.",
        "Here's what worked, what didn't and what we changed before it went on sale.",
        "Pack the ten essentials even on short hikes; they weigh less than you think.",
        "A good layering system is three pieces, not ten.",
        "Whatever you carry in, carry out, and pick up one more piece of trash on the way back.",
    ),
    signoff="See you out there,\nThe Trailhead crew",
    audiences=(
        AudienceSpec("returning", "Returning customers",
            "Bought at least twice in the last 18 months; opted in to email and SMS.", 84_300,
            "marketing", "US", "customer"),
        AudienceSpec("lapsed", "Lapsed buyers",
            "Last order 12 to 30 months ago; still subscribed to email.", 51_800, "marketing", "US",
            "lapsed"),
        AudienceSpec("summit-club", "Summit Club members",
            "Loyalty members earning double points; highest lifetime value, first to hear about "
            "launches.", 22_450, "marketing", "US", "vip"),
        AudienceSpec("prospects", "Prospects: day hikers and weekend campers",
            "Interest targeting on Google, Meta and TikTok: hiking, camping, national parks; ages "
            "24 to 54.", 2_400_000, "none", "US", "prospect"),
        AudienceSpec("lookalike", "Lookalike of top 5% customers",
            "1% lookalike of the highest-value customers, refreshed monthly.", 1_850_000, "none",
            "US", "lookalike"),
        AudienceSpec("groups", "Clubs, guides and group leaders",
            "Outdoor clubs, scout troops, guiding companies and corporate retreats asking for "
            "group pricing.", 6_200, "marketing", "US, CA", "business"),
    ),
)

LEDGERLINE = BrandCopy(
    key="ledgerline",
    name="Ledgerline",
    short_name="Ledgerline",
    domain="ledgerline.example",
    language="en",
    merge_tag="{{ contact.firstname }}",
    voice=(
        "Clear, calm and numerate. We write for finance people: precise claims with the number "
        "and its source, plain verbs, no hype words like 'revolutionary'. Confident, never smug "
        "about spreadsheets."
    ),
    guidelines=(
        "Every number in a claim needs a source (customer survey, benchmark or product "
        "analytics) linked in the brief. Never promise compliance or audit outcomes; say 'helps "
        "you prepare for'. Say 'month-end close', not 'closing the books faster than ever'. Name "
        "customers only with a signed reference agreement. Quote prices per month, excluding VAT."
    ),
    channel_rules=(
        "Email goes only to trial users and customers with marketing consent, sent from HubSpot; "
        "cold outreach belongs to sales. LinkedIn ads target job titles, never individuals. "
        "Search ads never use competitor names in ad text. Demos and webinars are the primary "
        "conversion, trials the secondary one."
    ),
    competitors=("Pleo", "Spendesk", "Moss", "Ramp", "BlackLine"),
    units={
        "SMB": (
            Product("Close Autopilot", "Close Autopilot",
                "matches bank lines, invoices and receipts automatically, so the month-end close "
                "takes three days instead of ten"),
            Product("AP Inbox", "AP Inbox",
                "turns supplier invoices from any inbox into approved, scheduled payments"),
            Product("Spend Cards", "Spend Cards",
                "gives every team a card whose limits enforce your policy before anyone pays"),
        ),
        "Mid-Market": (
            Product("multi-entity consolidation", "Consolidation",
                "rolls every entity and currency into one live ledger, with intercompany "
                "eliminations done for you"),
            Product("13-week Cash Forecast", "Cash Forecast",
                "projects cash from live bank data and open invoices, updated every morning"),
            Product("Audit Trail", "Audit Trail",
                "keeps a tamper-evident log of every approval, change and export"),
        ),
        "Partners & Accountants": (
            Product("Partner Console", "Partner Console",
                "lets a firm run the books of dozens of clients from one login"),
            Product("client onboarding kit", "Onboarding kit",
                "moves a new client onto Ledgerline in an afternoon, bank feeds included"),
        ),
        "Expansion": (
            Product("extra entities add-on", "Extra entities",
                "adds a subsidiary in minutes, with its own chart of accounts and VAT setup"),
            Product("approval flow builder", "Approval flows",
                "routes every purchase, invoice and expense to the right approver, with reminders"),
        ),
    },
    lead_unit=None,
    themes=(
        Theme((12,), "Year-End Close", "A calm year-end close",
            "Get a free year-end close checklist and a 30-minute review with one of our finance "
            "specialists."),
        Theme((1,), "New Fiscal Year", "2 months free on annual plans",
            "Sign an annual plan in January and get two months free."),
        Theme((2, 3), "Audit-Ready Q1", "A free audit-readiness check",
            "Book a free audit-readiness assessment: we map your controls and gaps in one call."),
        Theme((4, 5), "Close in 3 Days", "Live session: close in 3 days",
            "Join the live session 'How finance teams close in three days', with Q&A and the "
            "checklist."),
        Theme((6, 7), "Midyear Efficiency Sprint", "A 30-day trial with migration",
            "Start a 30-day free trial; we move your data over from spreadsheets or old tools."),
        Theme((8,), "Spend Control Summer", "Spend Cards free for 90 days",
            "Spend Cards are free for the first 90 days for new workspaces."),
        Theme((9, 10), "Budget Season 2027", "A free 2027 budget template",
            "Download the 2027 budget template and see the Cash Forecast in a 20-minute demo."),
        Theme((11,), "Q4 Close Prep", "20% off your first year",
            "Switch before 31 December and get 20% off your first year."),
    ),
    hooks={
        "customer": (
            "Your team already closes faster with Ledgerline; here's the next step.",
            "You asked for it in last quarter's customer survey, so we built it.",
            "A quick idea for your next close, based on how your team uses Ledgerline.",
        ),
        "trial": (
            "You're ten days into your trial; here's the feature teams wish they'd tried first.",
            "Connect one bank feed and you'll see your first auto-matched transactions in minutes.",
            "Most teams decide in the first two weeks. Here's what to try before yours ends.",
        ),
        "prospect": (
            "Still closing the month in spreadsheets?",
            "If month-end takes your team ten days, three of them are probably copy-paste.",
            "Finance teams at more than 1,200 companies stopped chasing receipts this year.",
        ),
        "business": (
            "Running the books for twenty clients shouldn't need twenty logins.",
            "Your clients want real-time numbers; your team wants fewer late nights.",
        ),
    },
    proofs=(
        "Customers close the month in 3.2 days on average (2025 customer survey, n=412).",
        "ISO 27001 certified, with all data hosted in the EU.",
        "Rated 4.7 out of 5 on G2 by finance teams.",
        "Connects to 2,500+ European banks and to Xero, Exact and DATEV.",
        "Live in a day: no implementation partner needed.",
    ),
    ctas=(
        "Book a demo",
        "Start your free trial",
        "Save your seat",
        "Get the checklist",
        "Talk to a specialist",
    ),
    visuals=(
        "a finance lead closing her laptop at 5 pm on the last working day of the month",
        "a dashboard where matched transactions turn green one by one",
        "a calm finance team meeting with coffee instead of spreadsheets",
        "a split screen: a ten-day close calendar next to a three-day one",
    ),
    hashtags=("#FinanceOps", "#MonthEndClose", "#CFO", "#Accounting"),
    blog_titles=(
        "The {n}-step month-end close checklist for growing companies",
        "What a {season} audit taught us about controls",
        "How to build a 13-week cash forecast your board will trust",
        "{product_short} in practice: {n} lessons from finance teams",
        "Spend policies that people actually follow",
        "Consolidating {n} entities without losing a week",
        "The hidden cost of manual invoice matching",
    ),
    blog_lines=(
        "Most of the delay in a month-end close is waiting, not work.",
        "We looked at anonymised data from 412 customer workspaces to see where the days go.",
        "Spreadsheets aren't the problem; copying between them is.",
        "A control nobody follows is worse than none, because it creates false comfort.",
        "Start with the reconciliations that block everything else.",
        "Your auditors care about evidence more than polish.",
        "The best finance teams automate the routine and spend the saved time on analysis.",
    ),
    signoff="Best regards,\nThe Ledgerline team",
    audiences=(
        AudienceSpec("smb-finance", "SMB finance leads",
            "Finance owners and office managers at 10 to 200 employee companies in NL, DE, the UK "
            "and the Nordics.", 380_000, "none", "EU", "prospect"),
        AudienceSpec("midmarket-cfo", "Mid-market CFOs and controllers",
            "CFOs, finance directors and controllers at 200 to 1,000 employee companies; an "
            "account list of 2,400 targets.", 96_000, "none", "EU", "prospect"),
        AudienceSpec("trial-users", "Active trial users",
            "Workspaces in their 30-day free trial; product-qualified once they connect a bank "
            "feed.", 7_450, "marketing", "EU", "trial"),
        AudienceSpec("customers", "Customers (expansion)",
            "Paying workspaces on Starter or Growth plans; candidates for Spend Cards and extra "
            "entities.", 3_180, "marketing", "EU", "customer"),
        AudienceSpec("accountants", "Accounting firms and bookkeepers",
            "Firms that keep the books of several clients and can refer or resell Ledgerline.",
            142_000, "none", "EU", "business"),
    ),
)

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
    competitors=("Pact Coffee", "Grind", "Origin Coffee", "Union Hand-Roasted", "Nespresso"),
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
BRAND_COPY: tuple[BrandCopy, ...] = (TRAILHEAD, LEDGERLINE, EMBER_OAK)


# -- templates ------------------------------------------------------------------------------
_SUBJECTS: dict[str, tuple[str, ...]] = {
    "customer": (
        "{merge}, {short_lower}, picked for you",
        "New for you: {product_short}",
        "{theme}: your early look",
        "Because you asked: {product_short}",
        "{merge}, this one's for regulars",
    ),
    "lapsed": (
        "{merge}, we saved you a spot",
        "It's been a while: {short_lower}",
        "Come back to {short_name}: {short_lower}",
        "Still thinking about {product_short}?",
    ),
    "vip": (
        "Members first: {short_lower}",
        "{merge}, your early access to {theme} starts now",
        "Before anyone else: {product_short}",
    ),
    "trial": (
        "{merge}, try {product_short} before your trial ends",
        "Day 10: the feature teams try first",
        "Your trial, half-way: {short_lower}",
    ),
    "prospect": (
        "{theme}: {short_lower}",
        "{merge}, meet {product_short}",
        "{short} from {short_name}",
    ),
}
_SMS: dict[str, tuple[str, ...]] = {
    "customer": ("{short}, just for you:", "New in: {product_short}. {short}:"),
    "lapsed": ("We miss you! {short} to welcome you back:", "Come back for {short_lower}:"),
    "vip": ("Members first: {short} starts today:", "Early access, {theme}:"),
    "prospect": ("{theme}: {short_lower}.",),
}
_PRODUCT_LINES = (
    "Our {product} {benefit}.",
    "The {product} {benefit}.",
    "{brand}'s {product} {benefit}.",
)
_SEASONS = {
    12: "winter",
    1: "winter",
    2: "winter",
    3: "spring",
    4: "spring",
    5: "spring",
    6: "summer",
    7: "summer",
    8: "summer",
    9: "fall",
    10: "fall",
    11: "fall",
}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


@dataclass(frozen=True)
class CopyContext:
    """What one piece of creative is about: theme, product, audience, link and month."""

    theme: Theme
    product: Product
    audience: AudienceSpec
    url: str
    month: int


@dataclass(frozen=True)
class ReportStats:
    """Figures for one brand and period; channels are (name, spend, revenue)."""

    period: str
    currency: str
    spend: float
    revenue: float
    conversions: int
    leads: int
    campaigns: int
    baseline_roas: float | None
    channels: tuple[tuple[str, float, float], ...]
    top_campaigns: tuple[tuple[str, str, float, float], ...]  # id, name, spend, revenue


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lc(text: str) -> str:
    if len(text) > 1 and (text[1].isupper() or text[0].isdigit()):
        return text
    return text[:1].lower() + text[1:]


def season_word(brand: BrandCopy, month: int) -> str:
    """The season of a month in the brand's spelling (fall or autumn)."""
    word = _SEASONS[month]
    return "autumn" if word == "fall" and brand.language == "en-GB" else word


def _slots(brand: BrandCopy, ctx: CopyContext, rng: random.Random) -> dict[str, str]:
    hooks = brand.hooks.get(ctx.audience.segment) or brand.hooks["prospect"]
    slots = {
        "brand": brand.name,
        "short_name": brand.short_name,
        "merge": brand.merge_tag,
        "theme": ctx.theme.name,
        "short": ctx.theme.short,
        "short_lower": _lc(ctx.theme.short),
        "offer": ctx.theme.offer,
        "product": ctx.product.name,
        "benefit": ctx.product.benefit,
        "product_short": ctx.product.short,
        "hook": rng.choice(hooks),
        "proof": rng.choice(brand.proofs),
        "cta": rng.choice(brand.ctas),
        "visual": rng.choice(brand.visuals),
        "url": ctx.url,
        "domain": brand.domain,
        "season": season_word(brand, ctx.month),
    }
    slots["product_line"] = _cap(rng.choice(_PRODUCT_LINES).format(**slots))
    return slots


def _email(brand: BrandCopy, seg: str, s: dict[str, str], rng: random.Random) -> tuple[str, str]:
    subject = _cap(rng.choice(_SUBJECTS.get(seg, _SUBJECTS["prospect"])).format(**s))
    preheader = rng.choice(("{proof}", "{offer}", "{theme}: {short_lower}.")).format(**s)
    middle = [s["offer"], s["proof"]]
    if rng.random() < 0.5:
        middle.reverse()
    paras = [
        f"Hi {s['merge']},",
        s["hook"],
        s["product_line"],
        *middle,
        f"{s['cta']}: {s['url']}",
        brand.signoff,
    ]
    if rng.random() < 0.3:
        paras.append("P.S. " + rng.choice([p for p in brand.proofs if p != s["proof"]]))
    body = f"Subject: {subject}\nPreheader: {preheader}\n\n" + "\n\n".join(paras)
    return f"Email: {subject}", body


def _social(brand: BrandCopy, s: dict[str, str], rng: random.Random) -> tuple[str, str, str]:
    kind = rng.choices(("ad_copy", "image", "video"), weights=(5, 3, 2))[0]
    if kind == "ad_copy":
        body = (
            f"Primary text: {s['hook']} {s['product_line']} {s['offer']}\n"
            f"Headline: {s['short']}\nDescription: {s['proof']}\nButton: {s['cta']}\n"
            f"Link: {s['url']}"
        )
        return kind, f"Social ad: {s['short']} · {s['product_short']}", body
    if kind == "image":
        body = (
            f"Creative brief: {s['visual']}, featuring our {s['product']}.\n"
            f'Overlay text: "{s["short"]}"\nCaption: {s["hook"]} {s["offer"]}\n'
            f"Alt text: {_cap(s['visual'])}.\nSizes: 1080x1080 feed, 1080x1920 stories\n"
            f"Link: {s['url']}"
        )
        return kind, f"Social image: {s['product_short']} · {s['theme']}", body
    body = (
        f"15-second vertical video\n0-3 s hook: {s['hook']}\n3-10 s: {_cap(s['visual'])}. "
        f"On-screen: {s['product_line']}\n10-15 s: {s['offer']} End card: {s['cta']}.\n"
        f"Link: {s['url']}"
    )
    return kind, f"Social video: {s['theme']} · {s['product_short']}", body


def render_creative(
    brand: BrandCopy, channel_kind: str, ctx: CopyContext, rng: random.Random
) -> tuple[str, str, str]:
    """Creative for one channel kind: (asset kind, title, body)."""
    s = _slots(brand, ctx, rng)
    seg = ctx.audience.segment
    if channel_kind == "email":
        return ("email", *_email(brand, seg, s, rng))
    if channel_kind == "paid_social":
        return _social(brand, s, rng)
    if channel_kind == "sms":
        line = _cap(rng.choice(_SMS.get(seg, _SMS["prospect"])).format(**s))
        link = f"{brand.domain}/s/{rng.randrange(36**5):05x}"
        body = f"{brand.short_name}: {line} {link} Reply STOP to opt out"
        return "ad_copy", f"SMS: {s['short']} ({ctx.audience.name})", body
    if channel_kind == "paid_search":
        heads = [s["product_short"], s["short"], brand.short_name, s["cta"]]
        body = (
            f"Responsive search ad\nHeadlines: {' | '.join(heads)}\n"
            f"Descriptions: {s['product_line']} {s['offer']}\nFinal URL: {s['url']}"
        )
        return "ad_copy", f"Search ad: {s['product_short']} · {s['theme']}", body
    if channel_kind == "organic_social":
        tags = " ".join(rng.sample(brand.hashtags, 2))
        if rng.random() < 0.5:
            body = (
                f"{s['hook']}\n\n{s['product_line']} {s['proof']}\n\n{s['cta']}: {s['url']} {tags}"
            )
        else:
            body = f"{s['theme']} is here. {s['offer']}\n\n{s['product_line']} {s['url']}\n\n{tags}"
        return "social_post", f"Post: {s['theme']} · {s['product_short']}", body
    if channel_kind == "display":
        body = (
            f"Display banners (300x250, 728x90, 160x600)\nHeadline: {s['short']}\n"
            f"Subline: {s['product_line']}\nVisual: {_cap(s['visual'])}\n"
            f"Button: {s['cta']}\nAlt text: {s['product']}, {s['short_lower']}\n"
            f"Click-through: {s['url']}"
        )
        return "image", f"Display banners: {s['short']} · {s['product_short']}", body
    if channel_kind == "video":
        body = (
            f"30-second pre-roll script\n0-5 s (before skip): {s['hook']}\n"
            f'5-20 s: {_cap(s["visual"])}. Voice-over: "{s["product_line"]}"\n'
            f"20-25 s: {s['proof']}\n25-30 s: {s['offer']} End card: {s['cta']}, "
            f"{s['domain']}.\nClick-through: {s['url']}"
        )
        return "video", f"Video: {s['theme']} · {s['product_short']}", body
    if channel_kind == "affiliate":
        body = (
            f'Affiliate brief: {s["theme"]}\nApproved copy: "{s["product_line"]} '
            f'{s["offer"]}"\nProof point: {s["proof"]}\nTracking link: {s["url"]}\n'
            "Rules: no bidding on our brand terms; no stacking with other codes."
        )
        return "ad_copy", f"Affiliate brief: {s['theme']} · {s['product_short']}", body
    proofs = "\n".join(f"- {p}" for p in rng.sample(brand.proofs, 3))
    body = (
        f"H1: {s['theme']}: {s['product_short']}\nSubhead: {s['product_line']}\n\n"
        f"{s['hook']}\n\nWhy {brand.name}:\n{proofs}\n\nOffer: {s['offer']}\n"
        f"Button: {s['cta']}"
    )
    return "landing_page", f"Landing page: {s['theme']} · {s['product_short']}", body


def render_blog(brand: BrandCopy, ctx: CopyContext, rng: random.Random) -> tuple[str, str]:
    """A blog post title and intro that supports a campaign."""
    s = _slots(brand, ctx, rng)
    title = _cap(
        rng.choice(brand.blog_titles).format(
            n=rng.randint(3, 9), season=s["season"], product_short=ctx.product.short
        )
    )
    a, b, c = rng.sample(brand.blog_lines, 3)
    body = (
        f"{title}\n\n{a} {b}\n\nThis {s['season']} we keep coming back to the "
        f"{ctx.product.name}: it {ctx.product.benefit}. {c}\n\n{s['offer']}"
    )
    return title, body


def render_guideline(brand: BrandCopy) -> tuple[str, str]:
    """The brand's guideline document: voice, rules, channel rules, audiences."""
    title = f"{brand.name} brand and channel guidelines"
    audiences = "\n".join(
        f"- {a.name}: {a.description} Consent: {a.consent}." for a in brand.audiences
    )
    body = "\n\n".join(
        (
            title,
            f"Voice\n{brand.voice}",
            f"Rules\n{brand.guidelines}",
            f"Channels\n{brand.channel_rules}",
            "Competitors\nNever named in ads or emails. We track: "
            + ", ".join(brand.competitors)
            + ".",
            f"Audiences\n{audiences}",
        )
    )
    return title, body


def _money(symbol: str, value: float) -> str:
    return f"{symbol}{value:,.0f}"


def render_report(brand: BrandCopy, stats: ReportStats) -> tuple[str, str]:
    """A performance review with channel figures, top campaigns and recommendations."""
    sym = _SYMBOLS.get(stats.currency, stats.currency + " ")
    roas = stats.revenue / stats.spend if stats.spend else 0.0
    title = f"{brand.name} performance review: {stats.period}"
    summary = (
        f"We spent {_money(sym, stats.spend)} across {stats.campaigns} campaigns and "
        f"attributed {_money(sym, stats.revenue)} in revenue, a ROAS of {roas:.2f}"
    )
    if stats.baseline_roas:
        summary += f" against a baseline of {stats.baseline_roas:.2f}"
    summary += f". Conversions: {stats.conversions:,}. New leads: {stats.leads:,}."
    lines = [
        f"- {name}: spend {_money(sym, sp)}, revenue {_money(sym, rv)}, ROAS {rv / sp:.2f}"
        for name, sp, rv in stats.channels
        if sp > 0
    ]
    tops = [
        f"- {cid} {name}: revenue {_money(sym, rv)}, ROAS {rv / sp:.2f}"
        for cid, name, sp, rv in stats.top_campaigns
        if sp > 0
    ]
    body = [
        title,
        "Summary\n" + summary,
        "By channel\n" + "\n".join(lines),
        "Top campaigns\n" + "\n".join(tops),
    ]
    big = [c for c in stats.channels if c[1] >= 0.03 * stats.spend]
    if len(big) >= 2:
        best = max(big, key=lambda c: c[2] / c[1])
        worst = min(big, key=lambda c: c[2] / c[1])
        top = max(big, key=lambda c: c[1])
        share = top[1] / stats.spend
        body.append(
            f"What we learned\n{best[0]} returned the most per {sym}1 ({best[2] / best[1]:.2f}), "
            f"{worst[0]} the least ({worst[2] / worst[1]:.2f}). {top[0]} took {share:.0%} of "
            "spend and its returns flatten as daily spend grows, so judge the next "
            f"{sym}1 by marginal, not average, ROAS."
        )
        body.append(
            f"Recommendations\n- Move 10-15% of the {worst[0]} budget to {best[0]} and re-check "
            f"marginal ROAS after two weeks.\n- Hold {top[0]} near its current daily spend "
            "unless a holdout test shows headroom.\n- Refresh creative on campaigns running "
            "longer than 60 days."
        )
    return title, "\n\n".join(body)
