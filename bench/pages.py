"""Pages and blank share per page of every shipped routine (translations too) in every shipped handout layout.

    .venv/bin/python bench/pages.py            # one line per handout, blank % per page
    .venv/bin/python bench/pages.py --markdown # the pages table of the README

A page's blank share is the part of its body frame below the lowest ink on it
(tests/density.py measures it the same way the tests do).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from density import page_fills, read, table  # noqa: E402
from shipped import ALL_ROUTINES, CONTENT_DIR  # noqa: E402

from handouts.content import load_content  # noqa: E402
from handouts.layouts import LayoutLibrary  # noqa: E402
from handouts.models import Personalisation  # noqa: E402
from handouts.render.handout import HandoutInput, render_handout  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--markdown", action="store_true", help="print the README's pages table")
    parser.add_argument("--routine", action="append", help="only this routine (repeatable)")
    parser.add_argument("--layout", action="append", help="only this layout (repeatable)")
    args = parser.parse_args()
    content = load_content([CONTENT_DIR])
    library = LayoutLibrary()
    layouts = args.layout or [n for n in library.buildable("handout") if n.startswith("handout-")]
    routines = args.routine or ALL_ROUTINES
    rows = {}
    for routine_id in routines:
        doc = content.by_id()[routine_id]
        for name in layouts:
            layout = library.get(name)
            data = render_handout(HandoutInput(doc.routine, layout, name, Personalisation(), content.clinic,
                                               base_file=doc.path, clinic_file=content.clinic_path))
            fills = page_fills(data, read(data), layout)
            rows[(routine_id, name)] = fills
            if not args.markdown:
                worst = max((f.blank for f in fills[:-1]), default=0)
                flags = [f"p{f.number} ends with heading '{f.last_line}'" for f in fills[:-1] if f.last_is_heading]
                print(table({(routine_id, name): fills}), f"  worst {worst * 100:.0f}%", *flags, flush=True)
    if args.markdown:
        print("| routine | " + " | ".join(layouts) + " |")
        print("|---|" + "---:|" * len(layouts))
        for routine_id in routines:
            cells = []
            for name in layouts:
                fills = rows[(routine_id, name)]
                worst = max((f.blank for f in fills[:-1]), default=0)
                cells.append(f"{len(fills)} ({worst * 100:.0f} %)")
            print(f"| `{routine_id}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
