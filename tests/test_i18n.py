"""The zh UI speaks Chinese: error codes, model and corpus texts, and a newcomer's rough edges.

Errors a user commonly meets carry a message code (``error.<code>`` in :mod:`embedlab.i18n`, zh
and en) and are shown in the page's language, naming the field as the page labels it; the CLI
keeps printing English. Model descriptions, how-to-get texts and sample notes are looked up by id.
AppTests open the pages in Chinese and check that no English sentence is left in what they show.
"""

from __future__ import annotations

import json
import re
import string
import subprocess
import sys

import pytest
import streamlit
from conftest import PROJECT_ROOT, app_test, open_app

from embedlab import i18n, share
from embedlab.config import load_settings
from embedlab.errors import InvalidInputError
from embedlab.serving import registry

# Two or more ASCII words in a row: an English phrase (a lone identifier such as topn or [UNK] is fine).
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[\s,;:.!?'’()]+[A-Za-z]{2,})+")
CJK = re.compile(r"[\u4e00-\u9fff]")
POLYSEMY_APPLE = dict(model="minilm", word="苹果", s=["他在苹果上班。", "他在吃苹果。"])


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def english_in(text: str, *allowed: str) -> list[str]:
    """English phrases left in ``text`` once model ids, typed words and other ``allowed`` tokens are taken out."""
    text = text.replace("\\", "")  # markdown escapes
    for token in sorted({*allowed, *(spec.id for spec in registry.list_models())}, key=len, reverse=True):
        text = text.replace(token, " ")
    return ENGLISH_RUN.findall(text)


def messages(at, *kinds: str) -> list[str]:
    return [element.value.replace("\\", "") for kind in kinds for element in getattr(at, kind)]


def assert_chinese(texts: list[str], *allowed: str) -> None:
    assert texts, "no message shown"
    for text in texts:
        assert CJK.search(text), text
        assert not english_in(text, *allowed), (english_in(text, *allowed), text)


# ------------------------------------------------------------------ error codes


def test_every_error_code_has_zh_and_en_texts_with_the_same_placeholders():
    codes = {key: entry for key, entry in i18n.STRINGS.items() if key.startswith("error.")}
    assert len(codes) > 40
    for key, entry in codes.items():
        assert entry.get("zh") and entry.get("en"), key
        assert CJK.search(entry["zh"]), key
        assert placeholders(entry["zh"]) == placeholders(entry["en"]), key


def test_every_code_raised_in_the_source_has_texts():
    raised = set()
    for path in [*(PROJECT_ROOT / "embedlab").rglob("*.py"), *(PROJECT_ROOT / "pages").glob("*.py")]:
        source = path.read_text(encoding="utf-8")
        raised |= set(re.findall(r'\.coded\(\s*"([a-z_]+)"', source)) | set(re.findall(r'\bcode="([a-z_]+)"', source))
    assert {"not_whole_number", "unknown_model", "model_does_not_know", "empty_corpus"} <= raised
    assert not [code for code in raised if f"error.{code}" not in i18n.STRINGS]


def test_model_and_sample_texts_have_both_languages():
    keys = [k for k in i18n.STRINGS if k.startswith(("model.", "sample."))]
    for model_id in ("minilm-static", "minilm", "sidamingzhu", "classics-en", "bert-base-chinese", "BAAI/bge-m3"):
        assert f"model.{model_id}.description" in keys
    for sample in ("sanguo", "shuihu", "hongloumeng", "xiyouji", "pride", "alice", "sherlock"):
        assert f"sample.{sample}.note" in keys and f"sample.{sample}.title" in keys
    for key in keys:
        assert i18n.STRINGS[key]["zh"] and i18n.STRINGS[key]["en"], key


def test_a_coded_error_keeps_english_for_the_command_line():
    with pytest.raises(InvalidInputError) as info:
        share.parse_int("abc", "topn", low=1, high=100)
    assert info.value.code == "not_whole_number" and info.value.params["field"] == "topn"
    assert str(info.value) == "'topn' must be a whole number from 1 to 100, not 'abc'."
    zh = i18n.error_text(info.value.code, "zh", info.value.params, field="返回个数 topn")
    assert zh == "“返回个数 topn”应为 1 到 100 之间的整数，而不是 'abc'。"


def test_the_cli_still_prints_english():
    done = subprocess.run(
        [sys.executable, "-m", "embedlab", "neighbors", "--model", "nope", "king"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "Unknown model: 'nope'" in done.stderr and not CJK.search(done.stderr)


# ------------------------------------------------------------------ the three links a new user met


def test_contextual_model_that_does_not_know_the_word_says_so_in_chinese():
    at = app_test("pages/polysemy.py", lang="zh", **POLYSEMY_APPLE)
    assert not at.exception
    errors = messages(at, "error")
    assert_chinese(errors, "苹果", "[UNK]")
    assert "不认识“苹果”" in errors[0]
    english = app_test("pages/polysemy.py", lang="en", **POLYSEMY_APPLE)
    assert "'minilm' does not know '苹果'" in messages(english, "error")[0]


def test_a_bad_number_in_the_link_is_explained_in_chinese_naming_the_field():
    at = app_test("pages/explorer.py", lang="zh", model="minilm-static", word="king", topn="abc")
    assert not at.exception and at.dataframe  # the page runs on its default
    problems = messages(at, "warning")
    assert_chinese(problems, "topn", "'abc'")
    assert "“返回个数 topn”应为 1 到 100 之间的整数" in problems[0] and "(topn=)" not in problems[0]


def test_an_unknown_model_in_the_link_is_explained_in_chinese():
    at = app_test("pages/explorer.py", lang="zh", model="nope")
    assert not at.exception and at.dataframe
    problems = messages(at, "warning")
    assert_chinese(problems, "'nope'", "model")
    assert "没有名为 'nope' 的模型" in problems[0]


def test_typed_input_errors_name_the_field_as_the_page_labels_it():
    at = app_test("pages/sentences.py", lang="zh", model="minilm", enc="")
    at.text_area(key="sentences.s").set_value("\n".join(f"第{i}句。" for i in range(60))).run()
    errors = messages(at, "error")
    assert_chinese(errors)
    assert "“句子（每行一句，2 到 50 句）”有 60 句" in errors[0] and "'s'" not in errors[0]
    at = app_test("pages/analogy.py", lang="en", model="minilm-static")
    at.text_input(key="analogy.pos").set_value("king, " + "x" * 150).run()
    assert "“Plus (comma-separated)” is a word of 150 characters" in messages(at, "error")[0]


# ------------------------------------------------------------------ model, corpus and chart texts


def test_model_picker_help_and_caption_describe_models_in_chinese():
    at = app_test("pages/explorer.py", lang="zh", model="minilm-static")
    picker = at.selectbox(key="explorer.model")
    assert "BERT 自己的查找表" in picker.help and "lookup table" not in picker.help
    assert any("BERT 自己的查找表" in c.value for c in at.caption)


def test_models_page_says_how_to_get_a_model_in_chinese():
    at = app_test("pages/models.py", lang="zh", model="bert-base-chinese")
    assert not at.exception
    how = [text for text in messages(at, "info") if "获取方式" in text]
    assert how and "运行 huggingface-cli download bert-base-chinese" in how[0]
    captions = " ".join(c.value for c in at.caption)
    assert "百度网盘" in captions and "links to Baidu" not in captions


def test_train_page_names_the_sample_source_and_note_without_a_raw_address():
    at = app_test("pages/train.py", lang="zh", source="sample", sample="sanguo")
    assert not at.exception
    captions = [c.value for c in at.caption if "来源" in c.value]
    assert captions, [c.value for c in at.caption]
    shown = re.sub(r"\]\([^)]*\)", "]", captions[0]).replace("\\", "")  # the text of a link, not its target
    assert "GitHub · weiyinfu/SiDaMingZhu" in shown and "120 回，约 59.9 万字" in shown
    assert "http" not in shown and "characters" not in shown


def test_analogy_legend_title_is_translated():
    at = app_test("pages/analogy.py", lang="zh", model="minilm-static")
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["legend"]["title"]["text"] == "角色"


def test_evaluate_page_never_shows_the_server_data_path():
    at = app_test("pages/evaluate.py", lang="zh", model="minilm-static", task="pairs")
    assert not at.exception
    data_dir = str(load_settings().data_dir)
    shown = " ".join(e.value.replace("\\", "") for kind in ("caption", "markdown", "info") for e in getattr(at, kind))
    assert data_dir not in shown and str(PROJECT_ROOT) not in shown
    assert "从下面选一个评测集" in shown
    assert "/" in at.selectbox(key="evaluate.pairs").value  # sets are named like en/wordsim353.tsv


# ------------------------------------------------------------------ missing and over-long words


def test_projection_skips_missing_words_by_default_and_lists_them():
    groups = "king,queen,zzqqxx|apple,pear"
    at = app_test("pages/projection.py", lang="zh", model="minilm-static", groups=groups)
    assert not at.exception and not at.error and at.get("plotly_chart")
    assert any("已跳过：zzqqxx" in text for text in messages(at, "info"))
    at = app_test("pages/projection.py", lang="zh", model="minilm-static", groups=groups, skip="0")
    assert "zzqqxx" in messages(at, "error")[0]
    assert any("打开“跳过词表中没有的词”开关" in text for text in messages(at, "info"))


def test_projection_names_skipped_words_even_when_too_few_are_left():
    at = app_test("pages/projection.py", lang="zh", model="minilm-static", groups="apple,pear,zzqqxx")
    assert any("zzqqxx" in text for text in messages(at, "info"))
    assert_chinese(messages(at, "error"))


def test_one_bad_word_does_not_blank_the_explorer_compare_section():
    at = app_test("pages/explorer.py", lang="zh", model="minilm-static", word="king")
    at.text_input(key="explorer.words").set_value("apple, banana, " + "x" * 150 + ", zzqqxx, pear").run()
    assert not at.exception and not at.error
    heatmap = json.loads(at.get("plotly_chart")[-1].proto.spec)
    assert heatmap["data"][0]["x"] == ["apple", "banana", "pear"]
    warnings = messages(at, "warning")
    assert any("略去了 1 个超过 100 个字符的词" in w for w in warnings)
    assert any("zzqqxx" in w and "已略去" in w for w in warnings)


# ------------------------------------------------------------------ running indicator and page icon


def test_a_projection_runs_under_a_translated_spinner(monkeypatch):
    shown = []
    original = streamlit.spinner

    def recording_spinner(text="", *args, **kwargs):
        shown.append((text, kwargs.get("show_time")))
        return original(text, *args, **kwargs)

    monkeypatch.setattr(streamlit, "spinner", recording_spinner)
    at = app_test("pages/projection.py", lang="zh", model="minilm-static", source="top", top="60", method="tsne")
    assert not at.exception and at.get("plotly_chart")
    assert ("正在计算…", False) in shown  # Streamlit writes the elapsed time in English: not in the zh UI
    at = app_test("pages/projection.py", lang="en", model="minilm-static", source="top", top="60", method="tsne", seed="1")
    assert ("Working…", True) in shown


def test_the_page_icon_ships_with_the_app():
    icon = PROJECT_ROOT / "static" / "embedlab.svg"
    assert icon.is_file() and "<svg" in icon.read_text(encoding="utf-8")
    assert ":material" not in (PROJECT_ROOT / "app.py").read_text(encoding="utf-8").split("set_page_config")[1].split(")")[0]


@pytest.mark.browser
def test_browser_gets_the_icon_without_any_outside_server(app_url, browser_page):
    requested = []
    browser_page.on("request", lambda request: requested.append(request.url))
    open_app(browser_page, f"{app_url}/explorer?lang=zh")
    browser_page.wait_for_function(  # Streamlit shows its own icon until the page config arrives
        "document.querySelector(\"link[rel='shortcut icon']\").href.startsWith('data:image/svg+xml')", timeout=30_000
    )
    outside = [url for url in requested if not url.startswith((app_url, "data:", "blob:"))]
    assert not outside, outside[:5]


@pytest.mark.browser
@pytest.mark.parametrize("lang, button", [("zh", "上传"), ("en", "")])
def test_file_uploader_speaks_the_ui_language(app_url, browser_page, lang, button):
    """Streamlit's uploader says "Upload" and "200MB per file" in English only; the zh UI shows ours instead."""
    open_app(browser_page, f"{app_url}/evaluate?lang={lang}&model=minilm-static")
    text = browser_page.locator('[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p').first
    shown = text.evaluate("p => [getComputedStyle(p).fontSize, getComputedStyle(p, '::after').content]")
    if button:
        assert shown == ["0px", f'"{button}"']
    else:
        assert shown[0] != "0px" and shown[1] in ("none", "normal")
