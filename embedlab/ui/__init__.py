"""The Streamlit edge: the only package that imports Streamlit; pages call it as ``ui.<name>``.

This module only re-exports the UI's page-level functions and classes, so a page writes
``from embedlab import ui`` and then ``ui.start_page``, ``ui.t``, ``ui.bind``... The code lives in
one module per concern:

* :mod:`~embedlab.ui.text`: the interface language (:func:`lang`, :func:`t`) and user text made
  literal in markup (:func:`md`, :func:`plot_text`);
* :mod:`~embedlab.ui.frame`: what every page shares (:func:`start_page`, spinners, progress bars);
* :mod:`~embedlab.ui.state`: URL state: inputs declared as :class:`Param`, filled from the URL
  (:func:`bind`) and written back (:func:`sync_url`), so the address bar is always a share link;
* :mod:`~embedlab.ui.errors`: errors said in plain language (:func:`guard`, :func:`show_error`);
* :mod:`~embedlab.ui.server`: what the server process holds once for every session (the model
  pool, job slots, result caches, :func:`remembered`);
* :mod:`~embedlab.ui.models`: picking, loading and describing models;
* :mod:`~embedlab.ui.neighbours`, :mod:`~embedlab.ui.encoders`, :mod:`~embedlab.ui.maps`: nearest
  words, sentence encoders, projections and atlases through the server's caches;
* :mod:`~embedlab.ui.lab`: the compare, axes and bias pages' helpers;
* :mod:`~embedlab.ui.tour`: preset buttons and the home page's tour;
* :mod:`~embedlab.ui.warmup`: the start-up warm-up ``app.py`` starts;
* :mod:`~embedlab.ui.timing`: the optional per-run timing log (``EMBEDLAB_RUN_LOG``) ``app.py`` installs;
* :mod:`~embedlab.ui.pictures` (Plotly figures and chart layout) and :mod:`~embedlab.ui.presets`
  (the shipped examples), which pages import by name.

Pages take their data from backend modules, which they import directly
(``from embedlab.static import model as static``); ``tests/test_layering.py`` keeps the direction.
"""

from embedlab.ui.encoders import search_encoder, sentence_encoder, static_alignment
from embedlab.ui.errors import error_text, guard, lost_trainings, missing_words_text, show_busy, show_error
from embedlab.ui.frame import favicon, progress_bar, start_page, working
from embedlab.ui.lab import (
    axis_param,
    comparison,
    lab_guard,
    second_model_param,
    second_static_model,
    show_lab_error,
    show_missing,
    weat_tests,
)
from embedlab.ui.maps import load_atlas, pick_from_chart, project_words
from embedlab.ui.models import (
    contextual_model,
    contextual_param,
    default_model,
    describe,
    how_to_get,
    known_words,
    load,
    loaded_models,
    model_label,
    model_param,
    model_picker,
    page_contextual_model,
    page_static_model,
    sample_note,
    sample_title,
    source_name,
    static_model,
    unload,
    warn_unreadable,
)
from embedlab.ui.neighbours import ann_index, build_ann_index, neighbors
from embedlab.ui.server import (
    evaluation_cache,
    forget_remembered,
    heavy_job,
    job_slots,
    milvus,
    model_pool,
    remembered,
    settle_heap,
    training_slots,
    visitor,
)
from embedlab.ui.state import (
    Param,
    bind,
    box_param,
    choice_param,
    flag_param,
    float_param,
    groups_of,
    groups_param,
    int_param,
    rebind,
    sentences_of,
    sentences_param,
    show_problems,
    sync_url,
    text_param,
    url_is_new,
    word_param,
    words_of,
    words_param,
)
from embedlab.ui.text import Keys, key, lang, language_picker, md, option_labels, plot_text, t
from embedlab.ui.tour import preset_buttons, tour, tour_models
from embedlab.ui.warmup import warm_projection

__all__ = [
    "Keys",
    "Param",
    "ann_index",
    "axis_param",
    "bind",
    "box_param",
    "build_ann_index",
    "choice_param",
    "comparison",
    "contextual_model",
    "contextual_param",
    "default_model",
    "describe",
    "error_text",
    "evaluation_cache",
    "favicon",
    "flag_param",
    "float_param",
    "forget_remembered",
    "groups_of",
    "groups_param",
    "guard",
    "heavy_job",
    "how_to_get",
    "int_param",
    "job_slots",
    "key",
    "known_words",
    "lab_guard",
    "lang",
    "language_picker",
    "load",
    "load_atlas",
    "loaded_models",
    "lost_trainings",
    "md",
    "milvus",
    "missing_words_text",
    "model_label",
    "model_param",
    "model_picker",
    "model_pool",
    "neighbors",
    "option_labels",
    "page_contextual_model",
    "page_static_model",
    "pick_from_chart",
    "plot_text",
    "preset_buttons",
    "progress_bar",
    "project_words",
    "rebind",
    "remembered",
    "sample_note",
    "sample_title",
    "search_encoder",
    "second_model_param",
    "second_static_model",
    "sentence_encoder",
    "sentences_of",
    "sentences_param",
    "settle_heap",
    "show_busy",
    "show_error",
    "show_lab_error",
    "show_missing",
    "show_problems",
    "source_name",
    "start_page",
    "static_alignment",
    "static_model",
    "sync_url",
    "t",
    "text_param",
    "tour",
    "tour_models",
    "training_slots",
    "unload",
    "url_is_new",
    "visitor",
    "warm_projection",
    "warn_unreadable",
    "weat_tests",
    "word_param",
    "words_of",
    "words_param",
    "working",
]
