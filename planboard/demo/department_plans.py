"""Two department IT plans that align to the Phoenix plan, and the IT requests of the spend gate.

Illustrative wording throughout. In `aligned_to`, codes are objectives of the Phoenix enterprise
plan (direct alignment); in `aligned_to_own`, objectives of the same department plan (indirect
alignment, through that objective's own links). Exactly one item, WS-3, is left unaligned on
purpose so that alignment reports have something to flag.
"""

import datetime

from planboard.demo import phoenix

d = datetime.date

PLANS: list[dict] = [
    {
        "title": "Police Department IT Plan FY2024-2027",
        "slug": "police-it-fy2024-2027",
        "department": "police",
        "start_fiscal_year": 2024,
        "end_fiscal_year": 2027,
        "fiscal_year_start_month": 7,
        "status": "active",
        "is_published": False,
        "is_sample": True,
        "vision": "Officers and residents have the information they need, when they need it, securely.",
        "mission": "Deliver and protect the technology that Phoenix Police relies on, aligned with the City's "
        "Strategic Technology Plan.",
        "goals": [
            {
                "number": 1,
                "title": "Modern, secure public safety systems",
                "weight": "1",
                "description": "Replace end-of-life police systems and keep criminal justice data secure.",
                "objectives": [
                    {
                        "code": "1.1",
                        "title": "Replace the records management system",
                        "term": "long",
                        "aligned_to": ["3.2", "1.1"],
                        "aligned_to_own": [],
                    },
                    {
                        "code": "1.2",
                        "title": "Store body-worn camera evidence in the cloud",
                        "term": "short",
                        "aligned_to": ["3.1"],
                        "aligned_to_own": [],
                    },
                    {
                        "code": "1.3",
                        "title": "Share case files with prosecutors through the new records system",
                        "term": "long",
                        "aligned_to": [],
                        "aligned_to_own": ["1.1"],
                    },
                ],
            },
        ],
        "initiatives": [
            {
                "code": "PD-1",
                "title": "Records management system replacement",
                "term": "long",
                "owner": "liaison",
                "supports": ["1.1"],
                "aligned_to": ["3.2"],
                "aligned_to_own": [],
                "start": d(2023, 10, 2),
                "target": d(2027, 3, 31),
                "budget": 3_800_000,
                "status": "on_track",
                "percent": 52,
                "last": 10,
                "note": "Vendor configuration sprint 5 of 9 done; data conversion rehearsal set for next quarter.",
            },
            {
                "code": "PD-2",
                "title": "Mobile data computer refresh for patrol vehicles",
                "term": "short",
                "owner": "mortiz",
                "supports": ["1.1"],
                "aligned_to": ["3.2"],
                "aligned_to_own": [],
                "start": d(2023, 8, 1),
                "target": d(2025, 6, 30),
                "budget": 2_100_000,
                "status": "completed",
                "percent": 100,
                "last": d(2025, 6, 12),
                "note": "All 640 patrol vehicles fitted with rugged laptops and 5G modems.",
            },
            {
                "code": "PD-3",
                "title": "Digital evidence management cloud migration",
                "term": "short",
                "owner": "mortiz",
                "supports": ["1.2"],
                "aligned_to": [],
                "aligned_to_own": ["1.2"],
                "start": d(2024, 1, 8),
                "target": d(2026, 6, 30),
                "budget": 950_000,
                "status": "at_risk",
                "percent": 70,
                "last": 44,
                "note": "CJIS security addendum with the cloud vendor still under legal review.",
            },
        ],
    },
    {
        "title": "Water Services Department IT Plan FY2024-2027",
        "slug": "water-services-it-fy2024-2027",
        "department": "water-services",
        "start_fiscal_year": 2024,
        "end_fiscal_year": 2027,
        "fiscal_year_start_month": 7,
        "status": "active",
        "is_published": False,
        "is_sample": True,
        "vision": "Safe, reliable water service, run on secure and well-used technology.",
        "mission": "Protect the water system's control networks and put usage data in customers' hands.",
        "goals": [
            {
                "number": 1,
                "title": "Secure, reliable operations technology",
                "weight": "1",
                "description": "Harden SCADA and plant networks against cyber attack and outages.",
                "objectives": [
                    {
                        "code": "1.1",
                        "title": "Segment and monitor the SCADA network",
                        "term": "short",
                        "aligned_to": ["1.1", "1.3"],
                        "aligned_to_own": [],
                    },
                ],
            },
            {
                "number": 2,
                "title": "Customers who see and manage their water use",
                "weight": "1",
                "description": "Advanced metering and online usage data for every customer.",
                "objectives": [
                    {
                        "code": "2.1",
                        "title": "Deploy advanced metering infrastructure citywide",
                        "term": "long",
                        "aligned_to": ["2.1", "4.2"],
                        "aligned_to_own": [],
                    },
                ],
            },
        ],
        "initiatives": [
            {
                "code": "WS-1",
                "title": "SCADA network segmentation and monitoring",
                "term": "short",
                "owner": "dpatel",
                "supports": ["1.1"],
                "aligned_to": ["1.1"],
                "aligned_to_own": [],
                "start": d(2023, 9, 5),
                "target": d(2025, 12, 19),
                "budget": 1_250_000,
                "status": "completed",
                "percent": 100,
                "last": d(2025, 12, 4),
                "note": "All 31 treatment and pumping sites segmented; alerts flow to the City's security center.",
            },
            {
                "code": "WS-2",
                "title": "Advanced metering infrastructure pilot (20,000 meters)",
                "term": "long",
                "owner": "dpatel",
                "supports": ["2.1"],
                "aligned_to": [],
                "aligned_to_own": ["2.1"],
                "start": d(2024, 7, 1),
                "target": d(2027, 6, 30),
                "budget": 4_600_000,
                "status": "on_track",
                "percent": 38,
                "last": 5,
                "note": "8,200 meters installed; first customers see daily usage in the billing portal.",
            },
            {
                "code": "WS-3",
                "title": "Water Services intranet page refresh",
                "term": "short",
                "owner": "dpatel",
                "supports": [],
                "aligned_to": [],
                "aligned_to_own": [],
                "description": "Left unaligned on purpose in the demo: it serves no enterprise or department "
                "objective, so alignment reports show how an unaligned item is flagged.",
                "start": d(2025, 8, 4),
                "target": d(2026, 3, 31),
                "budget": 15_000,
                "status": "on_track",
                "percent": 80,
                "last": 20,
                "note": "New page layout approved; content owners reviewing their sections.",
            },
        ],
    },
]

