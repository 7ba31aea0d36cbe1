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
from .plan import Item, check_manifest, plan, select
from .run import clean_stale_parts, run_batch
from .state import STATE_NAME, Shard, State, Summary, parse_shard

__all__ = ["STATE_NAME", "Batch", "Item", "Shard", "State", "Summary", "check_manifest", "clean_stale_parts",
           "file_name", "load_batch", "parse_shard", "plan", "run_batch", "safe_stem", "select", "variant_id"]

