"""Reading and writing scenario files (JSON or YAML): parse, load, save.

:func:`parse_scenario` validates text against :class:`jru_geo.io.scenario.Scenario`; every problem
becomes one :class:`~jru_geo.errors.ScenarioError` whose message names the file, the field path
(for example ``vehicles[1].shifts[0].start``), the value received and the fix (worded by
``jru_geo.io._scenario_errors``).

Examples
--------
>>> scenario = load_default_scenario()
>>> [v.id for v in scenario.vehicles]
['JRU1', 'JRU2', 'JRU3']
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    ValidationError,
)

from jru_geo.errors import CandidatesFileError, ScenarioError
from jru_geo.io._atomic import write_bytes_atomic
from jru_geo.io._scenario_errors import _scenario_error
from jru_geo.io._table import decode_text
from jru_geo.io.scenario import DEFAULT_SCENARIO_FILE, Scenario
from jru_geo.settings import DEFAULT_SETTINGS, Settings

__all__ = [
    "parse_scenario",
    "load_scenario",
    "load_default_scenario",
    "scenario_to_json",
    "scenario_to_yaml",
    "save_scenario",
]


def parse_scenario(data: object, *, source_name: str = "scenario") -> Scenario:
    """Validate already-parsed data (a dict, e.g. from a form) into a :class:`Scenario`.

    Raises
    ------
    ScenarioError
        One error listing up to five problems, each with its field path, the value and the fix.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(
            f"{source_name}: the top level must be an object with name and vehicles, got "
            f"{type(data).__name__}; see data/scenarios/kent_jru_2020.json for an example"
        )
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise _scenario_error(source_name, exc) from None


# --------------------------------------------------------------------------------------------------
# Reading and writing


class _YamlLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 base-60 numbers, so ``start: 18:00`` stays the text "18:00"."""


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _NUMBER_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def _read_source(
    source: str | os.PathLike[str] | tuple[str, bytes],
    *,
    error: type[ScenarioError] | type[CandidatesFileError],
) -> tuple[str, str]:
    """Return (name for messages, decoded text): UTF-8 (with or without BOM), else Windows-1252."""
    if isinstance(source, tuple):
        name, raw = source
    else:
        path = Path(source)
        name = str(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise error(f"{name}: file not found; check the path") from None
        except IsADirectoryError:
            raise error(f"{name}: is a folder, not a file; give the path of a file") from None
    text = decode_text(name, bytes(raw), error=error)  # the incident reader's decoding: UTF-8, else cp1252
    if not text.strip():
        example = (
            "see data/scenarios/kent_jru_2020.json for an example"
            if error is ScenarioError
            else "give a header name,lat,lon and one site per line"
        )
        raise error(f"{name}: the file is empty; {example}")
    return name, text


def _parse_text(name: str, text: str) -> object:
    suffix = Path(name).suffix.lower()
    is_json = suffix == ".json" or (suffix not in (".yaml", ".yml") and text.lstrip().startswith("{"))
    if is_json:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError(
                f"{name}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; fix the syntax "
                "(or use YAML with a .yaml extension)"
            ) from None
    try:
        return yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ScenarioError(f"{name}: not valid YAML{where}: {problem}; fix the syntax") from None


def load_scenario(source: str | os.PathLike[str] | tuple[str, bytes]) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    source
        A path, or ``(file name, bytes)`` for an upload. ``.json`` is read as JSON, ``.yaml``/``.yml``
        as YAML; any other name is read as JSON when the text starts with ``{`` and as YAML otherwise.

    Raises
    ------
    ScenarioError
        The file is missing, unreadable or invalid; the message names the file, the field path, the
        value received and the fix.
    """
    name, text = _read_source(source, error=ScenarioError)
    return parse_scenario(_parse_text(name, text), source_name=name)


def load_default_scenario(*, settings: Settings = DEFAULT_SETTINGS) -> Scenario:
    """Load the area's default fleet.

    Kent: the shipped ``data/scenarios/kent_jru_2020.json`` (three Kent JRUs, bases indicative).
    Another area: the shipped scenario whose ``area`` is the area's key (the first by file name), or
    an empty fleet when none is shipped (a planner may start from nothing).
    """
    if settings.is_kent:
        return load_scenario(settings.scenarios_dir / DEFAULT_SCENARIO_FILE)
    for path in sorted(settings.scenarios_dir.glob("*.json")):
        if path.name.endswith("_history.json"):
            continue
        scenario = load_scenario(path)
        if scenario.area == settings.area:
            return scenario
    return Scenario(
        name=f"{settings.area_name}: no units yet",
        description="No fleet is shipped for this area: add units on the Planner or load a scenario file.",
        area=settings.area,
    )


def _scenario_dict(scenario: Scenario) -> dict[str, Any]:
    return scenario.model_dump(mode="json", exclude_none=True)


def scenario_to_json(scenario: Scenario) -> str:
    """Write the scenario as indented JSON that :func:`load_scenario` reads back unchanged."""
    return json.dumps(_scenario_dict(scenario), indent=2, ensure_ascii=False) + "\n"


def scenario_to_yaml(scenario: Scenario) -> str:
    """Write the scenario as YAML (times quoted) that :func:`load_scenario` reads back unchanged."""
    return yaml.safe_dump(_scenario_dict(scenario), sort_keys=False, allow_unicode=True)


def save_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write the scenario to ``path``: YAML for ``.yaml``/``.yml``, JSON otherwise.

    The file is written whole or not at all: to a temporary file beside it, then renamed over it,
    so a failed write never leaves half a scenario (or destroys the previous one).
    """
    target = Path(path)
    is_yaml = target.suffix.lower() in (".yaml", ".yml")
    text = scenario_to_yaml(scenario) if is_yaml else scenario_to_json(scenario)
    write_bytes_atomic(text.encode("utf-8"), target)
