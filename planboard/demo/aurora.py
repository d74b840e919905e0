"""Aurora Technology Strategic Plan FY2018-2019 (City of Aurora, Illinois): an archived plan.

Source: ../shared/seeds/aurora-technology-strategic-plan-fy2018-2019.txt. Vision, mission, the
three guiding principles (pillars) and their descriptions, the eleven business drivers and the
four thematic categories are the seed's. The seed says the plan has 58 short- and long-term
initiatives but does not list them, so the goals, objectives and metrics below and the
initiatives' titles and scores (aurora_initiatives and its two theme tables) are our illustrative
wording, drawn from what the seed describes (fiber network, CAD/RMS shared with North Aurora,
public information requests, CISO and cybersecurity, PMO, $2.3M saved by contract renegotiation).
Aurora's fiscal year is the calendar year (`fiscal_year_start_month = 1`).
"""

import datetime

d = datetime.date

SLUG = "aurora-fy2018-2019"

PLAN = {
    "title": "Aurora Technology Strategic Plan FY2018-2019",
    "slug": SLUG,
    "vision": "Become the strategic IT business partner for the City of Aurora and the region",
    "mission": "Deliver innovative, smart solutions, services, and provide first-class customer service",
    "start_fiscal_year": 2018,
    "end_fiscal_year": 2019,
    "fiscal_year_start_month": 1,
    "status": "archived",
    "is_published": True,
    "is_sample": True,
}

ONE_IT, CUSTOMER, AGILITY = "One IT", "Customer Experience", "Agility / Smart Sourcing"

PILLARS: list[tuple[str, str]] = [
    (ONE_IT, "Shared IT products, processes, people and partners across the City and Region."),
    (CUSTOMER, "Provide quality solutions and services that ensures customers' confidence and satisfaction."),
    (
        AGILITY,
        "Use the most efficient and effective blend of resources – public–private partnership (PPP) to "
        "meet everchanging business demands.",
    ),
]

# key (used in the scores below), the seed's wording, the pillar it serves best.
DRIVERS: list[tuple[str, str, str]] = [
    ("collab", "Foster interdisciplinary cooperation and collaboration", ONE_IT),
    ("service", "Improve and sustain high level of service delivery", CUSTOMER),
    ("agile", "Develop agile and smart business unit (e.g. modernize)", AGILITY),
    ("practice", "Utilize industry best practices; define efficient, effective and measurable", AGILITY),
    ("comms", "Provide effective communication for stakeholders across service delivery", CUSTOMER),
    ("shared", "Increase opportunities for shared services", ONE_IT),
    ("workforce", "Invest in workforce development", ONE_IT),
    ("secure", "Maintain highly secure technology environment", CUSTOMER),
    ("funding", "Identify funding opportunities to support innovative solutions", AGILITY),
    ("access", "Provide universal system and data access (e.g. mobility)", CUSTOMER),
    ("lifecycle", "Exercise lifecycle management strategy", AGILITY),
]

INFRASTRUCTURE, INNOVATION, GOVERNANCE, MANAGEMENT = (
    "Infrastructure",
    "Innovation Projects",
    "Governance & Security",
    "IT Management",
)

# theme name, the objective its initiatives support, the staff member who owns them.
THEMES: list[tuple[str, str, str]] = [
    (INFRASTRUCTURE, "1.1", "rbaker"),
    (INNOVATION, "1.2", "ehall"),
    (GOVERNANCE, "2.1", "jnguyen"),
    (MANAGEMENT, "2.2", "ehall"),
]

BASELINE_DATE, TARGET_DATE = d(2017, 12, 31), d(2019, 12, 31)


def _metric(name: str, unit: str, baseline: str, target: str, owner: str, speed: float, places: int = 0) -> dict:
    return {
        "name": name,
        "unit": unit,
        "baseline": baseline,
        "target": target,
        "owner": owner,
        "speed": speed,
        "frequency": "annual",
        "places": places,
    }


GOALS: list[dict] = [
    {
        "number": 1,
        "title": "Position Aurora as the region's technology leader",
        "weight": "1",
        "description": "Mayor Irvin's technology goal: make Aurora the technology leader of the Fox Valley region.",
        "objectives": [
            {
                "code": "1.1",
                "title": "Build out fiber, wireless and smart-city infrastructure",
                "term": "long",
                "weight": "1",
                "metrics": [_metric("City facilities connected by City-owned fiber", "%", "55", "85", "rbaker", 0.9)],
            },
            {
                "code": "1.2",
                "title": "Deliver innovation projects that modernize City services",
                "term": "short",
                "weight": "1",
                "metrics": [
                    _metric(
                        "Public information requests answered within five business days", "%", "61", "90", "ehall", 1.0
                    )
                ],
            },
        ],
    },
    {
        "number": 2,
        "title": "Run IT as one secure, well-governed division",
        "weight": "1",
        "description": "Centralize City IT, bring cybersecurity to the forefront and manage IT as a business.",
        "objectives": [
            {
                "code": "2.1",
                "title": "Strengthen cybersecurity, data security and IT governance",
                "term": "short",
                "weight": "1",
                "metrics": [
                    _metric("Employees completing cybersecurity awareness training", "%", "20", "90", "jnguyen", 0.85)
                ],
            },
            {
                "code": "2.2",
                "title": "Manage IT as one centralized, efficient division",
                "term": "short",
                "weight": "1",
                "metrics": [
                    _metric("Savings from contract renegotiation, cumulative", "$M", "2.3", "4", "ehall", 0.8, places=1)
                ],
            },
        ],
    },
]