# Requests weighed against the Phoenix plan. `days_ago` dates each step back from today.
IT_REQUESTS: list[dict] = [
    {
        "department": "police",
        "title": "Patrol vehicle modem replacement",
        "amount": 420_000,
        "fiscal_year": 2027,
        "objectives": ["3.3"],
        "state": "submitted",
        "requested_by": "liaison",
        "submitted_days_ago": 12,
        "justification": "Current 4G modems lose carrier support in 2027; replacement keeps CAD and RMS reachable "
        "from every patrol car.",
    },
    {
        "department": "water-services",
        "title": "AMI meter data management system",
        "amount": 1_250_000,
        "fiscal_year": 2027,
        "objectives": ["2.1", "4.2"],
        "state": "approved",
        "requested_by": "dpatel",
        "submitted_days_ago": 70,
        "decided_days_ago": 55,
        "justification": "Stores and validates interval reads from the advanced metering rollout.",
    },
    {
        "department": "library",
        "title": "Self-checkout kiosk refresh",
        "amount": 180_000,
        "fiscal_year": 2026,
        "objectives": ["2.1"],
        "state": "rejected",
        "requested_by": "lsato",
        "submitted_days_ago": 300,
        "decided_days_ago": 280,
        "justification": "Kiosks are eight years old. Rejected for FY2026: fold into the end-user lifecycle program.",
    },
    {
        "department": "fire",
        "title": "Fire station alerting system upgrade",
        "amount": 640_000,
        "fiscal_year": 2027,
        "objectives": [],
        "state": "approved",
        "requested_by": "kwashington",
        "submitted_days_ago": 40,
        "decided_days_ago": 33,
        "justification": "The station alerting controllers reach end of vendor support in March.",
        "exception_reason": "Life-safety system at end of support; approved ahead of the plan's next revision, "
        "to be tied to objective 1.3 at the annual review.",
    },
    {
        "department": "aviation",
        "title": "Terminal wayfinding kiosks",
        "amount": 95_000,
        "fiscal_year": 2027,
        "objectives": ["2.2"],
        "state": "draft",
        "requested_by": "ahughes",
        "justification": "Accessible wayfinding for Terminals 3 and 4.",
    },
]

ENTERPRISE_SLUG = phoenix.SLUG
