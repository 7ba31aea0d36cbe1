"""Class and clinic batches: one personalised handout per student, routine and layout.

``load`` reads the manifest, roster, layouts, routines and clinic as a whole;
``plan`` makes one item per output file (with the same preflight as a single
build, so an unsafe routine fails its items); ``run`` skips what is up to date
(``state``), renders the rest in a worker pool (``pool``), and ``combine``
merges everything into one print-ready PDF on request. ``names`` makes file
names from untrusted roster text.
"""

from .load import Batch, load_batch, variant_id
from .names import file_name, safe_stem
from .plan import Item, plan, select
from .run import clean_stale_parts, run_batch
from .state import STATE_NAME, Shard, State, Summary, parse_shard

__all__ = ["STATE_NAME", "Batch", "Item", "Shard", "State", "Summary", "check_manifest", "clean_stale_parts",
           "file_name", "load_batch", "parse_shard", "plan", "run_batch", "safe_stem", "select", "variant_id"]


def check_manifest(path, layouts=None):
    """Every problem of a manifest, its roster and its rows (for ``handouts validate``)."""
    from ..errors import HandoutsError

    try:
        batch = load_batch(path, layouts)
    except HandoutsError as exc:
        return exc.problems
    problems = []
    for item in plan(batch):
        problems.extend(p for p in item.problems if p not in problems)
    return problems
