"""Hostile and broken input on the projection, polysemy, sentences, search, train, evaluate and models pages.

Each case must end in a clear message (st.warning / st.error / st.info), never an exception, and the page
must keep working afterwards. User text must stay literal: markdown-escaped in messages (``ui.md``) and
HTML-escaped inside Plotly labels and hovers (``ui.plot_text``), which the figure JSON shows.
Uploads go through the pages' real ``st.file_uploader`` (AppTest can set its files).
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from helpers import SCREENSHOTS, app_test, assert_no_exception, expect_chart_text, open_app, own_milvus_lite, write_vector_file

from embedlab.errors import InvalidInputError

IMG = "<img src=x onerror=alert(1)>"
IMG_WORD = "<img/src=x/onerror=alert(1)>"  # the same attack without spaces, so it can be a vocabulary word
MARKUP_WORDS = ["<b>bold</b>", IMG_WORD, "<script>alert(1)</script>"]
VOCABULARY = MARKUP_WORDS + ["😀", "**star**", "$x$", "诸葛亮", "king", "queen", "apple", "pear", "plum"]
HOSTILE_LINK_VALUES = ["-1", "<script>alert(1)</script>", "../../etc/passwd", "9" * 5000]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
PAGE_TAGS = re.compile(r"</?(?:b|br|extra)>")  # the tags the pages themselves put into hovers


# ------------------------------------------------------------------ helpers


def figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def strings(node) -> list[str]:
    """Every string inside a figure's JSON (labels, hovers, titles, legend names, ticks)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return []


def assert_plotly_literal(at, *expected_escaped: str) -> None:
    """No user markup is live in any chart; each ``expected_escaped`` text is there, escaped."""
    texts = [s for figure in figures(at) for s in strings(figure)]
    assert texts, "no chart drawn"
    live = [s for s in texts if "<" in PAGE_TAGS.sub("", s) or "<b>bold" in s]
    assert not live, live[:3]
    for text in expected_escaped:
        assert any(text in s for s in texts), f"{text!r} not in any chart"


def shown(at, *kinds: str) -> str:
    """The texts of the given message kinds, with the markdown escapes that keep user text literal removed."""
    return " ".join(e.value.replace("\\", "") for kind in kinds for e in getattr(at, kind))


def assert_message(at, *needles: str, kinds=("warning", "error", "info")) -> None:
    assert not at.exception, at.exception
    text = shown(at, *kinds)
    assert text, "no message shown"
    for needle in needles:
        assert needle in text, (needle, text[:500])


def click(at, key: str):
    return at.button(key=key).click().run()


@pytest.fixture(scope="module")
def hostile_model_id() -> str:
    """A real vector file in the models folder whose vocabulary holds markup, emoji, LaTeX and Chinese."""
    return write_vector_file("hostile-pages.vec", VOCABULARY, seed=1)


@pytest.fixture()
def one_mb_cap(tmp_path, monkeypatch) -> Path:
    """A config file that caps uploads at 1 MB (``[embedlab.limits] upload_mb = 1``)."""
    config = tmp_path / "embedlab.toml"
    config.write_text("[embedlab.limits]\nupload_mb = 1\n", encoding="utf-8")
    monkeypatch.setenv("EMBEDLAB_CONFIG", str(config))
    return config


# ------------------------------------------------------------------ projection

PROJECTION = "pages/projection.py"


def test_projection_markup_words_stay_literal_in_labels_hovers_and_legend(hostile_model_id):
    groups = "<b>bold</b>,<img/src=x/onerror=alert(1)>,<script>alert(1)</script>,😀|king,queen,$x$,诸葛亮,**star**"
    at = app_test(PROJECTION, model=hostile_model_id, groups=groups, lang="en")
    assert not at.exception and not at.error, shown(at, "error")
    figure = figures(at)[0]
    assert [t["name"] for t in figure["data"]] == ["&lt;b&gt;bold&lt;/b&gt;", "king"]  # legend entries: the groups' first words
    assert figure["data"][0]["text"][:2] == ["&lt;b&gt;bold&lt;/b&gt;", "&lt;img/src=x/onerror=alert(1)&gt;"]
    assert_plotly_literal(at, "&lt;script&gt;alert(1)&lt;/script&gt;", "😀", "$x$", "诸葛亮")
    row, hover = figure["data"][0]["customdata"][0]  # the row (a click picks its word), then the hover text
    assert row == 0 and hover.startswith("<b>&lt;b&gt;bold&lt;/b&gt;</b>")  # the page's own bold around the escaped word


