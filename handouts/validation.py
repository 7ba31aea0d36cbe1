"""Turn pydantic's validation errors into plain-English, located problems.

Pydantic knows *what* is wrong and *where in the data*; the YAML layer knows
*which line*. This module joins them, rewrites the messages for people who are
not programmers, and suggests the closest valid key for a misspelt one.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from .errors import HandoutsError, Problem
from .located import Loc, Located

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class _DictOf:
    """A ``dict[str, X]`` field: the next part of a location is a free name, then X."""

    value: Any


def _unwrap(tp: Any) -> list[Any]:
    """The concrete classes a field annotation can hold (through Optional, list, Annotated)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [c for a in typing.get_args(tp) for c in _unwrap(a)]
    if origin in (list, tuple, set, frozenset):
        return [c for a in typing.get_args(tp) for c in _unwrap(a)]
    if origin is dict:
        args = typing.get_args(tp)
        return [_DictOf(args[1])] if len(args) == 2 else []
    return [tp]


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, BaseModel)


def _types_at(root: type[BaseModel], loc: Loc) -> list[Any]:
    """What the value at ``loc`` may be, following fields, list items and named entries."""
    current: list[Any] = [root]
    for part in loc:
        if isinstance(part, int):
            continue
        nxt: list[Any] = []
        for cls in current:
            if isinstance(cls, _DictOf):
                nxt.extend(_unwrap(cls.value))
            elif _is_model(cls) and part in cls.model_fields:
                nxt.extend(_unwrap(cls.model_fields[part].annotation))
        current = nxt
    return current


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that owns the mapping at ``loc`` (for key suggestions)."""
    return next((cls for cls in _types_at(root, loc) if _is_model(cls)), None)


def _choices_at(root: type[BaseModel], loc: Loc) -> list[str] | None:
    """The allowed words of an enum or literal field at ``loc``, if it is one."""
    for tp in _types_at(root, loc):
        if isinstance(tp, type) and issubclass(tp, Enum):
            return [str(e.value) for e in tp]
        if typing.get_origin(tp) is typing.Literal:
            return [str(a) for a in typing.get_args(tp)]
    return None


def _suggest_key(root: type[BaseModel], loc: Loc) -> tuple[str | None, list[str]]:
    """(closest allowed key or None, all allowed keys) for the unknown key at ``loc``."""
    owner = _model_at(root, loc[:-1])
    if owner is None or not loc:
        return None, []
    allowed = list(owner.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
    return (close[0] if close else None), allowed


_SKIP_PARTS = ("function-", "json-", "lax-", "tagged-", "[key]")


def _data_loc(data: Any, loc: tuple) -> Loc:
    """Keep only the parts of pydantic's loc that are real keys/indices in the data
    (unions and validators add tags such as 'function-after[...]')."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not part.startswith(_SKIP_PARTS):
            # a key pydantic expected but the data lacks (missing field): keep it for the message
            out.append(part)
            node = None
        # otherwise: a tag, skip it
    return tuple(out)


# Errors a model raises about itself as a whole, placed on the field the author
# has to change (the line of that field, or of the block when it is missing),
# optionally reworded now that the field name is printed before the message.
_MODEL_ERROR_FIELDS: dict[str, tuple[str, str | None]] = {
    "steps_and_phases": ("phases", None),
    "no_steps": ("steps", "is required; add steps (or phases with steps)"),
    "logo_alt": ("logo_alt", "is required with a logo; say what the logo shows"),
    "page_size": ("size", None),
    "view": ("view", None),
}

_TYPE_WORDS = {
    "string_type": "should be text",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number",
    "float_type": "should be a number",
    "float_parsing": "should be a number",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "list_type": "should be a list",
    "dict_type": "should be indented 'key: value' lines",
    "model_type": "should be indented 'key: value' lines",
    "model_attributes_type": "should be indented 'key: value' lines",
}

# Our own parsers (models.py, units.py) word their errors for a single written
# value; empty values and lists get a sentence of their own.
_SCALAR_KINDS = {
    "duration": "a time such as '30 sec' or '5-10 min'",
    "amount": "a number or a range such as 3-5",
    "length": "a length such as 3mm, 0.125in or 8pt",
}

_BOUNDS = {
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
}


