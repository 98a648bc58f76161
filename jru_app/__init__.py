"""The app edge of the JRU Geo dashboard: everything that knows about Streamlit.

``state`` (every session key and its typed reader) sits at the bottom; ``cache`` holds only the
``st.cache_*`` wrappers around jru_geo calls; ``data`` assembles one :class:`~jru_app.data.AppData`
for a run and ``results`` reads the model's answers for it from the cache; ``sidebar`` draws the
shared sidebar; ``page`` runs a page. Arrows run one way: pages -> page -> sidebar -> results ->
data -> cache -> jru_geo, with ``state`` below them all.
"""

__all__: list[str] = []
