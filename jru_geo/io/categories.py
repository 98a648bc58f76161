"""The JRU incident categories and the mapping of source labels (police.uk, STATS19, CAD) onto them.

=============================  ==================================================================
JRU category                   mapped from
=============================  ==================================================================
``violence``                   police.uk "Violence and sexual offences", "Robbery", "Possession
                               of weapons"; generic labels containing assault, violen(ce/t),
                               fight, stab
``rtc``                        every STATS19 row; generic labels with rtc, rta, collision,
                               crash, road
``alcohol``                    police.uk "Public order", "Drugs", "Anti-social behaviour";
                               generic labels with alcohol, drunk, intox
``welfare``                    generic labels with mental, welfare, concern, self-harm, suicid
``sudden_death``               generic labels with death, deceased, sudden
``injury_other``               every other police.uk crime type and generic label
=============================  ==================================================================

Mapping public order, drugs and anti-social behaviour to ``alcohol`` is an **assumption**: in
police.uk data these are the nearest proxy for night-time-economy disorder, which is where most
alcohol/intoxication calls for a joint response arise. police.uk has no welfare, collision or
sudden-death categories. Generic labels equal to a :data:`CATEGORIES` code or label map to that code
first (so the demo generator's labels round-trip); otherwise keywords are tried in the table's order
and the first match wins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jru_geo.errors import IncidentFileError

__all__ = ["CATEGORIES", "POLICEUK_CATEGORIES", "GENERIC_KEYWORDS", "categorise"]

CATEGORIES: dict[str, str] = {
    "violence": "Violence/assault",
    "rtc": "Road traffic collision",
    "alcohol": "Alcohol/intoxication",
    "welfare": "Mental health/welfare",
    "sudden_death": "Sudden death",
    "injury_other": "Injury/other",
}
"""The JRU taxonomy, code -> label, in display order."""

POLICEUK_CATEGORIES: dict[str, str] = {
    "Violence and sexual offences": "violence",
    "Robbery": "violence",
    "Possession of weapons": "violence",
    "Public order": "alcohol",
    "Drugs": "alcohol",
    "Anti-social behaviour": "alcohol",
}
"""police.uk crime type -> JRU code (case-insensitive); any other crime type is ``injury_other``."""

GENERIC_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("violence", r"assault|violen|fight|stab"),
    ("rtc", r"\brt[ac]\b|collision|crash|\broad"),
    ("alcohol", r"alcohol|drunk|intox"),
    ("welfare", r"mental|welfare|concern|self.?harm|suicid"),
    ("sudden_death", r"death|deceased|sudden"),
)
"""Generic label keywords (case-insensitive regular expressions), tried in order."""


# --------------------------------------------------------------------------------------------
# categories


def categorise(labels: pd.Series, *, source: str) -> pd.Series:
    """Map original category labels to :data:`CATEGORIES` codes.

    Parameters
    ----------
    labels
        Original labels (police.uk crime types, STATS19 severities or free-text CAD categories).
    source
        ``"policeuk"``, ``"stats19"`` or ``"generic"``; see the module docstring for the table.

    Returns
    -------
    Series
        Codes, aligned to ``labels``' index, named ``"category"``.

    Examples
    --------
    >>> categorise(pd.Series(["Robbery", "Shoplifting"]), source="policeuk").tolist()
    ['violence', 'injury_other']
    >>> categorise(pd.Series(["Drunk male", "Concern for welfare"]), source="generic").tolist()
    ['alcohol', 'welfare']
    """
    if source not in ("policeuk", "stats19", "generic"):
        raise IncidentFileError(f"source must be 'policeuk', 'stats19' or 'generic', got {source!r}")
    text = labels.astype("string").fillna("").str.strip()
    codes, uniques = pd.factorize(text)
    keys = pd.Series(uniques, dtype="string").str.casefold()
    if source == "stats19":
        mapped = np.full(len(keys), "rtc", dtype=object)
    elif source == "policeuk":
        table = {k.casefold(): v for k, v in POLICEUK_CATEGORIES.items()}
        mapped = keys.map(table).fillna("injury_other").to_numpy(dtype=object)
    else:
        mapped = _generic_codes(keys)
    out = mapped[codes] if len(codes) else np.array([], dtype=object)
    return pd.Series(out, index=labels.index, name="category", dtype="str")


def _generic_codes(keys: pd.Series) -> np.ndarray:
    exact = {code: code for code in CATEGORIES} | {lab.casefold(): c for c, lab in CATEGORIES.items()}
    mapped = keys.map(exact)
    for code, pattern in GENERIC_KEYWORDS:
        todo = mapped.isna()
        if not todo.any():
            break
        hit = keys[todo].str.contains(pattern, regex=True)
        mapped[hit[hit].index] = code
    return mapped.fillna("injury_other").to_numpy(dtype=object)
