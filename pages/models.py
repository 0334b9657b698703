"""Model manager: every model with its size and memory; add, upload, download, unload, delete.

Share link: /models?model=ID   (the model whose actions are shown)
"""

import pandas as pd
import streamlit as st

from embedlab import ui
from embedlab.config import load_settings
from embedlab.io import downloads
from embedlab.serving import manager
from embedlab.static import ann

PAGE = "models"
FLASH = "models.flash"

ui.start_page("models.title")
settings = load_settings()
# shown in a code span, where escapes would show; a hosted server never shows its own paths
folder_text = ui.t("models.folder_hidden") if settings.hosted else str(settings.models_dir).replace("`", "'")
st.caption(ui.t("models.intro", folder=folder_text))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH), icon=":material/check_circle:")


def done(message: str) -> None:
    """Show ``message`` after the rerun that refreshes the list."""
    st.session_state[FLASH] = message
    st.rerun()


def shown(value, unit: str = "") -> str:
    """A number for the table, or a dash when it is unknown until the model is loaded or installed."""
    if value is None:
        return "—"
    return f"{value / 2**20:,.1f} MB" if unit == "MB" else f"{value:,}"


rows = manager.list_rows(loaded=ui.loaded_models(), settings=settings)
by_id = {row.id: row for row in rows}
table = pd.DataFrame(
    {
        ui.t("models.col.id"): [row.id for row in rows],
        ui.t("models.col.kind"): [" / ".join(ui.t(f"kind.{kind}") for kind in row.kinds) for row in rows],
        ui.t("models.col.language"): [row.language or "—" for row in rows],
        ui.t("models.col.vocab"): [shown(row.vocab) for row in rows],
        ui.t("models.col.dims"): [shown(row.dims) for row in rows],
        ui.t("models.col.disk"): [shown(row.disk_bytes, "MB") for row in rows],
        ui.t("models.col.loaded"): [row.loaded for row in rows],
        ui.t("models.col.memory"): [shown(row.memory_bytes, "MB") for row in rows],
        ui.t("models.col.where"): [
            ui.t(f"models.where.{row.where}") + (" · " + ui.t("models.mapped") if row.mapped else "") for row in rows
        ],
    }
)
right = st.column_config.TextColumn(alignment="right")
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        ui.t("models.col.loaded"): st.column_config.CheckboxColumn(),
        **{ui.t(f"models.col.{name}"): right for name in ("vocab", "dims", "disk", "memory")},
    },
)
if any(row.mapped for row in rows):
    st.caption(ui.t("models.mapped_note"))

# ---------------------------------------------------------------- one model's actions

PARAMS = [ui.choice_param("model", next((r.id for r in rows if r.loaded), rows[0].id), list(by_id))]
ui.show_problems(ui.bind(PAGE, PARAMS))
st.subheader(ui.t("models.actions"))
st.selectbox(ui.t("app.model"), list(by_id), key=ui.key(PAGE, "model"))
row = by_id[st.session_state[ui.key(PAGE, "model")]]
if settings.hosted:
    st.caption(ui.t("models.managed_by_host"))

with ui.guard():
    if not row.available:
        st.info(ui.t("app.model_unavailable", model=ui.md(row.id), how=ui.md(ui.how_to_get(row.id, row.how_to_get))))
        if row.seed is not None and row.seed.url:  # a vector file: streamed, cut after the chosen number of words
            words = st.number_input(
                ui.t("models.seed_words"),
                min_value=1_000,
                max_value=2_000_000,
                step=50_000,
                value=row.seed.words,
                disabled=settings.hosted,
                key="models.seed_words",
            )
            st.caption(ui.t("models.seed_stream_note"))
            if st.button(ui.t("models.download_seed", model=row.seed.id), icon=":material/download:", key="models.seed_download"):
                path = manager.download_seed(
                    row.seed,
                    words=None if words is None else int(words),  # an empty box: the seed's own count
                    progress=ui.progress_bar(ui.t("models.downloading")),
                    cache_progress=ui.progress_bar(ui.t("models.converting")),
                )
                done(ui.t("models.downloaded", path=ui.md(path.name)))
        elif row.seed is not None and row.seed.hub_id:
            if downloads.hub_offline():
                st.caption(ui.t("models.offline"))
            if st.button(
                ui.t("models.download_seed", model=row.seed.hub_id),
                icon=":material/download:",
                disabled=downloads.hub_offline(),
                key="models.seed_download",
            ):
                folder = manager.download_seed(row.seed, progress=ui.progress_bar(ui.t("models.downloading")))
                done(ui.t("models.downloaded", path=ui.md(folder.name)))
    else:
        col_load, col_unload, col_delete = st.columns(3)
        if not row.loaded and col_load.button(ui.t("models.load"), icon=":material/upload:", key="models.load"):
            ui.load(row.id)
            done(ui.t("models.loaded", model=ui.md(row.id)))
        if row.loaded and col_unload.button(
            ui.t("models.unload"), icon=":material/eject:", disabled=settings.hosted, key="models.unload"
        ):
            ui.unload(row.id)
            done(ui.t("models.unloaded", model=ui.md(row.id)))
        if row.deletable:
            confirm = col_delete.checkbox(
                ui.t("models.confirm_delete", model=ui.md(row.id)), disabled=settings.hosted, key="models.confirm"
            )
            if col_delete.button(
                ui.t("models.delete"),
                icon=":material/delete:",
                disabled=settings.hosted or not confirm,
                type="primary",
                key="models.delete",
            ):
                ui.unload(row.id)
                removed = manager.delete(row.id, settings=settings)
                st.session_state.pop(ui.key(PAGE, "model"), None)
                st.query_params.pop("model", None)  # the link must not point at what is gone
                done(ui.t("models.deleted", model=ui.md(row.id), n=len(removed)))

        if "static" in row.kinds and row.loaded:
            model = ui.load(row.id)
            index_file = ann.index_path(model.kv)
            st.markdown("**" + ui.t("models.ann") + "**")
            st.caption(ui.t("models.ann_note", threshold=ann.AUTO_THRESHOLD, vocab=model.vocab_size))
            if index_file.is_file():
                st.caption(ui.t("models.ann_ready", m=ann.DEFAULT_M, mb=index_file.stat().st_size / 2**20))
            elif st.button(ui.t("models.ann_build"), icon=":material/hub:", disabled=settings.hosted, key="models.ann_build"):
                built = ui.build_ann_index(model, ui.progress_bar(ui.t("models.ann_building")))
                done(ui.t("models.ann_built", n=built.count))

