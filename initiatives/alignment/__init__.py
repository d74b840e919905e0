"""Alignment of department IT plans to the enterprise plan.

`rules` is the one home of the rule (direct and indirect `aligned_to` links) and of the
cross-department matrix built on it; `views` and `urls` are the alignment page. The API answers
from initiatives.api.alignment. It lives in `initiatives` because a department plan's items
include initiatives, and imports run initiatives → goals.
"""
