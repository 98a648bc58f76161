"""Run a page: routing through app.py, compact layout, shared sidebar, errors as messages, footer.

Every page file ends with ``run_page(body)``; app.py calls :func:`after_navigation` right after
``st.navigation``.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException

from jru_app import sidebar, state
from jru_geo.errors import JruGeoError

__all__ = ["after_navigation", "run_page", "compact_layout", "footer", "escape_markdown"]

LOG = logging.getLogger("jru_geo.app")

APP_DIR = Path(__file__).resolve().parent.parent
"""The folder of app.py and pages/."""

UNEXPECTED = (
    ArithmeticError,
    AssertionError,
    AttributeError,
    ImportError,
    LookupError,
    MemoryError,
    OSError,
    RuntimeError,
    TypeError,
    ValueError,
    StreamlitAPIException,
)
"""The errors a page may raise by mistake (built-in and Streamlit's own): shown as a friendly
message, logged in full. ``st.rerun`` and ``st.switch_page`` pass through: they are no errors."""

_CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 3.4rem; padding-bottom: 1rem;}
.jru-footer {font-size: 11px; line-height: 1.35; color: #555; margin-top: -0.4rem;}
.jru-footer b {color: #222;}
[data-testid="stMetricValue"] {font-size: 1.9rem;}
[data-testid="stMetric"] {padding: 0;}
h3 {padding-top: 0.2rem !important;}
</style>
"""


def _route_through_app(body: Callable[[], None]) -> None:
    """Send a page that was opened bare through app.py, then back to it.

    While a ``pages/`` folder sits beside the entry point, Streamlit runs a deep-linked page file
    directly (without app.py's page config, navigation and sidebar) until app.py has called
    ``st.navigation`` once in the server process (streamlit/streamlit#9624). Such a run comes here:
    it remembers the page and switches to app.py, which routes back to it (:func:`after_navigation`).
    Under ``streamlit run server.py`` no run comes here: its start-up clears that state first
    (:func:`jru_app.startup.declare_navigation`); under ``streamlit run app.py`` the first visitor's may.
    """
    page = Path(body.__code__.co_filename).resolve()
    st.session_state[state.PENDING_PAGE] = page.relative_to(APP_DIR).as_posix()
    st.switch_page(str(APP_DIR / "app.py"))


def after_navigation() -> None:
    """Mark the session routed and return to a page that was opened bare.

    Called by app.py right after ``st.navigation`` (see :func:`_route_through_app`).
    """
    st.session_state[state.ROUTED] = True
    pending = st.session_state.pop(state.PENDING_PAGE, None)
    if pending:
        st.switch_page(str(APP_DIR / pending))


def compact_layout() -> None:
    """Tighten the spacing so each page reads at a glance on a 1280x720 laptop screen."""
    st.html(_CSS)


_INLINE_MARKS = re.compile(r"([\\`*_~$<>:])")
_LINK_CLOSE = re.compile(r"\](?=\()")
_LINE_START_MARK = re.compile(r"^([ \t]*)([#+\-=|]|\d+(?=[.)]))", re.MULTILINE)
_AUTOLINK = re.compile(r"(?i)(\bwww(?=\.)|\b[a-z][a-z0-9+.-]*\\:(?=//)|@(?=[-\w]))")
_WORD_JOINER = "\u2060"
"""An invisible character that stops GitHub-flavoured markdown turning a bare URL or address into a link
(Streamlit links ``https://...``, ``www....`` and ``name@host`` even when the colon is escaped)."""
_ENTITY = re.compile(r"&(?=#?\w+;)")


def escape_markdown(text: str) -> str:
    r"""Backslash-escape user text (file names, category names) before it reaches markdown.

    Escapes what markdown and Streamlit would read as markup: emphasis, code, HTML tags (``<img>``
    shows as text) and entities, bare URLs and e-mail addresses (an invisible word joiner after
    ``https:``, ``www`` or ``@`` stops them becoming links),
    Streamlit's ``:red[...]`` colours and ``:material/...:`` icons, ``$...$`` maths, a link's
    ``](``, and a heading, quote, list or table mark at the start of a line. Brackets and full stops
    elsewhere are left as written.

    Parameters
    ----------
    text
        The text as the user gave it.

    Returns
    -------
    str
        The text for ``st.markdown``, ``st.caption``, ``st.error`` or a widget's ``help``.

    Examples
    --------
    >>> escape_markdown("*bold* :red[x] [a](b) vehicles[0]")
    '\\*bold\\* \\:red[x] [a]\\(b) vehicles[0]'
    """
    text = _INLINE_MARKS.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _AUTOLINK.sub(lambda m: m.group(1) + _WORD_JOINER, text)
    text = _LINK_CLOSE.sub("]\\\\", text)
    return _LINE_START_MARK.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, mark = match.group(1), match.group(2)
    return f"{indent}{mark}\\" if mark[0].isdigit() else f"{indent}\\{mark}"


def footer(as_of_line: str, attribution: str) -> None:
    """Draw a small-print footer: the "as of" line in bold, then the attribution (both HTML-escaped).

    Parameters
    ----------
    as_of_line
        The line in bold.
    attribution
        The data sources' attribution.
    """
    st.html(f'<div class="jru-footer"><b>{html.escape(as_of_line)}</b><br>{html.escape(attribution)}</div>')


def run_page(body: Callable[[], None], *, with_sidebar: bool = True) -> None:
    """Run a page: shared layout and sidebar, then the body.

    A :class:`~jru_geo.errors.JruGeoError` shows as an error message, a built-in error raised by
    mistake (:data:`UNEXPECTED`) as a friendly one, so a user never sees a traceback; the details go
    to the server log.

    Parameters
    ----------
    body
        The page's content.
    with_sidebar
        Draw the shared sidebar; False (the Overview) keeps the filters in the session state
        without drawing them.
    """
    if not st.session_state.get(state.ROUTED):
        _route_through_app(body)
    compact_layout()
    sidebar.keep_state()
    try:
        if with_sidebar:
            sidebar.render_sidebar()
        body()
    except JruGeoError as exc:
        st.error(escape_markdown(str(exc)))  # messages quote file names, headers and vehicle names
    except UNEXPECTED:
        LOG.exception("page failed")
        st.error(
            "Something went wrong on this page. The data you loaded is unchanged; try another filter or "
            "page, or reload. The details are in the server log."
        )