# ---------------------------------------------------------------- adding models

st.subheader(ui.t("models.add"))
tab_local, tab_upload, tab_url, tab_hub = st.tabs(
    [ui.t("models.tab.local"), ui.t("models.tab.upload"), ui.t("models.tab.url"), ui.t("models.tab.hub")]
)
with tab_local:
    st.caption(ui.t("models.local_help", folder=folder_text))
    local_name = st.text_input(ui.t("models.local_name"), key="models.local_name", max_chars=300)
    if st.button(ui.t("models.add_button"), key="models.add_local"):
        with ui.guard():
            model_id = manager.add_local(local_name, settings=settings, progress=ui.progress_bar(ui.t("models.converting")))
            done(ui.t("models.added", model=ui.md(model_id)))
with tab_upload:
    cap = manager.upload_limit_bytes(settings) // 2**20
    st.caption(ui.t("models.upload_help", mb=cap, suffixes=", ".join(manager.UPLOAD_SUFFIXES)))
    uploaded = st.file_uploader(ui.t("models.upload"), key="models.upload")
    if uploaded is not None and st.button(ui.t("models.save_upload"), key="models.save_upload"):
        with ui.guard():
            manager.check_upload_size(uploaded.name, uploaded.size, settings=settings)  # before a progress bar shows
            model_id = manager.save_upload(
                uploaded.name,
                uploaded,
                size=uploaded.size,
                settings=settings,
                progress=ui.progress_bar(ui.t("models.converting")),
            )
            done(ui.t("models.added", model=ui.md(model_id)))
with tab_url:
    url = st.text_input(ui.t("models.url"), key="models.url", max_chars=2000, placeholder="https://…/vectors.vec.gz")
    col_sha, col_name = st.columns(2)
    sha256 = col_sha.text_input(ui.t("models.sha256"), key="models.sha256", max_chars=64)
    file_name = col_name.text_input(ui.t("models.file_name"), key="models.file_name", max_chars=200)
    st.caption(ui.t("models.url_help"))
    if st.button(ui.t("models.download"), key="models.download_url", icon=":material/download:"):
        with ui.guard():
            result = downloads.download_url(
                url, sha256=sha256 or None, filename=file_name or None, progress=ui.progress_bar(ui.t("models.downloading"))
            )
            model_id = manager.add_local(result.path.name, settings=settings, progress=ui.progress_bar(ui.t("models.converting")))
            done(
                ui.t(
                    "models.downloaded_file",
                    model=ui.md(model_id),
                    mb=result.size / 2**20,
                    resumed=result.resumed_from / 2**20,
                    sha=result.sha256[:16],
                )
            )
with tab_hub:
    hub_id = st.text_input(ui.t("models.hub_id"), key="models.hub_id", max_chars=200, placeholder="BAAI/bge-m3")
    if downloads.hub_offline():
        st.caption(ui.t("models.offline"))
    if st.button(ui.t("models.download"), key="models.download_hub", icon=":material/download:"):
        with ui.guard():
            folder = downloads.download_hub(hub_id, progress=ui.progress_bar(ui.t("models.downloading")))
            done(ui.t("models.downloaded", path=ui.md(folder.name)))

# ---------------------------------------------------------------- the seed article's models

st.subheader(ui.t("models.seeds"))
for seed in manager.SEEDS:
    present = manager.seed_installed(seed, settings)
    status = (
        ui.t("models.seed_present", path=ui.md(present.name))
        if present
        else (ui.t("models.seed_ready") if by_id.get(seed.id) and by_id[seed.id].available else ui.t("models.seed_missing"))
    )
    st.markdown(f"**{ui.md(seed.id)}** · {status}")
    st.caption(ui.md(ui.how_to_get(seed.id, seed.instructions)))

ui.sync_url(PAGE, PARAMS)
