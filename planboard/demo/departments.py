"""The city departments of the demo: (name, slug). Looked up by slug, so renaming one in the
browser does not make the loader create it again."""

DEPARTMENTS: list[tuple[str, str]] = [
    ("Police", "police"),
    ("Fire", "fire"),
    ("Water Services", "water-services"),
    ("Public Works", "public-works"),
    ("Finance", "finance"),
    ("Library", "library"),
    ("Planning & Development", "planning-development"),
    ("Information Technology Services", "its"),
    ("Human Resources", "human-resources"),
    ("Aviation", "aviation"),
]
