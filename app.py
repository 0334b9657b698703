"""EmbedLab's entry point: ``streamlit run app.py``."""

from pathlib import Path

import streamlit as st

from embedlab import ui
from embedlab.ui import timing

timing.install_run_log()  # EMBEDLAB_RUN_LOG set: the server's own time for every run (once per process)

# A file shipped in the repository (sent inline as a data URI): a Material icon here would make
# the browser fetch the favicon from Google's font server, which fails offline.
ICON = Path(__file__).resolve().parent / "static" / "embedlab.svg"
st.set_page_config(page_title="EmbedLab", page_icon=ui.favicon(str(ICON)), layout="wide")  # a data URI, read once

ui.language_picker()

PAGES = {  # sections in the sidebar, every page listed (no "View more" fold)
    ui.t("nav.start"): [
        st.Page("pages/home.py", title=ui.t("page.home"), icon=":material/home:", url_path="home", default=True),
    ],
    ui.t("nav.static"): [
        st.Page("pages/explorer.py", title=ui.t("page.explorer"), icon=":material/search:", url_path="explorer"),
        st.Page("pages/analogy.py", title=ui.t("page.analogy"), icon=":material/calculate:", url_path="analogy"),
        st.Page("pages/projection.py", title=ui.t("page.projection"), icon=":material/scatter_plot:", url_path="projection"),
        st.Page("pages/compare.py", title=ui.t("page.compare"), icon=":material/compare_arrows:", url_path="compare"),
        st.Page("pages/axes.py", title=ui.t("page.axes"), icon=":material/swap_horiz:", url_path="axes"),
        st.Page("pages/bias.py", title=ui.t("page.bias"), icon=":material/balance:", url_path="bias"),
    ],
    ui.t("nav.contextual"): [
        st.Page("pages/polysemy.py", title=ui.t("page.polysemy"), icon=":material/call_split:", url_path="polysemy"),
        st.Page("pages/sentences.py", title=ui.t("page.sentences"), icon=":material/notes:", url_path="sentences"),
        st.Page("pages/search.py", title=ui.t("page.search"), icon=":material/manage_search:", url_path="search"),
    ],
    ui.t("nav.models"): [
        st.Page("pages/train.py", title=ui.t("page.train"), icon=":material/model_training:", url_path="train"),
        st.Page("pages/evaluate.py", title=ui.t("page.evaluate"), icon=":material/fact_check:", url_path="evaluate"),
        st.Page("pages/models.py", title=ui.t("page.models"), icon=":material/inventory_2:", url_path="models"),
    ],
}

st.navigation(PAGES, expanded=True).run()
# After the page: a fresh server's first visitor sees their page before torch is imported and the
# UMAP warm-up starts (once per process; later runs find it cached).
ui.warm_projection()
