"""Copy of the Trailhead Outfitters demo brand (outdoor-gear D2C): voice, products, phrases."""

from __future__ import annotations

from demo.text.base import AudienceSpec, BrandCopy, Product, Theme

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
    competitors=(
        "REI Co-op", "Patagonia", "Backcountry", "Cotopaxi", "Decathlon",
        "Northbound Supply Co.", "Alder & Pine Outfitters", "Switchrock Gear",
    ),
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
# fmt: on
