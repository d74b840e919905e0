"""Aurora Technology Strategic Plan FY2018-2019 (City of Aurora, Illinois): an archived plan.

Source: ../shared/seeds/aurora-technology-strategic-plan-fy2018-2019.txt. Vision, mission, the
three guiding principles (pillars) and their descriptions, the eleven business drivers and the
four thematic categories are the seed's. The seed says the plan has 58 short- and long-term
initiatives but does not list them, so the titles, scores, goals, objectives and metrics below
are our illustrative wording, drawn from what the seed describes (fiber network, CAD/RMS shared
with North Aurora, public information requests, CISO and cybersecurity, PMO, $2.3M saved by
contract renegotiation). Aurora's fiscal year is the calendar year (`fiscal_year_start_month = 1`).
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

# code, title, term, department slug (or None), pillar scores (One IT, Customer Experience,
# Agility / Smart Sourcing), driver scores "key:score ...", status at the close of FY2019
# ("done", "<status>:<percent>" or "not_started").
_INITIATIVES: dict[str, list[tuple]] = {
    INFRASTRUCTURE: [
        (
            "INF-01",
            "Citywide fiber optic network expansion",
            "long",
            "public-works",
            (3, 2, 3),
            "shared:3 access:3 funding:2 lifecycle:1",
            "on_track:60",
        ),
        (
            "INF-02",
            "OnLight Aurora fiber partnership for business parks",
            "long",
            None,
            (2, 2, 3),
            "shared:3 funding:3 collab:2",
            "on_track:45",
        ),
        (
            "INF-03",
            "Public Wi-Fi in downtown and City parks",
            "short",
            "library",
            (1, 3, 2),
            "access:3 service:2 funding:2",
            "done",
        ),
        (
            "INF-04",
            "Data center consolidation and server virtualization",
            "short",
            None,
            (3, 1, 2),
            "shared:3 lifecycle:3 practice:2",
            "done",
        ),
        (
            "INF-05",
            "Network core switch and firewall replacement",
            "short",
            None,
            (2, 2, 1),
            "secure:3 lifecycle:3 service:2",
            "done",
        ),
        (
            "INF-06",
            "Unified communications and VoIP phone system",
            "short",
            None,
            (3, 2, 2),
            "shared:2 service:2 lifecycle:2 comms:2",
            "done",
        ),
        (
            "INF-07",
            "Police and Fire mobile data computer refresh",
            "short",
            "police",
            (2, 2, 1),
            "lifecycle:3 access:3 secure:2",
            "done",
        ),
        (
            "INF-08",
            "Fleet vehicle telematics and automatic vehicle location",
            "long",
            "public-works",
            (1, 2, 3),
            "agile:2 access:2 funding:1",
            "at_risk:30",
        ),
        (
            "INF-09",
            "Smart street lighting controls on LED streetlights",
            "long",
            "public-works",
            (1, 2, 3),
            "funding:3 agile:2 service:1",
            "on_track:40",
        ),
        (
            "INF-10",
            "Backup and disaster-recovery site at the Public Safety Building",
            "short",
            None,
            (3, 2, 1),
            "secure:3 service:3 lifecycle:2",
            "done",
        ),
        (
            "INF-11",
            "Traffic signal fiber interconnect",
            "long",
            "public-works",
            (2, 2, 2),
            "shared:2 service:2 funding:2",
            "on_hold:20",
        ),
        (
            "INF-12",
            "Public safety radio system upgrade to P25",
            "long",
            "police",
            (2, 3, 1),
            "collab:3 shared:3 secure:2 lifecycle:2",
            "on_track:55",
        ),
        (
            "INF-13",
            "Cloud email and office productivity migration",
            "short",
            None,
            (3, 2, 3),
            "access:3 agile:2 secure:2",
            "done",
        ),
        (
            "INF-14",
            "Library branch network bandwidth upgrade",
            "short",
            "library",
            (1, 3, 1),
            "access:3 service:2",
            "done",
        ),
        (
            "INF-15",
            "End-user device lifecycle replacement program",
            "long",
            None,
            (2, 2, 2),
            "lifecycle:3 practice:2 service:1",
            "on_track:50",
        ),
    ],
    INNOVATION: [
        (
            "INN-01",
            "Computer-aided dispatch (CAD) shared with North Aurora",
            "short",
            "police",
            (3, 3, 2),
            "shared:3 collab:3 service:3",
            "done",
        ),
        (
            "INN-02",
            "Web-based police and fire records management system (RMS)",
            "short",
            "police",
            (3, 3, 2),
            "access:3 shared:2 service:3",
            "done",
        ),
        ("INN-03", "Open data portal", "short", None, (2, 3, 2), "access:3 comms:3 practice:1", "done"),
        (
            "INN-04",
            "Resident service request (311) app",
            "short",
            None,
            (1, 3, 2),
            "service:3 access:3 comms:2",
            "done",
        ),
        (
            "INN-05",
            "Online permits and inspections",
            "long",
            "planning-development",
            (2, 3, 2),
            "service:3 access:2 agile:2",
            "at_risk:35",
        ),
        (
            "INN-06",
            "Smart Cities Readiness Challenge application and smart-city pilots",
            "short",
            None,
            (2, 2, 3),
            "funding:3 collab:2 agile:2",
            "done",
        ),
        (
            "INN-07",
            "Enterprise GIS platform and public map gallery",
            "short",
            None,
            (3, 3, 2),
            "shared:3 access:3 collab:2",
            "done",
        ),
        (
            "INN-08",
            "Body-worn cameras and digital evidence management",
            "long",
            "police",
            (1, 3, 2),
            "secure:3 access:2 funding:2",
            "on_track:65",
        ),
        (
            "INN-09",
            "Public information request platform",
            "short",
            None,
            (2, 3, 2),
            "service:3 practice:3 comms:2",
            "done",
        ),
        (
            "INN-10",
            "Online payments for utility bills, fines and fees",
            "short",
            "finance",
            (1, 3, 2),
            "service:3 access:3 secure:2",
            "done",
        ),
        (
            "INN-11",
            "Data analytics program and performance dashboards",
            "long",
            None,
            (3, 2, 3),
            "practice:3 collab:2 agile:3",
            "on_track:50",
        ),
        (
            "INN-12",
            "Automated water meter reading",
            "long",
            "water-services",
            (1, 3, 3),
            "service:2 funding:2 agile:2 lifecycle:2",
            "off_track:25",
        ),
        (
            "INN-13",
            "Electronic plan review for development projects",
            "long",
            "planning-development",
            (2, 3, 2),
            "service:3 agile:2",
            "not_started",
        ),
        (
            "INN-14",
            "Digital literacy classes with the public library",
            "short",
            "library",
            (2, 3, 1),
            "access:3 comms:2 collab:2",
            "done",
        ),
        (
            "INN-15",
            "Regional tech hub incubator and co-working partnership",
            "long",
            None,
            (2, 1, 3),
            "funding:3 collab:3",
            "cancelled:10",
        ),
    ],
    GOVERNANCE: [
        (
            "GOV-01",
            "Citywide cybersecurity program and strategy",
            "short",
            None,
            (3, 2, 1),
            "secure:3 practice:3 collab:2",
            "done",
        ),
        (
            "GOV-02",
            "Annual penetration testing and vulnerability remediation",
            "short",
            None,
            (2, 2, 1),
            "secure:3 practice:2",
            "done",
        ),
        (
            "GOV-03",
            "Data security and acceptable use policies",
            "short",
            None,
            (3, 1, 1),
            "secure:3 practice:3 comms:2",
            "done",
        ),
        (
            "GOV-04",
            "Security awareness training for all employees",
            "short",
            "human-resources",
            (3, 1, 1),
            "secure:3 workforce:3",
            "done",
        ),
        (
            "GOV-05",
            "Multi-factor authentication for remote access",
            "short",
            None,
            (2, 2, 1),
            "secure:3 access:2",
            "done",
        ),
        ("GOV-06", "CJIS compliance audit readiness", "short", "police", (2, 2, 1), "secure:3 practice:2", "done"),
        (
            "GOV-07",
            "Payment card industry (PCI) compliance",
            "short",
            "finance",
            (1, 2, 1),
            "secure:3 practice:2 service:1",
            "at_risk:70",
        ),
        (
            "GOV-08",
            "IT governance committee and project intake",
            "short",
            None,
            (3, 1, 2),
            "practice:3 collab:3 comms:2",
            "done",
        ),
        (
            "GOV-09",
            "Records retention and e-discovery platform",
            "long",
            None,
            (2, 2, 2),
            "practice:2 secure:2 lifecycle:2",
            "on_track:40",
        ),
        (
            "GOV-10",
            "Identity and access management with role-based provisioning",
            "long",
            None,
            (3, 2, 2),
            "secure:3 access:2 agile:1",
            "on_track:35",
        ),
        (
            "GOV-11",
            "Security information and event management (SIEM)",
            "long",
            None,
            (2, 1, 2),
            "secure:3 practice:2",
            "at_risk:30",
        ),
        (
            "GOV-12",
            "Business continuity planning for IT services",
            "long",
            None,
            (3, 2, 1),
            "service:3 secure:2 collab:2",
            "on_hold:15",
        ),
        (
            "GOV-13",
            "Vendor risk management for cloud services",
            "short",
            None,
            (1, 1, 3),
            "secure:2 practice:3 funding:1",
            "done",
        ),
        (
            "GOV-14",
            "Data classification and privacy program",
            "long",
            None,
            (2, 2, 1),
            "secure:3 practice:2 comms:1",
            "not_started",
        ),
    ],
    MANAGEMENT: [
        (
            "ITM-01",
            "Project Management Office (PMO) for citywide projects",
            "short",
            None,
            (3, 2, 3),
            "practice:3 comms:3 collab:2",
            "done",
        ),
        (
            "ITM-02",
            "IT service management and help desk system",
            "short",
            None,
            (3, 3, 2),
            "service:3 practice:2 comms:2",
            "done",
        ),
        (
            "ITM-03",
            "Merge Police and City Hall IT into one IT Division",
            "short",
            "police",
            (3, 2, 3),
            "shared:3 collab:3 agile:3",
            "done",
        ),
        (
            "ITM-04",
            "IT service catalog and service level agreements",
            "short",
            None,
            (3, 3, 1),
            "service:3 comms:3",
            "done",
        ),
        (
            "ITM-05",
            "Contract renegotiation and vendor consolidation",
            "short",
            "finance",
            (2, 1, 3),
            "funding:3 practice:2 lifecycle:2",
            "done",
        ),
        (
            "ITM-06",
            "IT asset and software license management",
            "short",
            None,
            (2, 1, 3),
            "lifecycle:3 practice:2 funding:2",
            "done",
        ),
        (
            "ITM-07",
            "IT staff training and certification plan",
            "long",
            "human-resources",
            (3, 2, 2),
            "workforce:3 agile:2",
            "on_track:55",
        ),
        (
            "ITM-08",
            "Business analyst and project manager roles in IT",
            "short",
            "human-resources",
            (3, 2, 2),
            "workforce:3 practice:2 collab:2",
            "done",
        ),
        (
            "ITM-09",
            "IT performance metrics and monthly scorecard",
            "short",
            None,
            (2, 2, 2),
            "practice:3 comms:3",
            "done",
        ),
        (
            "ITM-10",
            "Technology replacement fund and lifecycle budget",
            "long",
            "finance",
            (2, 1, 3),
            "lifecycle:3 funding:3",
            "on_track:60",
        ),
        (
            "ITM-11",
            "ERP financial system upgrade",
            "long",
            "finance",
            (3, 2, 2),
            "shared:2 lifecycle:3 agile:2",
            "at_risk:40",
        ),
        (
            "ITM-12",
            "HR and payroll system modernization",
            "long",
            "human-resources",
            (3, 2, 2),
            "service:2 lifecycle:2 agile:2",
            "off_track:15",
        ),
        (
            "ITM-13",
            "Grant and funding opportunity tracking for technology projects",
            "short",
            None,
            (1, 1, 3),
            "funding:3 practice:1",
            "done",
        ),
        (
            "ITM-14",
            "IT communications plan and customer satisfaction survey",
            "short",
            None,
            (2, 3, 1),
            "comms:3 service:2",
            "done",
        ),
    ],
}

PLAN_CLOSE = d(2019, 12, 16)  # the close-out review at which every open initiative was last reported


def _initiative(theme: str, index: int, row: tuple) -> dict:
    code, title, term, department, pillar_scores, driver_scores, standing = row
    start = d(2018, 1 + index % 6, 1 + index % 3 * 7)
    target = d(2019, 12, 31) if term == "short" else d(2021, 6, 30)
    if standing == "done":
        status, percent = "completed", 100
        last = d(2018, 9, 28) + datetime.timedelta(days=29 * index)  # finished between autumn 2018 and 2019
    elif standing == "not_started":
        status, percent, last = "not_started", 0, PLAN_CLOSE
    else:
        status, percent = standing.split(":")[0], int(standing.split(":")[1])
        last = PLAN_CLOSE
    return {
        "code": code,
        "title": title,
        "theme": theme,
        "term": term,
        "department": department,
        "start": start,
        "target": target,
        "status": status,
        "percent": percent,
        "last": last,
        "pillar_scores": dict(zip((ONE_IT, CUSTOMER, AGILITY), pillar_scores, strict=True)),
        "driver_scores": {key: int(score) for key, score in (pair.split(":") for pair in driver_scores.split())},
    }


INITIATIVES: list[dict] = [
    _initiative(theme, index, row) for theme, rows in _INITIATIVES.items() for index, row in enumerate(rows)
]

# The narrative of each initiative's last status update, by its status at the close of FY2019.
CLOSING_NOTES = {
    "completed": "Delivered and handed over to operations.",
    "on_track": "Carried into the next plan: on schedule at the FY2019 close-out review.",
    "at_risk": "Carried into the next plan: behind schedule at the FY2019 close-out review.",
    "off_track": "Carried into the next plan: re-scoped after missing its FY2019 milestones.",
    "on_hold": "Paused until funding is identified in a future budget.",
    "cancelled": "Cancelled: the regional partners chose a private operator; no City funds were spent.",
    "not_started": "Deferred to the next plan; not funded in FY2018-2019.",
}
