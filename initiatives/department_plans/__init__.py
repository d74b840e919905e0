"""A department's IT plan: its liaison (or the CIO) creates it, adds goals, objectives and
initiatives, and links each to the enterprise objectives it serves.

`views`, `forms` and `urls` are the pages; `selectors` read a plan's structure with its
alignment (the rule is initiatives.alignment.rules). Writes go through goals.services and
initiatives.services. It lives in `initiatives` because a department plan holds initiatives,
and imports run initiatives → goals.
"""
