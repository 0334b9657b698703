"""Home: a guided tour through the seed article's story."""

import streamlit as st

from embedlab import ui

ui.start_page("home.title")
st.write(ui.t("home.intro"))
ui.tour()
ui.sync_url("home", [])