def _describe(value: Any) -> str:
    """A value as the author wrote it in YAML."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dict):
        return "indented 'key: value' lines"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _message(err: dict, loc: Loc, root: type[BaseModel]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    if kind == "missing":
        return "is required"
    if kind in _SCALAR_KINDS and (got is None or isinstance(got, (bool, list, dict))):
        if got is None:
            return f"must not be empty; write {_SCALAR_KINDS[kind]}"
        return f"should be {_SCALAR_KINDS[kind]}, not {_describe(got)}"
    if got is None and kind in ("enum", "literal_error"):
        return f"must not be empty; choose one of: {', '.join(_choices_at(root, loc) or [])}"
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        close, allowed = _suggest_key(root, loc)
        msg = f"unknown key '{key}'"
        if close:
            msg += f"; did you mean '{close}'?"
        elif allowed:
            msg += f"; allowed keys: {', '.join(allowed)}"
        return msg
    if kind in ("enum", "literal_error"):
        allowed = _choices_at(root, loc) or [str(ctx.get("expected", ""))]
        msg = f"{_describe(got)} is not allowed; choose one of: {', '.join(allowed)}"
        if isinstance(got, str):
            close = difflib.get_close_matches(got, allowed, n=1, cutoff=0.6)
            if close:
                msg += f" (did you mean '{close[0]}'?)"
        return msg
    if kind == "too_many_sentences":
        # only steps have actions to move extra sentences into
        field = next((p for p in reversed(loc) if isinstance(p, str)), "")
        tail = " and move the rest into actions" if field == "instruction" else ""
        return f"has {ctx.get('count')} sentences; keep it to {ctx.get('limit')}{tail}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long" or (kind == "too_long" and isinstance(got, str)):
        return f"is too long ({len(got or '')} characters; at most {ctx.get('max_length')})"
    if kind == "too_short":
        if not got:
            return f"must not be empty; give at least {ctx.get('min_length')}"
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"has too many items (at most {ctx.get('max_length')})"
    if kind in _BOUNDS:
        return _BOUNDS[kind].format(**{k: _scalar_text(v) for k, v in ctx.items()})
    if kind == "string_pattern_mismatch":
        field = next((p for p in reversed(loc) if isinstance(p, str)), "")
        if "[key]" in err["loc"]:
            return f"{_describe(got)} is not a valid name; use lowercase letters, digits and '_', e.g. 'step_title'"
        if field in ("id", "rule") or field.endswith("_id"):
            return f"{_describe(got)} is not a valid id; use lowercase letters, digits and '-', e.g. 'neck-release'"
        if "url" in field:
            return f"{_describe(got)} is not a web address starting with http:// or https://"
        if "color" in field or "colour" in field or field in ("background", "primary", "accent", "muted", "light"):
            return f"{_describe(got)} is not a colour; write it as \"#rrggbb\", e.g. \"#1f4e79\""
        if field == "language":
            return f"{_describe(got)} is not a language code such as 'en' or 'en-GB'"
        if field in ("parent", "title_style", "body_style", "style"):
            return f"{_describe(got)} is not a valid style name; use lowercase letters, digits and '_'"
        return f"{_describe(got)} does not have the expected form"
    if kind in _TYPE_WORDS:
        if got is None:
            return "must not be empty"
        words = _TYPE_WORDS[kind]
        if kind == "string_type" and isinstance(got, (bool, int, float)):
            return f"{words}, not {_describe(got)}; put it in quotes: \"{_scalar_text(got)}\""
        if kind == "list_type" and isinstance(got, (str, bool, int, float)):
            return (f"{words}, not {_describe(got)}; write [{_scalar_text(got)}] "
                    "or put each item on its own line starting with '- '")
        if kind == "list_type":
            return f"{words} (lines starting with '- '), not {_describe(got)}"
        if kind in ("dict_type", "model_type", "model_attributes_type"):
            model = _model_at(root, loc)
            if model is not None:
                required = [n for n, f in model.model_fields.items() if f.is_required()]
                example = required or list(model.model_fields)[:2]
                words += " (such as " + ", ".join(f"{n}:" for n in example) + ")"
        return f"{words}, not {_describe(got)}"
    msg = err.get("msg", "is not valid")
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    if msg.startswith("Input should be "):
        msg = "should be " + msg[len("Input should be "):]
    return msg


def problems_from(
    exc: ValidationError,
    located: Located,
    root: type[BaseModel],
    base: Loc = (),
    locate: Callable[[Loc, str], Problem] | None = None,
) -> list[Problem]:
    """Every error of one validation, located and worded for people.

    ``locate`` lets a caller place a problem in another file (merged layouts)."""
    locate = locate or located.problem
    found: list[tuple[Loc, str, str]] = []
    errors = exc.errors(include_url=False)
    data = _dig(located.data, base)
    error_locs = [_data_loc(data, tuple(e["loc"])) for e in errors]
    errors += _block_checks(root, data, (), error_locs)
    for err in errors:
        rel = _data_loc(_dig(located.data, base), tuple(err["loc"]))
        message = _message(err, rel, root)
        if err["type"] in _MODEL_ERROR_FIELDS:
            field, reworded = _MODEL_ERROR_FIELDS[err["type"]]
            rel = rel + (field,)
            message = reworded or message
            if message.startswith(f"{field}: "):  # the field name is printed before the message already
                message = message[len(field) + 2:]
        found.append((base + rel, message, err["type"]))
    # A misspelt required key shows up twice: as unknown ('titel') and as missing
    # ('title'). The suggestion already says it all, so the 'missing' line goes.
    explained: set[Loc] = set()
    for loc, _, kind in found:
        if kind == "extra_forbidden":
            close, _ = _suggest_key(root, loc[len(base):])
            if close:
                explained.add(loc[:-1] + (close,))
    out: list[Problem] = []
    seen: set[tuple[Loc, str]] = set()
    for loc, message, kind in found:
        if (loc, message) in seen or (kind == "missing" and loc in explained):
            continue
        seen.add((loc, message))
        out.append(locate(loc, message))
    return sorted(out, key=lambda p: (p.file, p.line or 0, p.field))


def _block_checks(model: type[BaseModel], data: Any, loc: Loc, error_locs: list[Loc]) -> list[dict]:
    """Whole-block checks (steps or phases, logo needs logo_alt...) of blocks whose fields failed.

    Pydantic runs a model's ``after`` validators only once all its fields are
    valid, so a file with a wrong word *and* both steps and phases would show
    one problem now and the other after the fix. Here those checks run on the
    raw values of every block that had field errors; a check that cannot make
    sense of raw values is skipped, so this only ever adds true problems.
    """
    if not isinstance(data, dict):
        return []
    out: list[dict] = []
    if any(e[: len(loc)] == loc and len(e) > len(loc) for e in error_locs):
        raw = {k: v for k, v in data.items() if k in model.model_fields}
        for decorator in model.__pydantic_decorators__.model_validators.values():
            if decorator.info.mode != "after":
                continue
            try:
                decorator.func(model.model_construct(**raw))
            except PydanticCustomError as exc:
                out.append({"type": exc.type, "loc": loc, "msg": exc.message(), "ctx": exc.context, "input": data})
            except Exception:  # noqa: BLE001 - raw values the check was not written for
                continue
    for name, value in data.items():
        if name not in model.model_fields:
            continue
        for tp in _unwrap(model.model_fields[name].annotation):
            if isinstance(tp, _DictOf) and isinstance(value, dict):
                for key, sub in value.items():
                    for sub_tp in _unwrap(tp.value):
                        if _is_model(sub_tp):
                            out += _block_checks(sub_tp, sub, loc + (name, key), error_locs)
            elif _is_model(tp) and isinstance(value, list):
                for i, item in enumerate(value):
                    out += _block_checks(tp, item, loc + (name, i), error_locs)
            elif _is_model(tp):
                out += _block_checks(tp, value, loc + (name,), error_locs)
    return out


def _dig(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def validate(located: Located, model: type[M], base: Loc = (), context: dict | None = None) -> M:
    """Validate ``located.data`` (or the part at ``base``) as ``model``; raise all problems at once."""
    data = _dig(located.data, base)
    if not isinstance(data, dict):
        required = [n for n, f in model.model_fields.items() if f.is_required()][:2]
        lines = "'key: value' lines (" + ", ".join(f"{n}:" for n in required) + ", ...)" if required else "'key: value' lines"
        if data is None:
            what = "the file is empty" if not base else "is empty"
            what += f"; it should hold {lines}"
        else:
            what = f"should hold {lines}, not {_describe(data)}"
        raise HandoutsError(located.problem(base, what))
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise HandoutsError(problems_from(exc, located, model, base)) from None


def validate_value(model: type[M], data: dict, names: dict[str, str]) -> M:
    """Validate values given on the command line; each problem is named by its option (``--note``)."""
    from pathlib import Path

    clean = {k: v for k, v in data.items() if v is not None}
    try:
        return model.model_validate(clean)
    except ValidationError as exc:
        located = Located(path=Path("options"), data=clean)

        def locate(loc: Loc, message: str) -> Problem:
            key = str(loc[0]) if loc else ""
            return Problem(names.get(key, key or "options"), None, "", message)

        raise HandoutsError(problems_from(exc, located, model, locate=locate)) from None
