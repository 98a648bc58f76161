"""Pydantic validation errors of a scenario file turned into one message naming the field and the fix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import (
    ValidationError,
)

from jru_geo.errors import ScenarioError
from jru_geo.io.scenario import Base, Scenario, Shift, Vehicle

__all__ = []

# --------------------------------------------------------------------------------------------------
# Validation errors -> one ScenarioError

_FIXES: dict[str, str] = {
    "missing": "add this field",
    "extra_forbidden": "remove it or correct the spelling",
    "literal_error": "use one of Mon, Tue, Wed, Thu, Fri, Sat, Sun",
    "float_parsing": "give a number",
    "float_type": "give a number",
    "finite_number": "give a finite number",
    "greater_than": "give a positive number",
    "string_type": "give text in quotes",
    "list_type": "give a list [...]",
    "model_type": "give an object {...}",
    "dict_type": "give an object {...}",
    "bool_parsing": "give true or false",
    "bool_type": "give true or false",
    "too_short": "give at least one item",
    "string_too_short": "give a non-empty value",
}

_KNOWN_FIELDS: dict[str, tuple[str, ...]] = {
    "Scenario": tuple(Scenario.model_fields),
    "Vehicle": tuple(Vehicle.model_fields),
    "Base": tuple(Base.model_fields),
    "Shift": tuple(Shift.model_fields),
}


def _field_path(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def _short_repr(value: object, *, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(error: Mapping[str, Any]) -> str:
    kind = str(error["type"])
    path = _field_path(error["loc"])
    if kind == "missing":
        return f"{path}: missing; {_FIXES[kind]}"
    if kind == "value_error":
        # our own validators already say what is wrong and the fix
        message = str(error["msg"]).removeprefix("Value error, ")
        if isinstance(error["input"], list):
            return f"{path}: {message}"
        return f"{path}: got {_short_repr(error['input'])}: {message}"
    fix = _FIXES.get(kind, "see data/scenarios/README.md for the format")
    if kind == "extra_forbidden":
        parent = _parent_model(error["loc"])
        known = _KNOWN_FIELDS.get(parent, ())
        if known:
            fix += f" (known fields: {', '.join(known)})"
    return f"{path}: got {_short_repr(error['input'])}: {error['msg']}; {fix}"


def _parent_model(loc: Sequence[int | str]) -> str:
    names = [p for p in loc[:-1] if isinstance(p, str)]
    if not names:
        return "Scenario"
    return {"vehicles": "Vehicle", "base": "Base", "shifts": "Shift"}.get(names[-1], "")


def _scenario_error(source_name: str, exc: ValidationError, *, limit: int = 5) -> ScenarioError:
    errors = exc.errors()
    shown = "; ".join(_describe(e) for e in errors[:limit])
    more = f"; and {len(errors) - limit} more" if len(errors) > limit else ""
    plural = "s" if len(errors) > 1 else ""
    return ScenarioError(f"{source_name}: invalid scenario ({len(errors)} problem{plural}): {shown}{more}")
