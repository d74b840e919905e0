"""The longest text Planboard stores, and how far a date may lie outside its plan's years.

Every free-text field (narratives, descriptions, notes, vision and mission, justifications, the
report card's summary and recommendations) holds at most LONG_TEXT_MAX characters: about four
pages, far beyond what a status report needs, and well inside what a spreadsheet cell holds (an
.xlsx cell 32,767 characters, Python's CSV reader 131,072), so everything stored exports and imports
back unchanged. Short texts (titles, names, codes) are CharFields with their own max_length. The
limit is a field validator, so forms, the API, the admin and the imports all enforce it and name
the field.
"""

from django.core.validators import MaxLengthValidator
from django.db import models

LONG_TEXT_MAX = 10_000

# A status update or a reading dated more than this many years before the plan's first fiscal year
# (or, for a reading, after its last) is a typing mistake such as 1900-01-01 or 0001-01-01.
DATE_MARGIN_YEARS = 1


class LongTextLimit(MaxLengthValidator):
    message = "At most %(limit_value)d characters; this text has %(show_value)d. Shorten it."


def long_text(**options) -> models.TextField:
    """A free-text field limited to LONG_TEXT_MAX characters (shown as maxlength in forms)."""
    return models.TextField(max_length=LONG_TEXT_MAX, validators=[LongTextLimit(LONG_TEXT_MAX)], **options)
