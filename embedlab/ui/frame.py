"""The frame every page shares: its start, Streamlit's own texts translated, the icon, spinners and progress bars.

:func:`start_page` is the first call of every page script; :func:`working` and
:func:`progress_bar` show that something is under way.
"""

from __future__ import annotations

from functools import cache

import streamlit as st

from embedlab.progress import Progress, fraction
from embedlab.ui.text import lang, t


def start_page(title_key: str) -> None:
    """First call of every page: make sure it runs inside app.py's navigation, then show the title.

    Before any session has run app.py, Streamlit treats ``pages/`` as an old-style page folder and
    runs a deep-linked page script on its own (no language picker, file-name navigation). That
    happens to the first visitor of a fresh server who opens a share link; rerunning fixes it,
    because the rerun goes through app.py and its ``st.navigation``.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    _translate_streamlit_chrome()
    st.title(t(title_key))


def _translate_streamlit_chrome() -> None:
    """Streamlit writes its file uploader's button and size note in English only; say them in the UI's language.

    A stylesheet swaps the two texts (hidden with ``font-size: 0``) for ours; nothing else changes.
    """
    if lang() == "en":
        return
    size_mb = st.get_option("server.maxUploadSize")
    upload, note = t("app.upload_button"), t("app.upload_note", mb=size_mb)
    st.html(
        "<style>"
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p{font-size:0}'
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after'
        f'{{content:"{upload}";font-size:0.875rem}}'
        '[data-testid="stFileUploaderDropzoneInstructions"] span{font-size:0}'
        f'[data-testid="stFileUploaderDropzoneInstructions"] span::after{{content:"{note}";font-size:0.875rem}}'
        "</style>"
    )


def working(text_key: str = "app.working"):
    """A spinner for work that may take more than a second (it shows after half a second).

    Streamlit writes the time spent in English ("3.4 seconds"), so only the English UI shows it.
    """
    return st.spinner(t(text_key), show_time=lang() == "en")


def progress_bar(label: str) -> Progress:
    """A progress bar and the :class:`~embedlab.progress.Progress` callback that moves it.

    The bar reads ``label done / total`` (thousands separated); a ``stage`` the work reports follows the label.
    """
    bar = st.progress(0.0, text=label)

    def count(amount: float) -> str:  # 1,234 bytes; 2.5 epochs
        return f"{int(amount):,}" if float(amount).is_integer() else f"{amount:,.1f}"

    def update(done: float, total: float, /, stage: str = "") -> None:
        text = f"{label} · {stage}" if stage else label
        bar.progress(fraction(done, total), text=f"{text} {count(done)} / {count(total)}" if total else text)

    return update


@cache
def favicon(path: str) -> str:
    """An SVG icon file as a data URI, read once (``st.set_page_config`` reads and encodes a path on every run)."""
    import base64
    from pathlib import Path

    return "data:image/svg+xml;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")
