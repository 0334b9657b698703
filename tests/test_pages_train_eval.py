"""The train and evaluate pages: AppTest for the logic, Chromium for what people see."""

from __future__ import annotations

import pytest
from helpers import (
    SCREENSHOTS,
    app_test,
    assert_no_exception,
    expect_chart_text,
    expect_text,
    open_app,
    wait_for_app_idle,
    wait_for_paint,
)


def screenshot(page, name: str, *, height: int = 2600) -> None:
    """The whole page: Streamlit scrolls inside its own container, so grow the window instead of full_page."""
    page.set_viewport_size({"width": 1400, "height": height})
    wait_for_paint(page)
    page.screenshot(path=str(SCREENSHOTS / name))
    page.set_viewport_size({"width": 1400, "height": 1000})


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch, data_dir):
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EMBEDLAB_DATA_DIR", str(data_dir))
    return tmp_path / "models"


def click(at, label: str):
    next(button for button in at.button if button.label == label).click().run()
    return at


# ---------------------------------------------------------------- train page


def test_train_sample_in_compare_mode_saves_models_every_picker_sees(private_dirs):
    at = app_test("pages/train.py", lang="en", sample="alice", mode="compare", size="16", epochs="2", min_count="3")
    assert not at.exception and not at.error
    assert at.selectbox(key="train.sample").value == "alice"
    click(at, "Tokenise and count")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tokens"] == "26,778" and metrics["Distinct words"] == "2,639"
    click(at, "Train")
    state = at.session_state["train.job"].wait(120)
    assert state.phase == "done", state.error
    at.run()
    assert not at.exception and not at.error
    saved = [s.model_id for s in state.saved]
    assert [name.rsplit("-", 1)[-1] for name in saved] == ["cbow.kv", "sg.kv"]
    assert all(any(model_id.replace("-", "\\-").replace(".", "\\.") in s.value for s in at.success) for model_id in saved)
    assert at.text_input(key="train.words").value == "alice, queen, rabbit"
    assert len(at.dataframe) == 6  # three words, CBOW and skip-gram side by side
    assert at.query_params["mode"] in ("compare", ["compare"])
    # At once in another page's model picker, and usable there.
    explorer = app_test("pages/explorer.py", model=saved[1], word="alice", topn="5", words="alice,queen,king", lang="en")
    assert not explorer.exception and not explorer.error, [e.value for e in explorer.error]
    assert saved[1].removesuffix(".kv") in explorer.selectbox(key="explorer.model").options  # pickers show ids without .kv
    assert explorer.selectbox(key="explorer.model").value == saved[1]
    assert len(explorer.dataframe[0].value) == 5


def test_train_cancel_button_stops_the_job(private_dirs):
    at = app_test("pages/train.py", lang="zh", sample="alice", epochs="200", size="50", min_count="1")
    click(at, "开始训练")
    job = at.session_state["train.job"]
    click(at, "取消")
    assert job.wait(60).phase == "cancelled"
    at.run()
    assert not at.exception
    assert any("已取消" in w.value for w in at.warning)
    assert not list(private_dirs.glob("*.kv"))


@pytest.mark.parametrize(
    "text, message",
    [
        ("😀😀😀 ！！！", "No words"),
        ("<script>alert(1)</script>", None),
    ],
)
def test_train_pasted_text(text, message):
    at = app_test("pages/train.py", lang="en", source="paste", min_count="1", epochs="1", size="8")
    at.text_area(key="train.paste").set_value(text).run()
    click(at, "Tokenise and count")
    assert not at.exception
    if message:
        assert any(message in e.value for e in at.error)
    else:
        assert {m.label: m.value for m in at.metric}["Tokens"] == "4"  # script, alert, 1, script


def test_train_samples_ship_with_the_app_and_keep_names_whole():
    at = app_test("pages/train.py", lang="en", sample="alice")
    assert not at.exception and not at.error
    assert any("Ships with EmbedLab (public domain): 144,600 characters" in c.value for c in at.caption)
    zh = app_test("pages/train.py", lang="zh", sample="hongloumeng")
    assert not zh.exception and zh.checkbox(key="train.names").value  # the novels' names dictionary is on
    assert zh.radio(key="train.mode").value == "sg" and zh.number_input(key="train.epochs").value == 10


def test_train_bad_link_values_fall_back_with_a_message():
    at = app_test("pages/train.py", lang="en", size="abc", mode="word2vec", sample="../../etc/passwd")
    assert not at.exception
    problems = " ".join(w.value for w in at.warning)
    assert "size" in problems and "mode" in problems and "sample" in problems
    assert at.number_input(key="train.size").value == 100


def test_train_existing_name_is_refused(private_dirs):
    at = app_test("pages/train.py", lang="en", sample="alice", size="8", epochs="1")
    at.text_input(key="train.name").set_value("mine").run()
    click(at, "Train")
    assert at.session_state["train.job"].wait(60).phase == "done"
    at.run()
    click(at, "Train")
    state = at.session_state["train.job"].wait(60)
    at.run()
    assert state.phase == "failed" and "already exists" in state.error
    assert any("already exists" in e.value for e in at.error)


