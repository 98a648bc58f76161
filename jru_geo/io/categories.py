"""The JRU incident categories and the mapping of source labels (police.uk, STATS19, CAD) onto them.

=============================  ==================================================================
JRU category                   mapped from
=============================  ==================================================================
``violence``                   police.uk "Violence and sexual offences", "Robbery", "Possession
                               of weapons"; generic labels containing assault, violen(ce/t),
                               fight, stab
``rtc``                        every STATS19 row; generic labels with rtc, rta, collision,
                               crash, road
``alcohol``                    police.uk "Drugs"; generic labels with alcohol, drunk, intox
``public_order``               police.uk "Public order", "Anti-social behaviour"; generic labels
                               with disorder, public order, anti-social, ASB
``welfare``                    generic labels with mental, welfare, concern, self-harm, suicid
``sudden_death``               generic labels with death, deceased, sudden
``injury_other``               every other generic label (a fall, an injury: joint-response work
                               the labels do not name)
``other_crime``                police.uk "Burglary", "Shoplifting", "Vehicle crime", "Other
                               theft", "Theft from the person", "Bicycle theft", "Criminal damage
                               and arson", "Other crime", and any crime type not in the table
=============================  ==================================================================

Assumptions, and why
--------------------
* police.uk records crimes, not calls for help, and has no welfare, collision or sudden-death types.
  Only the types where a person may be hurt, drunk or in crisis at the scene are given a JRU
  category; the rest are ``other_crime``, "Other crime (not typical JRU work)", never "Injury/other",
  so a count of them is not read as joint-response demand.
* **Robbery** stays with ``violence``: it is theft by force or the threat of force against a person,
  so a victim may be hurt. **Possession of weapons** too: a weapon at the scene is a risk of injury.
* **Theft from the person** (no force: with force it is robbery), **burglary, shoplifting, vehicle
  crime, bicycle and other theft, criminal damage and arson, other crime** are property or
  process crimes, found or reported after the event: ``other_crime``.
* **Public order** and **anti-social behaviour** are kept apart from alcohol as ``public_order``:
  disorder is the nearest police.uk proxy for night-time-economy calls, but it is not intoxication.
  **Drugs** stays the nearest proxy for ``alcohol`` (intoxication), an assumption.
* The source's own label is never lost: :func:`jru_geo.io.incidents.read_incidents` keeps it as
  ``source_category`` (the police.uk crime type, the STATS19 severity "Fatal"/"Serious"/"Slight",
  the CAD category text), and the sidebar can filter on it.

Generic labels equal to a :data:`CATEGORIES` code or label map to that code first (so the demo
generator's labels round-trip); otherwise keywords are tried in the table's order and the first
match wins. ``other_crime`` is never guessed from a generic label: in a joint-call log a burglary
with an injured victim is joint work.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jru_geo.errors import IncidentFileError

__all__ = ["CATEGORIES", "OTHER_CRIME", "POLICEUK_CATEGORIES", "GENERIC_KEYWORDS", "categorise"]

CATEGORIES: dict[str, str] = {
    "violence": "Violence/assault",
    "rtc": "Road traffic collision",
    "alcohol": "Alcohol/intoxication",
    "welfare": "Mental health/welfare",
    "sudden_death": "Sudden death",
    "injury_other": "Injury/other",
    "public_order": "Public order/anti-social behaviour",
    "other_crime": "Other crime (not typical JRU work)",
}
"""The JRU taxonomy, code -> label, in display order (the categories the demo draws from first)."""

OTHER_CRIME = "other_crime"
"""The code of police.uk crime types that are not typical joint-response work."""

POLICEUK_CATEGORIES: dict[str, str] = {
    "Violence and sexual offences": "violence",
    "Robbery": "violence",
    "Possession of weapons": "violence",
    "Drugs": "alcohol",
    "Public order": "public_order",
    "Anti-social behaviour": "public_order",
    "Burglary": OTHER_CRIME,
    "Shoplifting": OTHER_CRIME,
    "Vehicle crime": OTHER_CRIME,
    "Other theft": OTHER_CRIME,
    "Theft from the person": OTHER_CRIME,
    "Bicycle theft": OTHER_CRIME,
    "Criminal damage and arson": OTHER_CRIME,
    "Other crime": OTHER_CRIME,
}
"""police.uk crime type -> JRU code (case-insensitive); a crime type not listed is ``other_crime``."""

GENERIC_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("violence", r"assault|violen|fight|stab"),
    ("rtc", r"\brt[ac]\b|collision|crash|\broad"),
    ("alcohol", r"alcohol|drunk|intox"),
    ("public_order", r"disorder|public.?order|anti.?social|\basb\b"),
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
    >>> categorise(pd.Series(["Robbery", "Shoplifting", "Public order"]), source="policeuk").tolist()
    ['violence', 'other_crime', 'public_order']
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
        mapped = keys.map(table).fillna(OTHER_CRIME).to_numpy(dtype=object)
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
