"""How many pocket cards each shipped routine needs on each card layout, as a README table.

A card set is as long as the longer of its two sides: the steps on the fronts,
the safety on the backs (at 8.5 pt or more). The table shows where a routine's
own card summary stood in for its full safety lines, and the smallest text on
the backs, so a change that costs a card or shrinks a back shows up here.

    .venv/bin/python bench/cards.py            # the table, Markdown
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handouts.content import load_content  # noqa: E402
from handouts.layouts import LayoutLibrary  # noqa: E402
from handouts.render.card import compose_card  # noqa: E402


def table(content_dir: Path = ROOT / "content") -> str:
    library = LayoutLibrary()
    content = load_content([content_dir])
    layouts = sorted(library.buildable("card"))
    lines = ["| routine | " + " | ".join(f"`{name}`" for name in layouts) + " |",
             "|---|" + "---|" * len(layouts)]
    smallest = {}
    for doc in sorted(content.routines, key=lambda d: d.id):
        cells = []
        for name in layouts:
            cards = compose_card(doc.routine, library.get(name), content.clinic, name)
            cells.append(f"{len(cards.fronts)}" + (" (summary)" if cards.summarised else ""))
            back = min(min(face.sizes) for face in cards.backs)
            smallest[name] = min(back, smallest.get(name, back))
        lines.append(f"| {doc.id} | " + " | ".join(cells) + " |")
    lines.append("| smallest back text | " + " | ".join(f"{smallest[n]:g} pt" for n in layouts) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
