"""The "big city": a synthetic enterprise plan of realistic shape and size, for load and benchmark work.

At scale 1 it has 40 departments, 12 goals, 80 objectives, 3,000 initiatives, 2,500 metrics,
300,000 metric readings and 720,000 status updates; every count is multiplied by the scale (at
least one of each). The plan runs FY2023-FY2027 with a July fiscal start. Given a seed and a day
the data is always the same: one `random.Random(seed)` draws everything, in a fixed order, and
readings and status updates run up to that day, never past it.

Rows are written in bulk (`bulk_create`; COPY on PostgreSQL for readings and status updates),
which bypasses django-simple-history. The initiatives' audit trail is then written as it would
have been (`bulk.history_insert`, INSERT … SELECT from the stored updates): a creation entry and
one entry per recent status update, with the objective links beside each, so pages that show
history are measured with one.

Modules: `vocabulary` (the counts at scale 1 and the words the city is drawn from), `generator`
(CityGenerator: the draws, in order), `bulk` (COPY and table-by-table deletes), `generate`
(city_generate: one transaction that replaces the plan, then the recalculation).
"""

from planboard.citygen.bulk import generated_plan_delete, insert_rows
from planboard.citygen.generate import CityResult, city_generate
from planboard.citygen.vocabulary import GENERATED_MARK, MAX_SCALE, city_counts

__all__ = [
    "GENERATED_MARK",
    "MAX_SCALE",
    "CityResult",
    "city_counts",
    "city_generate",
    "generated_plan_delete",
    "insert_rows",
]