def test_projection_oov_empty_huge_and_emoji_input_then_still_draws():
    at = app_test(PROJECTION, model="minilm-static", lang="en")
    assert not at.exception and not at.error and figures(at)
    at.text_area(key="projection.groups").set_value("").run()
    assert_message(at, "Type some words to draw", kinds=("info",))
    at.text_area(key="projection.groups").set_value("apple,😀,<b>nope</b>|pear,bananna").run()
    assert_message(at, "Not in the vocabulary", "😀", "<b>nope</b>", "bananna", kinds=("info",))  # skipped and named
    assert any("\\<b\\>nope" in info.value for info in at.info)  # escaped, so it renders as text
    at.text_area(key="projection.groups").set_value("a" * 10_000).run()
    assert_message(at, "10,000 characters", "at most 2,000", kinds=("error",))
    at.text_area(key="projection.groups").set_value("apple,pear,plum|king,queen,prince").run()
    assert not at.exception and not at.error
    assert sorted(w for t in figures(at)[0]["data"] for w in t["text"]) == ["apple", "king", "pear", "plum", "prince", "queen"]


@pytest.mark.parametrize("name", ["dims", "method", "model", "seed", "top", "source", "min_dist", "labels", "groups"])
def test_projection_hostile_link_values(name):
    for value in HOSTILE_LINK_VALUES if name != "groups" else ["a" * 10_000, "<script>,<b>|" * 400]:
        at = app_test(PROJECTION, lang="en", **{"model": "minilm-static", name: value})
        assert_message(at, "Problem in the link", "Unknown model" if name == "model" else f"({name}=)", kinds=("warning",))
        assert figures(at)  # the defaults still draw


# ------------------------------------------------------------------ polysemy

POLYSEMY = "pages/polysemy.py"


def test_polysemy_markup_word_and_sentences_stay_literal():
    sentences = ["Use <b> for bold text.", "The <b> tag is old.", f"{IMG} and <b> again"]
    at = app_test(POLYSEMY, lang="en", model="minilm", word="<b>", s=sentences, static="-")
    assert not at.exception and not at.error, shown(at, "error")
    assert_plotly_literal(at, "“&lt;b&gt;”", "&lt;img src=x onerror=alert(1)&gt; and &lt;b&gt; again")
    assert list(at.dataframe[0].value.iloc[:, 1]) == sentences  # the table holds the raw text (st.dataframe never renders it)
    assert any("\\<b\\>" in c.value for c in at.caption)  # the intro names the word, escaped


@pytest.mark.parametrize(
    "query, needles",
    [
        (dict(word=""), ["Empty word"]),
        (dict(word="x" * 10_000), ["(word=)", "is 10,000 characters", "at most 2,000"]),
        (dict(word="😀", s=["I 😀 you.", "😀 is a face."]), ["does not know '😀'", "[UNK]"]),
        (dict(word="bank", s=["a" * 10_000, "b"]), ["(s=)", "is 10,000 characters"]),
        (dict(word="bank", s=[f"bank {i}" for i in range(60)]), ["60 sentences", "at most 50"]),
        (
            dict(word="bank", s=["bank"], k="-1", layer="<script>", static="../../etc/passwd"),
            ["(k=)", "(layer=)", "(static=)", "at least two"],
        ),
        (dict(word="bank", s=["bank", "bank"], model="../../etc/passwd"), ["Unknown model: '../../etc/passwd'"]),
    ],
)
def test_polysemy_broken_input_gets_messages(query, needles):
    at = app_test(POLYSEMY, lang="en", **{"model": "minilm", "static": "-", **query})
    assert_message(at, *needles)


def test_polysemy_recovers_after_bad_input_in_the_same_session():
    at = app_test(POLYSEMY, lang="en", model="minilm", word="😀", s=["I 😀 you.", "😀 is a face."], static="-")
    assert at.error
    at.text_input(key="polysemy.word").set_value("bank").run()
    at.text_area(key="polysemy.s").set_value("The bank lent money.\nWe sat on the river bank.").run()
    assert not at.exception and not at.error
    assert [m.value for m in at.metric][0] == "2"


# ------------------------------------------------------------------ sentences

SENTENCES = "pages/sentences.py"


