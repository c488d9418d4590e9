"""Copy of the Ledgerline demo brand (B2B finance SaaS): voice, products, phrases."""

from __future__ import annotations

from demo.text.base import AudienceSpec, BrandCopy, Product, Theme

# fmt: off
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
    competitors=(
        "Pleo", "Spendesk", "Moss", "Ramp", "BlackLine", "Closewise", "Tallyfront",
        "Kestrel Finance",
    ),
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
# fmt: on
