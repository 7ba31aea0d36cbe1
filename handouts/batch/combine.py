"""One print-ready PDF of a whole batch: each student's handouts in roster order, then the card sheets."""

from __future__ import annotations

from pathlib import Path

from ..labels import BOOKMARK_CARDS, BOOKMARK_HANDOUT, english
from ..pipeline.write import write_streamed
from .concat import Part, concatenate
from .load import Batch
from .plan import Item
from .state import State, Summary, sha


def combine(batch: Batch, items: list[Item], state: State, path: Path, tool: str, force: bool, summary: Summary) -> None:
    """One print-ready PDF: each student's handouts in roster order (repeated ``copies`` times), then the card sheets."""
    parts = [(i, i.copies if i.kind == "handout" else 1) for i in items if i.kind in ("handout", "sheet")]
    ready = [(i, n) for i, n in parts if n > 0 and not i.problems and state.fresh(i.name, i.digest)]
    summary.combined = path
    summary.combined_docs = sum(n for _, n in ready)
    summary.combined_missing = sum(1 for i, n in parts if n > 0 and (i.problems or not state.fresh(i.name, i.digest)))
    digest = sha(tool, "combined", [(i.name, i.digest, n) for i, n in ready])
    if not force and state.fresh(path.name, digest):
        summary.combined_fresh = True
        return
    words = english()  # a class may mix languages; its bookmarks are the staff's
    pdf_parts = [Part(batch.out_dir / item.name, copies,
                      words._(BOOKMARK_HANDOUT, student=item.student, layout=item.layout,
                              routine=f"{item.routine} + {item.also}" if item.also else item.routine)
                      if item.kind == "handout" else words._(BOOKMARK_CARDS, layout=item.layout))
                 for item, copies in ready]
    title = batch.manifest.title or batch.path.name
    write_streamed(path, lambda fh: concatenate(pdf_parts, fh, title))
    st = path.stat()
    state.record(path.name, digest, st.st_size, st.st_mtime_ns)
