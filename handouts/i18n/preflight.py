"""A routine's language, checked before anything is drawn, so every command refuses it alike."""

from __future__ import annotations

from ..errors import HandoutsError, Problem
from .catalog import messages_for, missing


def language_problems(doc) -> list[Problem]:
    """The routine's ``language`` has no catalog, or its catalog lacks a printed string."""
    language = doc.routine.language
    try:
        messages = messages_for(language)
    except HandoutsError as err:
        return [doc.located.problem(("language",), p.message if p.file == "language" else f"the catalog {p.file} {p.message}")
                for p in err.problems]
    return [doc.located.problem(("language",), f"the {messages.language} catalog has no translation for "
                                               f"'{msgid}' (translate it in handouts/data/locale/"
                                               f"{messages.language}/LC_MESSAGES/handouts.po)")
            for msgid in missing(messages)]