def test_sentences_markup_and_emoji_sentences_are_compared_and_stay_literal():
    trio = [f"{IMG} hello", "<b>bold</b> text here", "😀😀😀"]
    at = app_test(SENTENCES, lang="en", model="minilm", s=trio, enc="")
    assert not at.exception and not at.error, shown(at, "error")
    assert_message(at, "#3", "[UNK]", kinds=("warning",))  # emoji only: the model reads it as unknown, and says so
    assert list(at.dataframe[0].value.iloc[:, 1]) == [trio[0], trio[0], trio[1]]
    assert_plotly_literal(at)
    at.text_area(key="sentences.s").set_value("I like this book.\nThis book is great.").run()
    assert not at.exception and not at.error and not at.warning
    assert len(at.dataframe[0].value) == 1


@pytest.mark.parametrize(
    "query, needles",
    [
        (dict(s=["", ""]), ["at least two"]),
        (dict(s=["x" * 10_000, "y"]), ["(s=)", "is 10,000 characters"]),
        (dict(s=["a", "b"], enc="<script>alert(1)</script>"), ["unknown values", "<script>"]),
        (dict(s=["a", "b"], enc="../../etc/passwd," * 300), ["(enc=)"]),
        (dict(s=["a", "b"], model="../../etc/passwd"), ["Unknown model: '../../etc/passwd'"]),
    ],
)
def test_sentences_broken_input_gets_messages(query, needles):
    at = app_test(SENTENCES, lang="en", **{"model": "minilm", "enc": "", **query})
    assert_message(at, *needles)


# ------------------------------------------------------------------ search


@pytest.fixture()
def own_milvus_lite_file(tmp_path):
    """This process's own Milvus Lite file (a browser test's server process may hold the shared one)."""
    with own_milvus_lite(tmp_path / "milvus.db"):
        yield


@pytest.mark.parametrize("name", ["corpus", "n", "topn", "q", "model"])
def test_search_hostile_link_values(name, own_milvus_lite_file):
    values = ["9" * 5000, "x" * 10_000] if name == "q" else HOSTILE_LINK_VALUES
    for value in values:
        at = app_test("pages/search.py", lang="en", **{"model": "minilm", name: value})
        assert_message(at, "Problem in the link", "Unknown model" if name == "model" else f"({name}=)", kinds=("warning",))


def test_search_markup_emoji_and_empty_queries(own_milvus_lite_file, data_dir):
    at = app_test("pages/search.py", lang="en", model="minilm", corpus="alice", n="20", topn="3", q=IMG)
    assert not at.exception and not at.error, shown(at, "error")
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in at.subheader[0].value
    assert len(at.dataframe[0].value) == 3
    assert_plotly_literal(at)
    at.text_input(key="search.q").set_value("😀").run()
    assert not at.exception and not at.error and len(at.dataframe[0].value) == 3
    at.text_input(key="search.q").set_value("   ").run()
    assert_message(at, "Type a phrase to search", kinds=("info",))


# ------------------------------------------------------------------ train

TRAIN = "pages/train.py"
ZH_TEXT = "话说天下大势，分久必合，合久必分。诸葛亮字孔明，刘备三顾茅庐。\n" * 40


def analyse(at):
    return next(b for b in at.button if b.label == "Tokenise and count").click().run()


