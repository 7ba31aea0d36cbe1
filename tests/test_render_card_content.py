"""What goes on a card: step cautions carried to the back, the compact detail under each cue."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from handouts.content import ContentSet, load_content
from handouts.render.card import step_cautions, step_detail

ROOT = Path(__file__).resolve().parent.parent


@cache
def content() -> ContentSet:
    return load_content([ROOT / "content"])


def routine_of(routine_id: str):
    return content().by_id()[routine_id].routine


def test_step_cautions_are_numbered_grouped_and_not_repeated():
    routine = routine_of("clinical-neck")
    lines = step_cautions(routine)
    numbered = {n for n, s in enumerate(routine.all_steps, start=1) if s.caution}
    listed = {int(n) for line in lines for n in line.split(":")[0].replace("Steps", "").replace("Step", "").split(",")}
    assert listed == numbered, "every step with a caution is named"
    assert "Steps 10, 11, 12: Never force range – invite it." in lines
    assert len(lines) == len({s.caution for s in routine.all_steps if s.caution})
    general = routine.safety.cautions[0]
    steps = [routine.all_steps[0].model_copy(update={"caution": general}), *routine.all_steps[1:]]
    repeated = routine.model_copy(update={"steps": steps, "phases": []})
    assert not any(line.endswith(general) for line in step_cautions(repeated)), "a routine caution is not printed twice"


def test_compact_detail_reads_like_a_cue():
    step = routine_of("self-neck-back").all_steps[0]
    assert step_detail(step) == "whole hand · moderate · about a minute each side"
