"""Turn pydantic's validation errors into plain-English, located problems.

Pydantic knows *what* is wrong and *where in the data*; the YAML layer knows
*which line*. This module joins them, rewrites the messages for people who are
not programmers, and suggests the closest valid key for a misspelt one.
"""

from __future__ import annotations

import difflib
import types
import typing
from enum import Enum
from typing import Any, Callable, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import HandoutsError, Problem
from .yamlio import Loc, Located

M = TypeVar("M", bound=BaseModel)


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
        return _unwrap(args[1]) if len(args) == 2 else []
    return [tp]


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that owns the mapping at ``loc`` (for key suggestions)."""
    current: list[Any] = [root]
    for part in loc:
        if isinstance(part, int):
            continue
        nxt: list[Any] = []
        for cls in current:
            if isinstance(cls, type) and issubclass(cls, BaseModel) and part in cls.model_fields:
                nxt.extend(_unwrap(cls.model_fields[part].annotation))
            elif cls is dict or typing.get_origin(cls) is dict:
                nxt.extend(_unwrap(cls))
        current = nxt
    for cls in current:
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            return cls
    return None


def _enum_at(root: type[BaseModel], loc: Loc) -> type[Enum] | None:
    while loc and isinstance(loc[-1], int):
        loc = loc[:-1]
    parent = _model_at(root, tuple(p for p in loc[:-1]))
    name = next((p for p in reversed(loc) if isinstance(p, str)), None)
    if parent is None or name is None or name not in parent.model_fields:
        return None
    for cls in _unwrap(parent.model_fields[name].annotation):
        if isinstance(cls, type) and issubclass(cls, Enum):
            return cls
    return None


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
        elif isinstance(node, dict) and isinstance(part, str) and not part.startswith(("function-", "json-", "lax-", "tagged-")):
            # a key pydantic expected but the data lacks (missing field): keep it for the message
            out.append(part)
            node = None
        # otherwise: a tag, skip it
    return tuple(out)


_TYPE_WORDS = {
    "string_type": "should be text",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "float_type": "should be a number",
    "float_parsing": "should be a number",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "list_type": "should be a list (lines starting with '- ')",
    "dict_type": "should be a mapping of keys to values",
    "model_type": "should be a mapping of keys to values",
    "model_attributes_type": "should be a mapping of keys to values",
}


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return repr(value)


def _message(err: dict, loc: Loc, root: type[BaseModel]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        owner = _model_at(root, loc[:-1])
        msg = f"unknown key '{key}'"
        if owner is not None:
            allowed = list(owner.model_fields)
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if close:
                msg += f"; did you mean '{close[0]}'?"
            else:
                msg += f"; allowed keys: {', '.join(allowed)}"
        return msg
    if kind in ("enum", "literal_error"):
        enum = _enum_at(root, loc)
        allowed = [e.value for e in enum] if enum else [ctx.get("expected", "")]
        got = err.get("input")
        msg = f"{_describe(got)} is not allowed; choose one of: {', '.join(allowed)}"
        if isinstance(got, str):
            close = difflib.get_close_matches(got, allowed, n=1, cutoff=0.6)
            if close:
                msg += f" (did you mean '{close[0]}'?)"
        return msg
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long ({len(str(err.get('input', '')))} characters; at most {ctx.get('max_length')})"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "string_pattern_mismatch":
        field = next((p for p in reversed(loc) if isinstance(p, str)), "")
        got = err.get("input")
        if field in ("id", "rule") or field.endswith("_id"):
            return f"{_describe(got)} is not a valid id; use lowercase letters, digits and '-', e.g. 'neck-release'"
        if "url" in field:
            return f"{_describe(got)} is not a web address starting with http:// or https://"
        if "color" in field or "colour" in field:
            return f"{_describe(got)} is not a colour; write it as #rrggbb"
        if field == "language":
            return f"{_describe(got)} is not a language code such as 'en' or 'en-GB'"
        return f"{_describe(got)} does not have the expected form"
    if kind in _TYPE_WORDS:
        if kind in ("string_type",) and err.get("input") is None:
            return "must not be empty"
        return f"{_TYPE_WORDS[kind]}, not {_describe(err.get('input'))}"
    msg = err.get("msg", "is not valid")
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
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
    out: list[Problem] = []
    seen: set[tuple[Loc, str]] = set()
    for err in exc.errors(include_url=False):
        rel = _data_loc(_dig(located.data, base), tuple(err["loc"]))
        loc = base + rel
        message = _message(err, rel, root)
        if (loc, message) in seen:
            continue
        seen.add((loc, message))
        out.append(locate(loc, message))
    return sorted(out, key=lambda p: (p.file, p.line or 0, p.field))


def _dig(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def validate(located: Located, model: type[M], base: Loc = (), context: dict | None = None) -> M:
    """Validate ``located.data`` (or the part at ``base``) as ``model``; raise all problems at once."""
    data = _dig(located.data, base)
    if not isinstance(data, dict):
        raise HandoutsError(located.problem(base, "should be a mapping of keys to values" if data is not None else "is empty"))
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise HandoutsError(problems_from(exc, located, model, base)) from None
