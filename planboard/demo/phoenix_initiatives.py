"""The Phoenix plan's initiatives (illustrative, except PHX-601/602, which the seed names).

`status`/`percent` is where each initiative stands today; the loader posts a short history of
status updates leading up to it. `last` is when the newest update was posted: a number of days
before today (so "stale" and "fresh" stay true whatever day the demo is loaded) or a date.
Milestones are (title, due, done on or None).
"""

import datetime

d = datetime.date


def _initiative(code: str, title: str, supports: list[str], department: str, owner: str, start: datetime.date,
                target: datetime.date, budget: int, status: str, percent: int, last: int | datetime.date,
                note: str, **extra) -> dict:
    return {"code": code, "title": title, "supports": supports, "department": department, "owner": owner,
            "start": start, "target": target, "budget": budget, "status": status, "percent": percent,
            "last": last, "note": note, "term": "short", "milestones": [], "description": "", **extra}


INITIATIVES: list[dict] = [
    # Goal 1: Cybersecurity and Resilience
    _initiative("PHX-101", "Citywide security awareness and phishing simulation program", ["1.1"], "its", "jnguyen",
                d(2022, 9, 1), d(2024, 6, 28), 350_000, "completed", 100, d(2024, 6, 14),
                "Training is now part of onboarding; click rate on simulated phishing fell from 18% to 4%.",
                actual=331_500),
    _initiative("PHX-102", "Adopt the NIST Cybersecurity Framework with an annual maturity assessment", ["1.1"],
                "its", "jnguyen", d(2022, 10, 3), d(2025, 6, 30), 220_000, "completed", 100, d(2025, 5, 30),
                "Second annual assessment delivered to the City Manager; maturity tier raised from 2 to 3.",
                actual=208_000),
    _initiative("PHX-103", "Multi-factor authentication for all City accounts", ["1.2"], "its", "owner",
                d(2022, 8, 15), d(2024, 12, 31), 480_000, "completed", 100, d(2025, 2, 20),
                "Last 600 field-worker accounts enrolled with hardware keys; legacy VPN logins switched off.",
                actual=512_300),
    _initiative("PHX-104", "Privileged access management rollout", ["1.2"], "its", "jnguyen",
                d(2024, 1, 8), d(2026, 12, 31), 610_000, "at_risk", 68, 6,
                "Vault integration with legacy SCADA accounts needs a vendor patch; 212 of 310 privileged accounts "
                "onboarded.", term="long",
                milestones=[("Vault platform in production", d(2024, 9, 30), d(2024, 10, 11)),
                            ("Domain administrator accounts onboarded", d(2025, 6, 30), d(2025, 6, 20)),
                            ("Operational technology accounts onboarded", d(2026, 10, 31), None)]),
    _initiative("PHX-105", "Security operations center with 24x7 managed detection and response", ["1.1", "1.3"],
                "its", "jnguyen", d(2023, 7, 3), d(2026, 12, 31), 1_900_000, "on_track", 88, 3,
                "Endpoint coverage at 97%; tabletop exercise with Police and Fire held this month."),
    _initiative("PHX-106", "Disaster-recovery site and tested recovery plans for Tier-1 applications", ["1.3"],
                "its", "rbaker", d(2023, 1, 9), d(2027, 6, 30), 3_200_000, "off_track", 35, 48,
                "Secondary data center lease negotiation stalled; two of 14 Tier-1 recovery tests completed.",
                term="long",
                milestones=[("Recovery site selected", d(2023, 12, 15), d(2024, 2, 2)),
                            ("Half of Tier-1 applications recovery-tested", d(2025, 12, 31), None)]),
    _initiative("PHX-107", "Computer-aided dispatch failover to the backup 911 center", ["1.3"], "fire",
                "kwashington", d(2024, 3, 4), d(2026, 12, 18), 900_000, "at_risk", 75, 9,
                "Failover test passed for Fire; Police cutover waits on the radio console upgrade."),

    # Goal 2: Digital Services for Residents
    _initiative("PHX-201", "myPHX311 resident app and service request portal relaunch", ["2.1"], "its", "owner",
                d(2022, 9, 12), d(2024, 3, 29), 1_100_000, "completed", 100, d(2024, 4, 12),
                "Relaunched in English and Spanish; 38% of service requests now arrive through the app.",
                actual=1_164_000),
    _initiative("PHX-202", "Online permitting and inspections", ["2.1"], "planning-development", "jreyes",
                d(2023, 2, 1), d(2026, 6, 30), 2_400_000, "off_track", 58, 11,
                "Data conversion from the legacy permitting system failed its second mock run; go-live moved "
                "past the target date, recovery plan going to the steering committee.",
                milestones=[("Vendor contract signed", d(2023, 5, 31), d(2023, 6, 14)),
                            ("Residential permits online", d(2024, 12, 31), d(2025, 3, 3)),
                            ("Commercial permits and inspections online", d(2026, 6, 30), None)]),
    _initiative("PHX-203", "phoenix.gov redesign and WCAG 2.1 AA remediation", ["2.2"], "its", "ehall",
                d(2023, 7, 10), d(2025, 12, 19), 780_000, "completed", 100, d(2025, 12, 5),
                "New site live; 96% of pages pass automated accessibility checks, the rest are queued with "
                "content owners.", actual=745_000),
    _initiative("PHX-204", "Library card single sign-on for digital resources", ["2.1"], "library", "lsato",
                d(2024, 9, 3), d(2025, 10, 31), 140_000, "on_hold", 40, 95,
                "Paused until the library consortium renews its e-resources contract."),
    _initiative("PHX-205", "Free public Wi-Fi in parks, libraries and community centers", ["2.3"], "library",
                "lsato", d(2023, 3, 1), d(2027, 6, 30), 1_600_000, "on_track", 62, 41,
                "31 of 50 sites live; summer usage averaged 4,800 sessions a day.", term="long"),
    _initiative("PHX-206", "Online utility billing and payment modernization", ["2.1"], "finance", "sbrooks",
                d(2024, 7, 1), d(2026, 12, 31), 1_300_000, "on_track", 81, 4,
                "Autopay and paperless billing live; payment-plan self-service in user testing."),
    _initiative("PHX-207", "Digital inclusion device lending program", ["2.3"], "library", "lsato",
                d(2022, 10, 3), d(2023, 9, 29), 260_000, "cancelled", 15, d(2023, 5, 15),
                "Cancelled: the county's home-connectivity program now lends devices citywide; remaining funds "
                "returned to the General Fund."),

    # Goal 3: Modern Infrastructure and Cloud
    _initiative("PHX-301", "Cloud landing zone and application migration factory", ["3.1"], "its", "rbaker",
                d(2023, 1, 3), d(2027, 6, 30), 4_500_000, "on_track", 64, 2,
                "Wave 6 of 9 migrated (112 applications); data center rack count down by a third.", term="long",
                milestones=[("Landing zone security review passed", d(2023, 6, 30), d(2023, 6, 23)),
                            ("First 50 applications migrated", d(2024, 6, 30), d(2024, 8, 9)),
                            ("Legacy data center hall B closed", d(2027, 3, 31), None)]),
    _initiative("PHX-302", "Retire Windows Server 2012 and legacy mainframe workloads", ["3.2"], "its", "rbaker",
                d(2022, 7, 11), d(2024, 12, 31), 1_200_000, "completed", 100, d(2025, 1, 24),
                "Mainframe decommissioned; the last 14 Server 2012 hosts retired.", actual=1_262_000),
    _initiative("PHX-303", "City-owned fiber to 120 facilities", ["3.3"], "public-works", "owner",
                d(2023, 4, 3), d(2027, 6, 30), 6_800_000, "at_risk", 55, 62,
                "Right-of-way permits for the west loop are four months late; 66 of 120 facilities lit.",
                term="long",
                milestones=[("East loop lit", d(2024, 6, 30), d(2024, 7, 26)),
                            ("West loop permits issued", d(2025, 9, 30), None)]),
    _initiative("PHX-304", "Network core and Wi-Fi refresh at City facilities", ["3.3"], "its", "owner",
                d(2022, 11, 1), d(2025, 6, 30), 3_400_000, "completed", 100, d(2025, 7, 18),
                "All 212 sites on the new core; old switches recycled.", actual=3_515_000),
    _initiative("PHX-305", "End-user computer lifecycle replacement (17,000 devices)", ["3.2"], "its", "owner",
                d(2022, 7, 5), d(2027, 6, 30), 12_500_000, "on_track", 72, 7,
                "12,300 devices replaced to date; this quarter's batch of 900 is for Public Works.", term="long",
                milestones=[("Year 1 replacements (3,400)", d(2023, 6, 30), d(2023, 6, 26)),
                            ("Year 4 replacements (3,400)", d(2026, 6, 30), d(2026, 7, 10))]),
    _initiative("PHX-306", "Common-use passenger processing upgrade at Sky Harbor", ["3.1", "3.2"], "aviation",
                "ahughes", d(2024, 2, 5), d(2026, 10, 30), 5_200_000, "off_track", 61, 34,
                "Terminal 4 gates done; Terminal 3 delayed by the airlines' certification of the new kiosks."),

    # Goal 4: Data and Innovation
    _initiative("PHX-401", "Enterprise data governance program and data catalog", ["4.1"], "its", "owner",
                d(2022, 10, 3), d(2024, 12, 20), 450_000, "completed", 100, d(2024, 12, 13),
                "Data stewards named in every department; 1,900 datasets catalogued.", actual=437_000),
    _initiative("PHX-402", "Open data portal expansion", ["4.1"], "its", "owner",
                d(2023, 8, 1), d(2026, 12, 31), 190_000, "on_track", 90, 13,
                "238 datasets published; crime and permit data now refresh nightly."),
    _initiative("PHX-403", "Enterprise analytics platform and department dashboards", ["4.2"], "finance", "sbrooks",
                d(2024, 1, 16), d(2027, 6, 30), 2_100_000, "on_track", 47, 5,
                "17 departments on the platform; budget-to-actuals dashboard published to Council.", term="long"),
    _initiative("PHX-404", "Smart-city sensor pilot for heat mitigation", ["4.3"], "public-works", "owner",
                d(2025, 3, 3), d(2026, 12, 18), 380_000, "at_risk", 38, 76,
                "Sensors installed on 40 of 100 shade structures; vendor's data feed drops readings above 45 °C.",
                term="long"),
    _initiative("PHX-405", "Generative AI use policy and pilot program", ["4.3"], "its", "ehall",
                d(2027, 1, 4), d(2027, 6, 30), 150_000, "not_started", 0, 18,
                "Scoped with the City Attorney's office; starts when mid-year FY2027 funding is released."),

    # Goal 5: IT Workforce and Governance
    _initiative("PHX-501", "IT investment governance board and spend gate", ["5.1"], "its", "cio",
                d(2022, 8, 1), d(2023, 12, 29), 60_000, "completed", 100, d(2023, 11, 17),
                "Board meets monthly; no IT purchase is approved without a plan objective or a CIO exception.",
                actual=52_000),
    _initiative("PHX-502", "ITS workforce development and certification academy", ["5.2"], "human-resources",
                "cmorgan", d(2023, 1, 9), d(2027, 6, 30), 540_000, "on_track", 58, 39,
                "Third cohort (24 staff) enrolled; cloud and security certifications up 40% on last year.",
                term="long"),
    _initiative("PHX-503", "IT service management platform replacement", ["5.3"], "its", "owner",
                d(2023, 9, 5), d(2025, 9, 30), 1_400_000, "completed", 100, d(2025, 10, 10),
                "New service portal live for all departments; old ticketing system read-only.", actual=1_385_000),
    _initiative("PHX-504", "Service desk knowledge base and self-service password reset", ["5.3"], "its", "owner",
                d(2025, 1, 6), d(2026, 6, 30), 210_000, "on_hold", 30, 140,
                "On hold until the knowledge module of the new service management platform is licensed."),

    # Goal 6: Strategy Execution (the seed's two long-term items first)
    _initiative("PHX-601", "Develop QA/QC and testing framework", ["6.2"], "its", "ehall",
                d(2024, 7, 1), d(2027, 6, 30), 420_000, "on_track", 44, 8,
                "Test strategy adopted; automated regression suites running for 31 applications.", term="long",
                milestones=[("QA/QC standard approved", d(2025, 3, 31), d(2025, 3, 19)),
                            ("Regression testing for all Tier-1 applications", d(2027, 3, 31), None)]),
    _initiative("PHX-602", "Develop Release Management framework", ["6.2"], "its", "ehall",
                d(2025, 1, 6), d(2027, 6, 30), 260_000, "at_risk", 30, 12,
                "Change advisory board running; release calendar tooling waits on the service management "
                "upgrade.", term="long",
                milestones=[("Release policy approved", d(2025, 9, 30), d(2025, 10, 14)),
                            ("Release calendar in use citywide", d(2026, 9, 30), None)]),
    _initiative("PHX-603", "Enterprise project management office and portfolio dashboard", ["6.1"], "its", "ehall",
                d(2022, 8, 1), d(2024, 6, 28), 300_000, "completed", 100, d(2024, 6, 21),
                "PMO standards in use on all projects over $250,000; portfolio dashboard published monthly.",
                actual=289_000),
    _initiative("PHX-604", "Annual plan review and CIO report card", ["6.1"], "its", "cio",
                d(2025, 7, 1), d(2027, 6, 30), 40_000, "on_track", 50, 1,
                "FY2026 report card presented to Council; recommendations folded into the FY2027 work plan.",
                term="long"),
]
