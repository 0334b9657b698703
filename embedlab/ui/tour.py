"""Presets and the home page's guided tour.

:func:`preset_buttons` puts one button per preset (:mod:`embedlab.ui.presets`) above a page's
inputs; a click fills them. :func:`tour` walks a new visitor through the pages, each step a link
with a preset in the URL, on a model in the visitor's language where there is one.
"""

from __future__ import annotations

import streamlit as st

from embedlab import i18n, share
from embedlab.serving import registry
from embedlab.ui import presets
from embedlab.ui.text import key, lang, md, t


def _apply_preset(page: str, params: dict) -> None:
    for name, value in params.items():
        st.session_state[key(page, name)] = ", ".join(value) if isinstance(value, (list, tuple)) else value


def preset_buttons(page: str, model_id: str | None = None) -> None:
    """One button per preset of ``page`` (those made for ``model_id`` first); a click fills the page's inputs."""
    available = presets.presets_for(page, model_id)
    if not available:
        return
    st.caption(t("common.presets"))
    per_row = 5
    for start in range(0, len(available), per_row):
        row = available[start : start + per_row]
        for column, preset in zip(st.columns(per_row), row):
            column.button(
                preset.title(lang()),
                key=key(page, f"preset-{preset.title_en}"),
                on_click=_apply_preset,
                args=(page, preset.params),
                width="stretch",
            )


TOUR = (  # (page file, url path, tour step, extra preset steps shown as further links)
    ("pages/explorer.py", "explorer", "static", ()),
    ("pages/explorer.py", "explorer", "similarity", ()),
    ("pages/analogy.py", "analogy", "analogy", ("analogy2",)),
    ("pages/projection.py", "projection", "projection", ()),
    ("pages/polysemy.py", "polysemy", "polysemy", ()),
    ("pages/sentences.py", "sentences", "sentences", ()),
)
STATIC_PAGES = ("explorer", "analogy", "projection")


def tour_models(language: str) -> dict[str, str | None]:
    """The models the tour uses in ``language``: ``static`` and ``contextual`` ids (None when there is none).

    In Chinese: the article's own ``sgns`` model when the user has one, else the shipped
    ``sidamingzhu``; a Chinese or multilingual contextual model when one is present.
    """
    statics = registry.list_models(kind="static", available_only=True)
    contextual = registry.list_models(kind="contextual", available_only=True)
    if language != "zh":
        english = [s.id for s in statics if s.language == "en"]
        return {"static": english[0] if english else None, "contextual": contextual[0].id if contextual else None}
    chinese = [s.id for s in statics if s.language == "zh"]
    article = [model_id for model_id in chinese if presets.family_of(model_id) == presets.ARTICLE]
    zh_contextual = [s.id for s in contextual if s.language in ("zh", "multi") and s.id != "minilm"]
    return {
        "static": (article or chinese)[0] if article or chinese else None,
        "contextual": zh_contextual[0] if zh_contextual else None,
    }


def _shipped_size(model_id: str) -> dict[str, int]:
    """``words`` and ``dims`` of a shipped model (for honest captions); empty for other models."""
    from embedlab.training import shipped

    if model_id not in {model.id for model in shipped.SHIPPED}:
        return {}
    meta = shipped.metadata(model_id) or {}
    return {
        "words": meta.get("words", 0),
        "dims": meta.get("dims", 0),
        "tokens_m": round(meta.get("corpus", {}).get("tokens", 0) / 1e6, 1),
    }


def _tour_query(preset: presets.Preset | None, model_id: str | None) -> dict[str, str]:
    query = {"lang": lang()}
    if preset is not None:
        query.update(
            {k: share.join_words(v) if isinstance(v, (list, tuple)) else str(v) for k, v in preset.params.items() if v != ""}
        )
    if model_id:
        query["model"] = model_id
    return query


def tour() -> None:
    """The home page's guided tour: each step links to its page with a preset in the URL.

    In the Chinese UI the static steps run on a Chinese model (the article's ``sgns`` model when
    present, else the shipped ``sidamingzhu``) with presets made for it, and each step says
    honestly what that model can and cannot show.
    """
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    models = tour_models(lang())
    static_id = models["static"] if models["static"] else tour_models("en")["static"]
    static_language = "zh" if lang() == "zh" and models["static"] else "en"
    family = presets.family_of(static_id or "") if static_language == "zh" else ""
    if lang() == "zh" and not models["static"]:
        st.info(t("home.no_zh_model"))
    elif static_id:
        st.caption(t(f"tour.model.{family or 'other'}", model=md(static_id), **_shipped_size(static_id)))
    shown = 0
    for page_file, url_path, step, more in TOUR:
        if not (root / page_file).is_file():
            continue
        shown += 1
        if url_path in STATIC_PAGES:
            language, model_id = static_language, static_id
        else:  # contextual steps: Chinese only with a Chinese (or multilingual) contextual model
            language = "zh" if lang() == "zh" and models["contextual"] else "en"
            model_id = models["contextual"] if language == "zh" else "minilm"
        with st.container(border=True):
            st.markdown(f"**{t('home.step', n=shown)} · {t(f'tour.{step}.title')}**")
            st.write(t(f"tour.{step}.text"))
            for link_step in (step, *more):
                preset = presets.tour_preset(link_step, language, family)
                if preset is None or (link_step != step and preset.step != link_step):
                    continue
                label = t("home.open", title=preset.title(lang()))
                st.page_link(page_file, label=label, icon=":material/arrow_forward:", query_params=_tour_query(preset, model_id))
            if url_path in STATIC_PAGES and family == presets.NOVELS:
                note = f"tour.{step}.novels_note"
                if note in i18n.STRINGS:
                    st.caption(t(note))
                if step == "projection":
                    article = presets.tour_preset("projection", "zh", presets.ARTICLE)
                    st.page_link(
                        page_file,
                        label=t("tour.projection.article_link"),
                        icon=":material/arrow_forward:",
                        query_params=_tour_query(article, model_id),
                    )
            if url_path not in STATIC_PAGES and lang() == "zh" and language == "en":
                st.caption(t("tour.no_zh_contextual"))
                st.page_link(
                    "pages/models.py",
                    label=t("tour.get_zh_contextual"),
                    icon=":material/download:",
                    query_params={"lang": lang()},
                )
