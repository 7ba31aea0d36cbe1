"""One print-ready PDF of a whole batch: each student's handouts in roster order, then the card sheets."""

from __future__ import annotations

import io
from pathlib import Path

from ..pipeline.write import write_atomic
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
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for item, copies in ready:
        reader = PdfReader(str(batch.out_dir / item.name))
        label = f"{item.student} — {item.routine} ({item.layout})" if item.kind == "handout" else f"Cards ({item.layout})"
        for n in range(copies):
            writer.append(reader, outline_item=label if n == 0 else None)
    title = batch.manifest.title or batch.path.name
    writer.add_metadata({"/Title": title, "/Creator": "handouts", "/Producer": "handouts"})
    buf = io.BytesIO()
    writer.write(buf)
    write_atomic(path, buf.getvalue())
    st = path.stat()
    state.record(path.name, digest, st.st_size, st.st_mtime_ns)
