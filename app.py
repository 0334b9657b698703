"""EmbedLab's entry point: ``streamlit run app.py``."""

import streamlit as st

from embedlab import ui

st.set_page_config(page_title="EmbedLab", page_icon=":material/explore:", layout="wide")

ui.language_picker()

PAGES = [
    st.Page("pages/home.py", title=ui.t("page.home"), icon=":material/home:", url_path="home", default=True),
    st.Page("pages/explorer.py", title=ui.t("page.explorer"), icon=":material/search:", url_path="explorer"),
    st.Page("pages/analogy.py", title=ui.t("page.analogy"), icon=":material/calculate:", url_path="analogy"),
]

st.navigation(PAGES).run()
