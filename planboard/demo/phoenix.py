"""Phoenix Strategic Technology Plan 2022-2026: the plan, its goals, objectives and metrics.

Source: ../shared/seeds/phoenix-strategic-technology-plan-2022-2026.txt. The vision and mission
are the seed's own words (cleaned of OCR spacing). The seed names five core strategic goals
without listing them, and names goal 6, Strategy Execution, with its two long-term items; goals
1-5, every objective and every metric are our illustrative wording, so the plan is marked
`is_sample`.

Fiscal years: Phoenix's fiscal year runs July to June, so the plan's five years 2022-2026 are
FY2023..FY2027 (July 2022 - June 2027) with `fiscal_year_start_month = 7`. Short-term objectives
cover the first two fiscal years (to June 2024), long-term ones the whole plan (to June 2027).

Each metric's `speed` is how much of the gap between baseline and target it has closed by its
target date (1.0 = exactly on target); the loader turns it into quarterly readings.
"""

import datetime

SLUG = "phoenix-2022-2026"

PLAN = {
    "title": "Phoenix Strategic Technology Plan 2022-2026",
    "slug": SLUG,
    "vision": "To be recognized as the best-in-class IT services organization within municipal government.",
    "mission": "Deliver secure, responsible, sustainable, and flexible IT services, solutions, and governance "
    "for the City of Phoenix.",
    "start_fiscal_year": 2023,
    "end_fiscal_year": 2027,
    "fiscal_year_start_month": 7,
    "status": "active",
    "is_published": True,
    "is_sample": True,
}

BASELINE_DATE = datetime.date(2022, 6, 30)
TARGET_DATE = {"short": datetime.date(2024, 6, 30), "long": datetime.date(2027, 6, 30)}

SAMPLE_NOTE = "Illustrative wording: the adopted plan names five core strategic goals without listing them here."


def _metric(name: str, unit: str, baseline: str, target: str, owner: str, speed: float, **extra) -> dict:
    return {
        "name": name,
        "unit": unit,
        "baseline": baseline,
        "target": target,
        "owner": owner,
        "speed": speed,
        "frequency": "quarterly",
        "places": 1,
        **extra,
    }


