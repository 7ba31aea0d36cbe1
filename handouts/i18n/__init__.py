"""Every word the tool prints on a page, in the routine's language.

English is the source language: a label is written in English in the code,
marked for Babel's extractor (``N_`` in :mod:`handouts.i18n.marks`, or an
``ngettext`` call for a phrase with a number), extracted into
``data/locale/handouts.pot`` (``make messages``) and translated in
``data/locale/<lang>/LC_MESSAGES/handouts.po``. Renderers reach the catalogs
through :func:`handouts.labels.for_language`.
"""

from .catalog import Messages, available_languages, messages_for

__all__ = ["Messages", "available_languages", "messages_for"]