def stats(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_train_uploads_in_gb18030_and_utf16_count_like_the_utf8_text():
    from embedlab.training import corpus

    at = app_test(TRAIN, lang="en", source="upload", text_lang="zh")
    markup = "<b>x</b> 刘备三顾茅庐。\n" * 20
    at.file_uploader(key="train.files").set_value(
        [
            ("gb.txt", ZH_TEXT.encode("gb18030"), "text/plain"),
            ("u16.txt", markup.encode("utf-16"), "text/plain"),
        ]
    ).run()
    assert not at.exception and not at.error, shown(at, "error")
    captions = shown(at, "caption")
    assert "gb.txt: gb18030" in captions and "u16.txt: utf-16" in captions
    analyse(at)
    assert not at.exception and not at.error
    expected = corpus.segment(ZH_TEXT + "\n\n" + markup, "zh").stats  # what the same text gives as UTF-8
    assert stats(at)["Tokens"] == f"{expected.tokens:,}" and stats(at)["Distinct words"] == f"{expected.vocabulary:,}"
    assert_plotly_literal(at, "诸葛亮")


@pytest.mark.parametrize(
    "name, data, needle",
    [
        ("empty.txt", b"", "empty.txt is empty"),
        ("scan.txt", PNG, "binary"),
        ("latin.txt", bytes(range(128, 256)) * 64, "not text in a supported encoding"),
    ],
)
def test_train_broken_uploads_get_messages_then_a_good_one_works(name, data, needle):
    at = app_test(TRAIN, lang="en", source="upload")
    at.file_uploader(key="train.files").set_value((name, data, "text/plain")).run()
    assert_message(at, needle, kinds=("error",))
    at.file_uploader(key="train.files").set_value(("good.txt", ZH_TEXT.encode("utf-8"), "text/plain")).run()
    assert not at.exception and not at.error
    assert "good.txt: utf-8" in shown(at, "caption")


def test_train_upload_over_the_cap_is_refused_naming_the_cap(one_mb_cap):
    at = app_test(TRAIN, lang="en", source="upload")
    at.file_uploader(key="train.files").set_value(("big.txt", b"ab\n" * 2**19, "text/plain")).run()  # 1.5 MB
    assert_message(at, "big.txt is 1.5 MB", "limited to 1 MB", kinds=("error",))
    assert not at.metric  # nothing was read


def test_train_paste_empty_and_10k_characters():
    at = app_test(TRAIN, lang="en", source="paste", text_lang="en")
    assert_message(at, "Pick, upload or paste some text first", kinds=("info",))
    at.text_area(key="train.paste").set_value("the cat sat on the mat. " * 420).run()  # 10,080 characters
    analyse(at)
    assert not at.exception and not at.error
    assert stats(at)["Characters"] == f"{len('the cat sat on the mat. ' * 420):,}"


@pytest.mark.parametrize("name", ["source", "text_lang", "hmm", "window", "negative", "seed", "words", "epochs"])
def test_train_hostile_link_values(name):
    values = ["a," * 5000, "<script>," * 300] if name == "words" else HOSTILE_LINK_VALUES
    for value in values:
        at = app_test(TRAIN, lang="en", **{name: value})
        assert_message(at, "Problem in the link", f"({name}=)", kinds=("warning",))


# ------------------------------------------------------------------ evaluate

EVALUATE = "pages/evaluate.py"
ANALOGIES = (
    ": <b>capitals</b>\nathens greece paris france\nberlin germany rome italy\nparis france tokyo japan\n"
    ": <img/src=x/onerror=alert(1)>\nking queen man woman\nboy girl brother sister\n"
)
PAIRS = "king\tqueen\t8.5\ncat\tdog\t7.0\ncar\tbanana\t0.5\nhappy\tsad\t2.0\n"


def test_evaluate_uploads_in_utf16_and_gb18030_equal_the_backend_on_utf8(minilm_static):
    from embedlab.static import eval_sets, evaluation

    at = app_test(EVALUATE, lang="en", model="minilm-static", task="analogies", convention="gensim", method="add")
    at.file_uploader(key="evaluate.upload.analogies").set_value(("a.txt", ANALOGIES.encode("utf-16"), "text/plain")).run()
    assert not at.exception and not at.error, shown(at, "error")
    report = evaluation.evaluate_analogies(minilm_static, eval_sets.read_analogies(ANALOGIES.encode("utf-8")))
    assert {m.label: m.value for m in at.metric}["Accuracy"] == f"{report.accuracy:.1%}"
    assert list(at.dataframe[0].value.iloc[:, 0]) == ["<b>capitals</b>", IMG_WORD]  # raw in the table ...
    assert_plotly_literal(at, "&lt;b&gt;capitals&lt;/b&gt;", "&lt;img/src=x/onerror=alert(1)&gt;")  # ... escaped in the chart

    at = app_test(EVALUATE, lang="en", model="minilm-static", task="pairs")
    at.file_uploader(key="evaluate.upload.pairs").set_value(("p.txt", PAIRS.encode("gb18030"), "text/plain")).run()
    assert not at.exception and not at.error, shown(at, "error")
    pairs = evaluation.evaluate_pairs(minilm_static, eval_sets.read_pairs(PAIRS.encode("utf-8")))
    assert {m.label: m.value for m in at.metric}["Spearman"] == f"{pairs.spearman:.4f}"


@pytest.mark.parametrize(
    "name, data, needle",
    [
        ("empty.txt", b"", "empty.txt is empty"),
        ("scan.txt", PNG, "binary"),
        ("prose.txt", "just some prose, no pairs here\n".encode("utf-16"), "no word pairs"),
    ],
)
def test_evaluate_broken_uploads_get_messages_then_a_good_one_works(name, data, needle):
    at = app_test(EVALUATE, lang="en", model="minilm-static", task="pairs")
    at.file_uploader(key="evaluate.upload.pairs").set_value((name, data, "text/plain")).run()
    assert_message(at, needle, kinds=("error",))
    at.file_uploader(key="evaluate.upload.pairs").set_value(("p.txt", PAIRS.encode("utf-8"), "text/plain")).run()
    assert not at.exception and not at.error and at.metric


def test_evaluate_upload_over_the_cap_is_refused_naming_the_cap(one_mb_cap):
    at = app_test(EVALUATE, lang="en", model="minilm-static", task="pairs")
    at.file_uploader(key="evaluate.upload.pairs").set_value(("big.txt", PAIRS.encode("utf-8") * 40_000, "text/plain")).run()
    assert_message(at, "big.txt is 2.1 MB", "limited to 1 MB", kinds=("error",))


@pytest.mark.parametrize("name", ["task", "analogies", "pairs", "convention", "method", "model"])
def test_evaluate_hostile_link_values(name):
    for value in HOSTILE_LINK_VALUES:
        at = app_test(EVALUATE, lang="en", **{"model": "minilm-static", "task": "pairs", name: value})
        assert_message(at, "Problem in the link", "Unknown model" if name == "model" else f"({name}=)", kinds=("warning",))


# ------------------------------------------------------------------ models


@pytest.fixture()
def models_folder_unchanged():
    """Nothing a refused upload sends may stay in the models folder."""
    folder = Path(os.environ["EMBEDLAB_MODELS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    before = set(folder.iterdir())
    yield folder
    assert set(folder.iterdir()) == before


@pytest.mark.parametrize(
    "name, data, needle",
    [
        ("empty.vec", b"", "empty"),
        ("scan.bin", PNG, "not a word2vec binary file"),
        ("scan.vec", PNG, "not UTF-8"),
        ("short.vec", b"3 2\nking 0.1 0.2\n", "malformed or truncated"),
        ("short.bin", b"2000 4\nab " + bytes(16), "malformed or truncated"),
        ("broken.vec.gz", b"not gzip at all", "Not a gzipped file"),
        ("zh-gb.vec", "2 2\n诸葛亮 0.1 0.2\n刘备 0.3 0.4\n".encode("gb18030"), "not UTF-8"),
        ("zh-u16.vec", "2 2\n诸葛亮 0.1 0.2\n刘备 0.3 0.4\n".encode("utf-16"), "not UTF-8"),
        ("<b>x</b>.vec", b"1 2\na 0.1 0.2\n", "Unusable file name"),
        ("😀.vec", b"1 2\na 0.1 0.2\n", "Unusable file name"),
    ],
)
def test_models_page_refuses_broken_vector_uploads(name, data, needle, models_folder_unchanged):
    at = app_test("pages/models.py", lang="en")
    at.file_uploader(key="models.upload").set_value((name, data, "application/octet-stream")).run()
    at = click(at, "models.save_upload")
    assert_message(at, needle, kinds=("error",))
    assert not at.success


@pytest.mark.parametrize(
    "name, data, needle",
    [
        ("scan.bin", PNG, "not a word2vec binary file"),  # gensim raised NotImplementedError here
        ("zh.txt", "2 2\n诸葛亮 0.1 0.2\n刘备 0.3 0.4\n".encode("gb18030"), "not UTF-8"),  # was loaded as mojibake
    ],
)
def test_vector_files_in_the_wrong_format_are_refused_on_loading(tmp_path, name, data, needle):
    from embedlab.io.vectors_io import load_vectors

    (tmp_path / name).write_bytes(data)
    with pytest.raises(InvalidInputError, match=needle):
        load_vectors(tmp_path / name)


def test_models_local_name_too_long_for_the_file_system_gets_a_message(models_folder_unchanged):
    from embedlab.serving import manager

    # The page's text box stops at 300 characters; the backend (also behind the CLI) must not raise OSError.
    with pytest.raises(InvalidInputError, match="10,000 characters.*File name too long"):
        manager.add_local("x" * 10_000)


def test_models_page_upload_over_the_cap_names_the_cap(one_mb_cap, models_folder_unchanged):
    from embedlab.serving import manager

    at = app_test("pages/models.py", lang="en")
    assert "1 MB" in shown(at, "caption")
    at.file_uploader(key="models.upload").set_value(("big.vec", b"0" * (2**20 + 1), "application/octet-stream")).run()
    at = click(at, "models.save_upload")
    assert_message(at, "uploads are limited to 1 MB", kinds=("error",))
    # A stream longer than its stated size is cut off while copying, with the same cap named.
    with pytest.raises(InvalidInputError, match="larger than the 1 MB upload limit"):
        manager.save_upload("liar.vec", io.BytesIO(b"0" * (2**20 + 1)), size=10)


def test_models_page_hostile_names_and_link_values(models_folder_unchanged):
    for value in HOSTILE_LINK_VALUES + ["<b>bold</b>"]:
        at = app_test("pages/models.py", lang="en", model=value)
        assert_message(at, "Problem in the link", "(model=)", kinds=("warning",))
    for name, needle in [
        (f"{IMG}.vec", "is not in the models folder"),
        ("../../etc/passwd", "Only files inside"),
        ("   ", "Type the name"),
    ]:
        at.text_input(key="models.local_name").input(name)
        at = click(at, "models.add_local")
        assert_message(at, needle, kinds=("error",))
        if "<img" in name:
            assert "\\<img src=x onerror=alert\\(1\\)\\>" in at.error[0].value  # escaped: shown, not rendered


# ------------------------------------------------------------------ in Chromium


@pytest.mark.browser
def test_browser_projection_markup_words_render_as_text(app_url, browser_page, hostile_model_id):
    from urllib.parse import quote

    dialogs = []
    browser_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    groups = "<b>bold</b>,<img/src=x/onerror=alert(1)>,<script>alert(1)</script>,😀|king,queen,$x$,诸葛亮"
    browser_page.set_viewport_size({"width": 1400, "height": 1800})  # the chart and its hover fit on screen
    open_app(browser_page, f"{app_url}/projection?model={hostile_model_id}&groups={quote(groups)}&method=pca&lang=en")
    assert_no_exception(browser_page)
    for word in ["<b>bold</b>", IMG_WORD, "<script>alert(1)</script>", "诸葛亮"]:
        expect_chart_text(browser_page, word)  # the tags are shown as text ...
    plot = browser_page.locator(".js-plotly-plot")
    assert plot.locator("b").count() == 0 and plot.locator("img").count() == 0  # ... never applied
    plot.first.scroll_into_view_if_needed()
    box = plot.locator(".scatterlayer .point").first.bounding_box()
    browser_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = plot.locator(".hoverlayer")
    hover.get_by_text("nearest in the original space", exact=False).first.wait_for(timeout=10_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=str(SCREENSHOTS / "projection-hostile.png"))
    hovered = hover.text_content()
    assert any(word in hovered for word in MARKUP_WORDS), hovered  # the hover names the words literally too
    assert plot.locator("img").count() == 0 and browser_page.locator("img[src=x]").count() == 0
    assert dialogs == []


@pytest.mark.browser
def test_browser_models_upload_over_the_cap(app_url, browser_page, tmp_path):
    # The server reads the session's config file afresh on every run: give it a 1 MB cap for this test.
    config = Path(os.environ["EMBEDLAB_CONFIG"])
    before = config.read_bytes() if config.is_file() else None
    config.write_text("[embedlab.limits]\nupload_mb = 1\n", encoding="utf-8")
    try:
        big = tmp_path / "big.vec"
        big.write_bytes(b"0" * (2**20 + 4096))
        open_app(browser_page, f"{app_url}/models?lang=en")
        browser_page.get_by_role("tab", name="Upload").click()
        browser_page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(big))
        browser_page.get_by_role("button", name="Save into the models folder").click()
        browser_page.get_by_text("uploads are limited to 1 MB", exact=False).first.wait_for(timeout=30_000)
        assert_no_exception(browser_page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        browser_page.screenshot(path=str(SCREENSHOTS / "models-upload-over-cap.png"))
    finally:
        if before is None:
            config.unlink(missing_ok=True)
        else:
            config.write_bytes(before)
    assert not (Path(os.environ["EMBEDLAB_MODELS_DIR"]) / "big.vec").exists()