GOALS: list[dict] = [
    {
        "number": 1,
        "title": "Cybersecurity and Resilience",
        "weight": "1.25",
        "description": "Protect City services and residents' data from cyber threats, and restore critical "
        "services quickly when something goes wrong. " + SAMPLE_NOTE,
        "objectives": [
            {
                "code": "1.1",
                "title": "Mature the City's cybersecurity program against the NIST Cybersecurity Framework",
                "term": "short",
                "weight": "1.5",
                "metrics": [
                    _metric(
                        "Employees completing annual security awareness training", "%", "62", "95", "jnguyen", 1.05
                    ),
                    _metric("Critical vulnerabilities patched within 30 days", "%", "55", "95", "jnguyen", 0.8),
                ],
            },
            {
                "code": "1.2",
                "title": "Protect every City account with strong identity and access controls",
                "term": "short",
                "weight": "1",
                "metrics": [
                    _metric("Accounts protected by multi-factor authentication", "%", "38", "100", "owner", 0.92),
                ],
            },
            {
                "code": "1.3",
                "title": "Restore critical City services quickly after an outage or attack",
                "term": "long",
                "weight": "1",
                "metrics": [
                    _metric(
                        "Mean time to restore Tier-1 services",
                        "hours",
                        "9.5",
                        "2",
                        "rbaker",
                        0.7,
                        description="Average hours from a Tier-1 outage being declared to service restored.",
                    ),
                    _metric(
                        "Tier-1 applications with a tested disaster-recovery plan",
                        "%",
                        "20",
                        "100",
                        "rbaker",
                        0.35,
                        frequency="semiannual",
                        places=0,
                    ),
                ],
            },
        ],
    },
    {
        "number": 2,
        "title": "Digital Services for Residents",
        "weight": "1",
        "description": "Make City services easy to find, use and pay for online, on any device, for every "
        "resident. " + SAMPLE_NOTE,
        "objectives": [
            {
                "code": "2.1",
                "title": "Put the most-used City transactions online, end to end",
                "term": "short",
                "weight": "1.5",
                "metrics": [
                    _metric(
                        "Top-50 resident transactions available online", "count", "22", "50", "owner", 0.75, places=0
                    ),
                    _metric("Service requests submitted online or through the app", "%", "41", "70", "owner", 0.95),
                ],
            },
            {
                "code": "2.2",
                "title": "Make phoenix.gov usable and accessible to everyone",
                "term": "short",
                "weight": "1",
                "metrics": [
                    _metric("phoenix.gov pages passing automated WCAG 2.1 AA checks", "%", "71", "98", "ehall", 0.85),
                    _metric(
                        "Residents satisfied with online City services",
                        "%",
                        "64",
                        "80",
                        "ehall",
                        0.6,
                        frequency="semiannual",
                        places=0,
                        description="Share answering satisfied or very satisfied in the resident survey.",
                    ),
                ],
            },
            {
                "code": "2.3",
                "title": "Close the digital divide in underserved neighbourhoods",
                "term": "long",
                "weight": "1",
                "metrics": [
                    _metric(
                        "Households with home broadband in priority ZIP codes",
                        "%",
                        "71",
                        "90",
                        "lsato",
                        0.55,
                        frequency="annual",
                        places=0,
                    ),
                ],
            },
        ],
    },
    {
        "number": 3,
        "title": "Modern Infrastructure and Cloud",
        "weight": "1",
        "description": "Run City applications on modern, supported, cost-effective platforms and a reliable "
        "network. " + SAMPLE_NOTE,
        "objectives": [
            {
                "code": "3.1",
                "title": "Move business applications to cloud and modern hosting",
                "term": "long",
                "weight": "1",
                "metrics": [
                    _metric(
                        "Business applications hosted in the cloud or on modern platforms",
                        "%",
                        "18",
                        "60",
                        "rbaker",
                        0.9,
                        description="Share of the City's 1,250 business applications.",
                    ),
                ],
            },
            {
                "code": "3.2",
                "title": "Retire end-of-life servers, operating systems and devices",
                "term": "short",
                "weight": "1",
                "metrics": [
                    _metric("End-of-life servers still in production", "count", "410", "25", "rbaker", 0.88, places=0),
                    _metric("End-user computers past their replacement date", "%", "27", "8", "owner", 0.7),
                ],
            },
            {
                "code": "3.3",
                "title": "Give every City facility a fast, reliable network connection",
                "term": "long",
                "weight": "1",
                "metrics": [
                    _metric("Network availability at City facilities", "%", "99.2", "99.95", "owner", 0.8, places=2),
                    _metric("City facilities connected by City-owned fiber", "%", "64", "90", "owner", 0.6),
                ],
            },
        ],
    },
    {
        "number": 4,
        "title": "Data and Innovation",
        "weight": "0.75",
        "description": "Treat the City's data as an asset: govern it, open it, and use it to make decisions and "
        "try new ideas. " + SAMPLE_NOTE,
        "objectives": [
            {
                "code": "4.1",
                "title": "Govern City data and publish it openly",
                "term": "short",
                "weight": "1",
                "metrics": [
                    _metric("Datasets published on the open data portal", "count", "96", "250", "owner", 1.0, places=0),
                ],
            },
            {
                "code": "4.2",
                "title": "Use analytics to inform department decisions",
                "term": "long",
                "weight": "1",
                "metrics": [
                    _metric(
                        "Departments using enterprise analytics dashboards",
                        "count",
                        "6",
                        "25",
                        "sbrooks",
                        0.65,
                        places=0,
                    ),
                ],
            },
            {
                "code": "4.3",
                "title": "Pilot emerging technology with measurable results",
                "term": "long",
                "weight": "0.5",
                "metrics": [
                    _metric(
                        "Innovation pilots evaluated with a published result",
                        "count",
                        "1",
                        "12",
                        "ehall",
                        0.45,
                        frequency="semiannual",
                        places=0,
                    ),
                ],
            },
        ],
    },
    {
        "number": 5,
        "title": "IT Workforce and Governance",
        "weight": "0.75",
        "description": "Invest in the people of ITS and govern technology spending through this plan. " + SAMPLE_NOTE,
        "objectives": [
            {
                "code": "5.1",
                "title": "Tie every IT expenditure to the plan or an explicit CIO approval",
                "term": "short",
                "weight": "1",
                "metrics": [
                    _metric("IT spend requests tied to a plan objective", "%", "45", "95", "cio", 0.95),
                ],
            },
            {
                "code": "5.2",
                "title": "Recruit, develop and retain a skilled IT workforce",
                "term": "long",
                "weight": "1",
                "metrics": [
                    _metric("ITS vacancy rate", "%", "14", "7", "cmorgan", 0.5),
                    _metric(
                        "ITS staff completing 40 hours of training a year",
                        "%",
                        "35",
                        "80",
                        "cmorgan",
                        0.75,
                        frequency="annual",
                        places=0,
                    ),
                ],
            },
            {
                "code": "5.3",
                "title": "Resolve employees' IT issues quickly and at first contact",
                "term": "short",
                "weight": "1",
                "metrics": [
                    _metric("Service desk first-contact resolution", "%", "58", "75", "owner", 0.85),
                    _metric("Average days to fulfil a service request", "days", "6.5", "3", "owner", 0.6),
                ],
            },
        ],
    },
    {
        "number": 6,
        "title": "Strategy Execution",
        "weight": "0.5",
        "description": "Deliver the plan's projects predictably and release changes safely.",
        "objectives": [
            {
                "code": "6.1",
                "title": "Deliver IT projects on schedule and on budget through the PMO",
                "term": "short",
                "weight": "1",
                "metrics": [
                    _metric("IT projects delivered on schedule", "%", "52", "80", "ehall", 0.7),
                ],
            },
            {
                "code": "6.2",
                "title": "Release changes safely with quality assurance and release management",
                "term": "long",
                "weight": "1",
                "metrics": [
                    _metric("Production releases rolled back", "%", "8", "2", "ehall", 0.55),
                    _metric("Applications covered by automated regression tests", "%", "10", "60", "ehall", 0.4),
                ],
            },
        ],
    },
]
