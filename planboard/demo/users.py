"""Demo users: one per role, plus named staff who own the other initiatives and metrics.

Every demo user gets the same password ("planboard-demo", or PLANBOARD_DEMO_PASSWORD when set).
A user who already exists is left as they are, so a password changed since the first load is
never reset.
"""

from planboard.core.permissions import Role

DEFAULT_PASSWORD = "planboard-demo"
PASSWORD_ENV_VAR = "PLANBOARD_DEMO_PASSWORD"
EMAIL_DOMAIN = "phoenix.example"

MEMBER = "member"
LIAISON = "liaison"

# username, first name, last name, role group (or None), is_staff, is_superuser,
# [(department slug, membership role)], what the user is for (shown in the table at the end).
USERS: list[dict] = [
    {
        "username": "cio",
        "first_name": "Dana",
        "last_name": "Whitfield",
        "group": Role.ADMIN,
        "is_staff": True,
        "is_superuser": True,
        "memberships": [("its", MEMBER)],
        "label": Role.ADMIN,
    },
    {
        "username": "editor",
        "first_name": "Marcus",
        "last_name": "Chen",
        "group": Role.EDITOR,
        "is_staff": True,
        "memberships": [("its", MEMBER)],
        "label": Role.EDITOR,
    },
    {
        "username": "owner",
        "first_name": "Priya",
        "last_name": "Raman",
        "memberships": [("its", MEMBER)],
        "label": "Initiative owner (ITS)",
    },
    {
        "username": "liaison",
        "first_name": "Tom",
        "last_name": "Alvarez",
        "memberships": [("police", LIAISON)],
        "label": "Department liaison (Police)",
    },
    {"username": "viewer", "first_name": "Grace", "last_name": "Okafor", "group": Role.VIEWER, "label": Role.VIEWER},
    # Staff who own the rest of the plan; listed after the role users, not in the table.
    {"username": "jnguyen", "first_name": "Jamie", "last_name": "Nguyen", "memberships": [("its", MEMBER)]},
    {"username": "rbaker", "first_name": "Rosa", "last_name": "Baker", "memberships": [("its", MEMBER)]},
    {"username": "ehall", "first_name": "Ethan", "last_name": "Hall", "memberships": [("its", MEMBER)]},
    {"username": "mortiz", "first_name": "Maria", "last_name": "Ortiz", "memberships": [("police", MEMBER)]},
    {"username": "dpatel", "first_name": "Dev", "last_name": "Patel", "memberships": [("water-services", LIAISON)]},
    {"username": "kwashington", "first_name": "Keisha", "last_name": "Washington", "memberships": [("fire", MEMBER)]},
    {"username": "lsato", "first_name": "Lena", "last_name": "Sato", "memberships": [("library", MEMBER)]},
    {"username": "ahughes", "first_name": "Alan", "last_name": "Hughes", "memberships": [("aviation", MEMBER)]},
    {"username": "sbrooks", "first_name": "Sam", "last_name": "Brooks", "memberships": [("finance", MEMBER)]},
    {"username": "cmorgan", "first_name": "Chris", "last_name": "Morgan", "memberships": [("human-resources", MEMBER)]},
    {
        "username": "jreyes",
        "first_name": "Julia",
        "last_name": "Reyes",
        "memberships": [("planning-development", MEMBER)],
    },
]

# The users printed at the end of `load_demo`, one per role.
ROLE_USERNAMES = ["cio", "editor", "owner", "liaison", "viewer"]