def test_train_waits_for_a_free_slot_on_a_busy_server(private_dirs):
    from embedlab import ui

    slots = ui.training_slots()  # the server-wide slots every session shares
    for _ in range(slots.count):
        slots.take()  # other visitors' trainings
    try:
        at = app_test("pages/train.py", lang="en", sample="alice", size="8", epochs="1")
        click(at, "Train")
        assert not at.exception and "train.job" not in at.session_state
        assert any("already runs" in w.value and "Try again" in w.value for w in at.warning)  # the busy message, with the place
    finally:
        for _ in range(slots.count):
            slots.give_back()
    click(at, "Train")  # a slot is free again
    assert at.session_state["train.job"].wait(60).phase == "done"


# ---------------------------------------------------------------- evaluate page


def test_evaluate_analogies_share_link_equals_the_backend(minilm_static, data_dir):
    from embedlab.static.eval_sets import read_analogies
    from embedlab.static.evaluation import evaluate_analogies

    at = app_test(
        "pages/evaluate.py",
        lang="en",
        model="minilm-static",
        task="analogies",
        analogies="en/questions-words.txt",
        convention="gensim",
        method="add",
    )
    assert not at.exception and not at.error
    report = evaluate_analogies(minilm_static, read_analogies(data_dir / "eval" / "en" / "questions-words.txt"))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Accuracy"] == f"{report.accuracy:.1%}" and metrics["Coverage"] == f"{report.coverage:.1%}"
    sections = at.dataframe[0].value
    assert list(sections.iloc[:, 0]) == [s.section for s in report.sections]
    assert list(sections.iloc[:, 1]) == [s.correct for s in report.sections]
    misses = at.dataframe[1].value
    assert len(misses) == 30 and misses.iloc[0, 1] == report.misses[0].expected


def test_evaluate_ca8_mul_and_gensim_mul_note():
    at = app_test(
        "pages/evaluate.py", lang="zh", model="minilm-static", analogies="en/questions-words.txt", convention="ca8", method="mul"
    )
    assert not at.exception and not at.error
    assert {m.label for m in at.metric} >= {"准确率", "覆盖率"}
    at = app_test("pages/evaluate.py", lang="en", model="minilm-static", convention="gensim", method="mul")
    assert not at.exception and any("3CosAdd only" in i.value for i in at.info)


def test_evaluate_pairs_equal_gensim(minilm_static, data_dir):
    at = app_test("pages/evaluate.py", lang="en", model="minilm-static", task="pairs", pairs="en/simlex999.txt")
    assert not at.exception and not at.error
    pearson, spearman, oov = minilm_static.kv.evaluate_word_pairs(str(data_dir / "eval" / "en" / "simlex999.txt"))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Spearman"] == f"{spearman[0]:.4f}" and metrics["Pearson"] == f"{pearson[0]:.4f}"
    assert metrics["OOV ratio"] == f"{oov:.1f}%"


def test_evaluate_trained_chinese_model(zh_w2v, private_dirs):
    private_dirs.mkdir(parents=True, exist_ok=True)
    zh_w2v.kv.save(str(private_dirs / "sanguo-zh.kv"))
    at = app_test("pages/evaluate.py", model="sanguo-zh.kv")  # Chinese defaults: CA8 semantic, CA8 convention
    assert not at.exception and not at.error
    assert at.selectbox(key="evaluate.analogies").value == "zh/ca8_semantic.txt"
    assert at.radio(key="evaluate.convention").value == "ca8"
    at = app_test("pages/evaluate.py", model="sanguo-zh.kv", task="pairs")
    assert not at.exception and at.selectbox(key="evaluate.pairs").value == "zh/wordsim240.txt"


def test_evaluate_bad_link_values():
    at = app_test("pages/evaluate.py", lang="en", model="minilm-static", analogies="/etc/passwd", convention="x")
    assert not at.exception
    problems = " ".join(w.value for w in at.warning)
    assert "analogies" in problems and "convention" in problems
    assert at.metric  # the defaults still evaluate


# ---------------------------------------------------------------- browser


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_browser_evaluate(app_url, browser_page, lang):
    SCREENSHOTS.mkdir(exist_ok=True)
    open_app(
        browser_page,
        f"{app_url}/evaluate?model=minilm-static&task=analogies&analogies=en/questions-words.txt"
        f"&convention=gensim&method=add&lang={lang}",
        timeout_ms=120_000,
    )
    assert_no_exception(browser_page)
    expect_text(browser_page, "准确率" if lang == "zh" else "Accuracy")
    expect_text(browser_page, "75.5%")
    expect_chart_text(browser_page, "capital-common-countries")
    screenshot(browser_page, f"evaluate-{lang}.png")
    open_app(browser_page, f"{app_url}/evaluate?model=minilm-static&task=pairs&pairs=en/wordsim353.tsv&lang={lang}")
    assert_no_exception(browser_page)
    expect_text(browser_page, "0.7752")
    screenshot(browser_page, f"evaluate-pairs-{lang}.png", height=1400)


