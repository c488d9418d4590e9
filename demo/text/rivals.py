"""Copy of the demo brands' competitors: fictional rivals, each with its own angles and offers.

The rivals are invented (names and domains end in ``.example``) so that the demo never puts
made-up claims in a real company's mouth. Each rival has two or three angles it keeps
coming back to, with hooks, claims and offers in its own words; the research agent has to
find those angles from the copy alone, and the places where a rival is silent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RivalAngle:
    """One line of attack a rival repeats: its hooks, claims, offers and a headline."""

    headline: str
    subject: str
    hooks: tuple[str, ...]
    claims: tuple[str, ...]
    offers: tuple[str, ...]


@dataclass(frozen=True)
class Rival:
    """A fictional competitor of one demo brand (``rival_of`` is the brand's key)."""

    key: str
    name: str
    domain: str
    rival_of: str
    currency: str
    language: str
    signoff: str
    ctas: tuple[str, ...]
    hashtags: tuple[str, ...]
    angles: tuple[RivalAngle, ...]


# fmt: off
RIVALS: tuple[Rival, ...] = (
    Rival("northbound", "Northbound Supply Co.", "northboundsupply.example", "trailhead", "USD",
        "en-US", "Northbound Supply Co.", ("Shop the deals", "Compare prices", "Grab yours"),
        ("#NorthboundDeals", "#GearForLess"), (
        RivalAngle("Price match on every boot", "We'll match any price on hiking boots",
            ("Found your hiking boots cheaper somewhere else? We'll match it.",
             "Same boots, lower price, no haggling."),
            ("Our price match covers waterproof hiking boots, trail runners and approach shoes "
             "from every major brand.",
             "Send us a link to the lower price and we refund the difference within 14 days."),
            ("Up to 40% off last season's hiking boots.",
             "Free shipping on orders over $49, no membership needed.")),
        RivalAngle("Tent and sleeping bag clearance", "Clearance: tents and sleeping bags",
            ("Backpacking tents at outlet prices, this week only.",
             "Why pay full price for a tent you'll pitch twelve nights a year?"),
            ("The outlet has two-person backpacking tents, down sleeping bags and camp stoves "
             "from last season at clearance prices.",
             "Clearance tents are new, boxed and covered by the maker's warranty."),
            ("Up to 50% off backpacking tents and sleeping bags in the outlet.",
             "An extra 15% off clearance with code OUTLET15.")),
        RivalAngle("Rain jackets for less", "Rain shells under $99",
            ("A waterproof rain jacket shouldn't cost a week's wages.",
             "Stay dry for less than a tank of gas."),
            ("Our rain jackets and softshells start at $79, with fully taped seams.",
             "Every rain shell is tested to 10,000 mm of water pressure."),
            ("Two rain jackets for $150 through Sunday.",
             "Free returns on all jackets for 30 days.")),
    )),
    Rival("alderpine", "Alder & Pine Outfitters", "alderandpine.example", "trailhead", "USD",
        "en-US", "Alder & Pine", ("Start a repair", "Trade in your gear", "Shop recycled"),
        ("#RepairDontReplace", "#WornAgain"), (
        RivalAngle("Repair, don't replace", "Your boots deserve a second life",
            ("The greenest hiking boot is the one you already own.",
             "Torn rain jacket? Don't bin it, send it to us."),
            ("Our repair shop resoles hiking boots and patches rain jackets and tents, whatever "
             "brand they are.",
             "Free lifetime repairs on everything we make, because gear should last decades."),
            ("Resoling for $45, with free return shipping.",
             "Your first repair is free when you join Alder & Pine Circle.")),
        RivalAngle("Trade in your old gear", "Trade in, trade up",
            ("Your old tent is worth more than you think.",
             "That pack in the garage could pay for half a new one."),
            ("Trade in used tents, packs and jackets for store credit; we clean them and sell "
             "them again as certified used gear.",
             "Certified used gear is inspected, repaired and covered by our guarantee."),
            ("Up to $100 trade-in credit on used backpacking tents.",
             "Certified used rain jackets from $60.")),
        RivalAngle("Made from recycled materials", "Recycled, and ready for the trail",
            ("Every jacket we sold this year kept 30 plastic bottles out of the ocean.",
             "Waterproof, breathable and made from fishing nets."),
            ("Our rain shells use 100% recycled nylon and a PFC-free waterproof coating.",
             "Our factories are Fair Trade Certified, and we publish every supplier."),
            ("10% of the price of every recycled jacket goes to river clean-ups.",
             "Free shipping on recycled collections over $75.")),
    )),
    Rival("switchrock", "Switchrock Gear", "switchrockgear.example", "trailhead", "USD",
        "en-US", "The Switchrock crew", ("Get fitted", "Go ultralight", "Book a gear call"),
        ("#GoUltralight", "#ThruHike"), (
        RivalAngle("Every gram counts", "Cut 2 kg from your base weight",
            ("Your base weight is too heavy, and your knees know it.",
             "Thru-hikers count grams. So do we."),
            ("Our one-person ultralight tent weighs 890 g and pitches with trekking poles.",
             "Our 40-litre pack weighs 620 g and carries 15 kg comfortably."),
            ("Save 20% when you buy a tent, pack and sleeping bag together.",
             "Ultralight starter bundles from $499.")),
        RivalAngle("Tested on the long trails", "Tested on 2,650 miles of trail",
            ("Our gear has walked from Mexico to Canada, twice.",
             "We don't test in a lab; we test on the Pacific Crest Trail."),
            ("Every trail runner and pack is tested for 1,000 miles by thru-hikers before it "
             "goes on sale.",
             "Our trail runners are built for long days on rocky trails, with a wide toe box."),
            ("Thru-hiker discount: 15% off with proof of your permit.",
             "Free shipping to any trail town post office.")),
        RivalAngle("Expert fitting by video", "Book a free boot fitting",
            ("Buying boots online is a gamble. A fitting call isn't.",
             "Talk to a thru-hiker before you buy your next pair of boots."),
            ("Book a free 15-minute video fitting: a trail expert checks your size, arch and "
             "pack fit on camera.",
             "Not sure about a tent or pack? Our trail experts answer within the hour."),
            ("Free exchanges if your boots don't fit after your first hike.",
             "Free 15-minute fitting calls, seven days a week.")),
    )),
    Rival("closewise", "Closewise", "closewise.example", "ledgerline", "EUR", "en",
        "The Closewise team", ("Get a demo", "See the close in action", "Run the close audit"),
        ("#MonthEndClose", "#FinanceOps"), (
        RivalAngle("Close in two days with AI", "Close the month in 2 days",
            ("Your month-end close could be done by the second working day.",
             "What if reconciliation ran itself overnight?"),
            ("AI reconciliation matches bank transactions, invoices and receipts with 98% "
             "accuracy, so the month-end close takes two days.",
             "Closewise flags exceptions for review instead of making your team check every "
             "line."),
            ("A free close audit: we benchmark your month-end close against 800 finance teams.",
             "Three months free when you switch from spreadsheets.")),
        RivalAngle("Replace your spreadsheets", "Spreadsheets are not a close process",
            ("Your close checklist lives in a spreadsheet nobody trusts.",
             "Copy-paste is not a control."),
            ("Closewise replaces close spreadsheets with a live checklist, owners and due dates "
             "for every task.",
             "Import your existing close checklist in minutes."),
            ("Free spreadsheet migration for every new customer.",
             "A free month-end close checklist template.")),
    )),
    Rival("tallyfront", "Tallyfront", "tallyfront.example", "ledgerline", "EUR", "en",
        "Tallyfront", ("Start free", "Calculate your savings", "Switch today"),
        ("#AccountsPayable", "#SpendManagement"), (
        RivalAngle("Cut accounts payable costs", "Cut invoice processing costs by 70%",
            ("Processing one supplier invoice costs more than you think.",
             "Your AP team is typing invoices by hand in 2026."),
            ("Tallyfront reads supplier invoices with OCR, routes approvals and pays suppliers "
             "in one run.",
             "Customers cut the cost of processing an invoice by 70%, from 12 euros to under 4."),
            ("Free for the first three months, for up to 500 invoices.",
             "No per-user fees: pay per invoice, from 0.40 euros.")),
        RivalAngle("Corporate cards with controls", "Unlimited free corporate cards",
            ("Stop chasing receipts at month-end.",
             "Give every employee a card, and keep control of every euro."),
            ("Virtual and physical corporate cards with spending limits per team, merchant and "
             "project.",
             "Receipts are captured from a photo and matched to the card payment automatically."),
            ("Unlimited free corporate cards, with 1% cashback.",
             "Switch in a week with free migration from your old expense tool.")),
    )),
    Rival("kestrel", "Kestrel Finance", "kestrelfinance.example", "ledgerline", "EUR", "en",
        "Kestrel Finance", ("Request a controls review", "Talk to sales", "Download the guide"),
        ("#InternalControls", "#AuditReady"), (
        RivalAngle("Audit-ready controls", "Walk into your audit with the evidence ready",
            ("Your auditors will ask for evidence you don't have yet.",
             "Audit season doesn't have to mean late nights."),
            ("Kestrel maps every control to its evidence: approvals, segregation of duties and "
             "change logs, exportable for your auditors.",
             "SOC 2 Type II and ISO 27001 certified, with a controls library of 140 templates."),
            ("A free controls gap review with a former Big Four auditor.",
             "The free SOX-lite controls guide for mid-market finance teams.")),
        RivalAngle("Built for your ERP", "Works with NetSuite, SAP and Dynamics",
            ("Your ERP is staying. Your manual workarounds don't have to.",
             "Multi-entity consolidation shouldn't take a week of exports."),
            ("Native connectors for NetSuite, SAP Business One and Microsoft Dynamics keep "
             "every entity and currency in sync.",
             "Intercompany eliminations and currency revaluation run automatically at close."),
            ("Implementation in 30 days, or the first year is 50% off.",
             "A free consolidation workshop for groups with five or more entities.")),
    )),
    Rival("roastwell", "Roastwell", "roastwell.example", "emberoak", "GBP", "en-GB",
        "Team Roastwell", ("Claim your free box", "Start for £1", "Build your box"),
        ("#Roastwell", "#CoffeeForLess"), (
        RivalAngle("Your first box is free", "Your first box of coffee is on us",
            ("Try speciality coffee for nothing.",
             "Your first coffee subscription box costs you nothing but postage."),
            ("Pick two bags of freshly roasted coffee and we'll send them free, then £6.99 a "
             "bag after that.",
             "Whole beans or ground for your cafetiere, espresso machine or V60."),
            ("First box free, just pay £2.95 delivery.",
             "50% off your first three bags with code HALFBEANS.")),
        RivalAngle("Cheaper than the coffee shop", "Less than 40p a cup",
            ("Your daily flat white costs you £1,200 a year.",
             "Barista coffee at home for the price of a biscuit."),
            ("A bag of Roastwell makes 30 cups, so a cup costs less than 40p.",
             "Subscribers save 25% on every bag compared with buying one-off."),
            ("Refer a friend and you both get a free bag.",
             "Free delivery on every subscription order.")),
    )),
    Rival("kettlecrow", "Kettle & Crow", "kettleandcrow.example", "emberoak", "GBP", "en-GB",
        "Kettle & Crow", ("Meet the farmers", "Shop direct trade", "Read the impact report"),
        ("#DirectTrade", "#KnowYourFarmer"), (
        RivalAngle("Direct trade with farmers", "Meet the farmer behind your coffee",
            ("Do you know who grew your coffee?",
             "We pay farmers more than twice the Fairtrade price."),
            ("We buy green coffee directly from 18 farms in Colombia, Ethiopia and Rwanda and "
             "publish the price we pay.",
             "Every bag tells you the farm, the altitude and the harvest month."),
            ("Half of our profits go back to our partner farms.",
             "A free farm postcard and tasting notes with every subscription.")),
        RivalAngle("Compostable and carbon-neutral", "Coffee with a lighter footprint",
            ("Your coffee bag shouldn't outlive your coffee machine.",
             "Good coffee, and no plastic in the bin."),
            ("Our bags are home-compostable and our roastery runs on renewable electricity.",
             "Every delivery is carbon-neutral, shipped by bike in London."),
            ("Return five empty bags and your next bag is free.",
             "10% off when you choose the plastic-free refill tin.")),
    )),
    Rival("podhaven", "Podhaven", "podhaven.example", "emberoak", "GBP", "en-GB",
        "Podhaven", ("Get the machine", "Choose your pods", "Start your plan"),
        ("#PodLife", "#CoffeeInSeconds"), (
        RivalAngle("Machine included with a plan", "A coffee machine for £1",
            ("Barista coffee at the press of a button.",
             "No grinder, no scales, no mess: just great coffee."),
            ("Subscribe to 60 pods a month and the Podhaven pod machine is yours for £1.",
             "The pod machine makes espresso, lungo and a milky flat white in 30 seconds."),
            ("Get the pod machine for £1 when you start a 12-month pod plan.",
             "Free milk frother with your first order.")),
        RivalAngle("Pause or skip in the app", "Skip a month with one tap",
            ("Going away? Skip your coffee delivery in one tap.",
             "A coffee subscription that fits your week, not the other way round."),
            ("Pause, skip or swap your pods in the Podhaven app, any time before dispatch.",
             "Pods are aluminium, and we collect the used ones for recycling."),
            ("Cancel any time, no minimum term on pod-only plans.",
             "Free next-day delivery on orders before 3 pm.")),
    )),
)
# fmt: on

RIVAL_NAMES: dict[str, tuple[str, ...]] = {
    key: tuple(r.name for r in RIVALS if r.rival_of == key)
    for key in dict.fromkeys(r.rival_of for r in RIVALS)
}