@pytest.mark.browser
@pytest.mark.parametrize("lang, sample, word", [("zh", "sanguo", "诸葛亮"), ("en", "alice", "alice")])
def test_browser_train(app_url, browser_page, lang, sample, word):
    SCREENSHOTS.mkdir(exist_ok=True)
    size, epochs = ("50", "10") if lang == "zh" else ("16", "3")
    open_app(browser_page, f"{app_url}/train?lang={lang}&sample={sample}&mode=compare&size={size}&epochs={epochs}&min_count=5")
    assert_no_exception(browser_page)
    browser_page.get_by_role("button", name="分词并统计" if lang == "zh" else "Tokenise and count").click()
    expect_text(browser_page, "词次" if lang == "zh" else "Tokens", timeout_ms=180_000)
    browser_page.get_by_role("button", name="开始训练" if lang == "zh" else "Train", exact=True).click()
    expect_text(browser_page, "都能选到它" if lang == "zh" else "model list offers it now", timeout_ms=400_000)
    wait_for_app_idle(browser_page)  # the rest of the run that announced the model
    assert_no_exception(browser_page)
    expect_chart_text(browser_page, "skip-gram")  # the loss chart's legend
    expect_text(browser_page, word)
    screenshot(browser_page, f"train-{lang}.png", height=4200)


@pytest.mark.browser
def test_browser_train_upload_in_gb18030(app_url, browser_page, data_dir):
    open_app(browser_page, f"{app_url}/train?lang=zh&source=upload")
    fixture = data_dir / "corpora" / "zh-gb18030" / "sanguo_yanyi_gb18030.txt"
    browser_page.locator('input[type="file"]').first.set_input_files(str(fixture))
    expect_text(browser_page, "gb18030 编码", timeout_ms=60_000)
    browser_page.get_by_role("button", name="分词并统计").click()
    expect_text(browser_page, "不同的词", timeout_ms=180_000)
    assert_no_exception(browser_page)
    screenshot(browser_page, "train-upload-zh.png", height=1800)


# ---------------------------------------------------------------- evaluate: misses and pairs you can open (issue 13)


def test_evaluate_misses_link_to_the_analogy_page_with_their_question(minilm_static, data_dir):
    from urllib.parse import parse_qs, urlsplit

    from embedlab.static import model as static
    from embedlab.static.eval_sets import read_analogies
    from embedlab.static.evaluation import evaluate_analogies

    at = app_test(
        "pages/evaluate.py",
        lang="en",
        model="minilm-static",
        task="analogies",
        analogies="en/questions-words.txt",
        convention="gensim",
        method="add",
    )
    assert not at.exception and not at.error
    report = evaluate_analogies(minilm_static, read_analogies(data_dir / "eval" / "en" / "questions-words.txt"), worst=100)
    misses = at.dataframe[1].value
    assert len(misses) == 30
    for link, miss in zip(misses["Open"], report.misses):
        parts = urlsplit(link)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        assert parts.path == "analogy" and query["model"] == "minilm-static" and query["method"] == "add"
        # a : b :: c : ? is b − a + c; the words as the model spells them (gensim's convention folds case)
        assert query["pos"].split(",") == [miss.b.lower(), miss.c.lower()] and query["neg"] == miss.a.lower()
        assert query["expect"] == miss.expected.lower()
        found = static.expected_answer(
            minilm_static, positive=query["pos"].split(","), negative=query["neg"], expected=query["expect"]
        )
        assert found.rank == miss.rank  # the page this link opens shows the rank the evaluation found
    first = {name: values[0] for name, values in parse_qs(urlsplit(misses["Open"][0]).query).items()}
    opened = app_test("pages/analogy.py", **first)
    assert not opened.exception and not opened.error
    assert f"rank {report.misses[0].rank} under 3CosAdd" in opened.info[0].value


def test_evaluate_pairs_link_to_the_explorer_with_both_words(minilm_static):
    from urllib.parse import parse_qs, urlsplit

    at = app_test("pages/evaluate.py", lang="zh", model="minilm-static", task="pairs", pairs="en/wordsim353.tsv")
    assert not at.exception and not at.error
    pairs = at.dataframe[0].value
    gaps = list(pairs["名次差"].abs())
    assert gaps == sorted(gaps, reverse=True)  # where the model and people disagree most, first
    for first, second, link in zip(pairs["词 1"], pairs["词 2"], pairs["打开"]):
        parts = urlsplit(link)
        query = parse_qs(parts.query)
        # the words as the model spells them (the evaluation folds case, and minilm-static is lower case)
        assert parts.path == "explorer" and query["word"] == [first.lower()] and query["words"] == [f"{first},{second}".lower()]
        assert query["lang"] == ["zh"]
    first = {name: values[0] for name, values in parse_qs(urlsplit(pairs["打开"][0]).query).items()}
    opened = app_test("pages/explorer.py", **first)
    assert not opened.exception and not opened.error
