"""The zh UI speaks Chinese: error codes, model and corpus texts, and a newcomer's rough edges.

Errors a user commonly meets carry a message code (``error.<code>`` in :mod:`embedlab.i18n`, zh
and en) and are shown in the page's language, naming the field as the page labels it; the CLI
keeps printing English. Model descriptions, how-to-get texts and sample notes are looked up by id.
AppTests open the pages in Chinese and check that no English sentence is left in what they show.

The table is data (``embedlab/data/messages.toml``): every key has both languages with the same
placeholders, the file ships with the package, and no key is left that the code never uses.
"""

from __future__ import annotations

import ast
import json
import re
import string
import subprocess
import sys
import tomllib

import pytest
import streamlit
from helpers import PROJECT_ROOT, app_test, open_app

from embedlab import i18n, share
from embedlab.config import Limits, load_settings
from embedlab.errors import EmbedLabError, InvalidInputError, MissingDependencyError
from embedlab.io.vectors_io import load_vectors
from embedlab.serving import milvus_store, registry

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


# ------------------------------------------------------------------ the messages file

# Keys the code builds at run time, so that no literal names them whole: ``*`` stands for the value
# filled in, and a key counts as used when that value is itself a literal somewhere in the source (a
# reason, a stage, an id). Each says where it is built; a template whose fixed parts are no longer in
# the source, or that matches no key, fails the test, so this list cannot go stale.
BUILT_KEYS = {
    "error.*": "embedlab.errors.EmbedLabError.coded and i18n.error_text: f'error.{code}'",
    "kind.*": "the model picker (embedlab.ui) and pages/models.py: f'kind.{kind}'",
    "model.*.description": "model texts in embedlab.ui: f'model.{model_id}.description'",
    "model.*.how_to_get": "model texts in embedlab.ui: f'model.{model_id}.how_to_get'",
    "sample.*.title": "sample corpus texts in embedlab.ui: f'sample.{sample.id}.title'",
    "sample.*.note": "sample corpus texts in embedlab.ui: f'sample.{sample.id}.note'",
    "tour.*.title": "the home page's tour (embedlab.ui): f'tour.{step}.title'",
    "tour.*.text": "the home page's tour: f'tour.{step}.text'",
    "tour.*.novels_note": "the home page's tour: f'tour.{step}.novels_note'",
    "tour.model.*": "the home page's tour: f'tour.model.{family}'",
    "projection.stage.*": "progress bars of projections and atlases (embedlab.ui): f'projection.stage.{stage}'",
    "projection.note.*": "the notes of embedlab.projection.engine: f'projection.note.{code}'",
    "faults.cache_problem.*": "the rebuilt-cache notice (embedlab.ui): f'faults.cache_problem.{reason}'",
    "bias.error.*": "errors of the lab pages (embedlab.ui): f'bias.error.{exc.reason}'",
    "axes.error.*": "errors of the lab pages (embedlab.ui): f'axes.error.{exc.reason}'",
    "compare.error.*": "errors of the lab pages (embedlab.ui): f'compare.error.{exc.reason}'",
    "analogy.role.*": "embedlab.ui.pictures and pages/analogy.py: f'analogy.role.{role}'",
    "projection.source.*": "pages/projection.py: f'projection.source.{s}'",
    "projection.method.*": "pages/projection.py: f'projection.method.{m}'",
    "projection.dims.*": "pages/projection.py: f'projection.dims.{d}'",
    "honest.colour.*": "pages/projection.py: f'honest.colour.{c}'",
    "polysemy.chosen.*": "pages/polysemy.py: f'polysemy.chosen.{reason}'",
    "sentences.kind.*": "pages/sentences.py: 'sentences.kind.' + result.kind",
    "models.where.*": "pages/models.py: f'models.where.{row.where}'",
    "models.col.*": "pages/models.py: f'models.col.{name}'",
    "axes.formula_note.*": "pages/axes.py: f'axes.formula_note.{formula}'",
    "axes.score.*": "pages/axes.py: f'axes.score.{formula}'",
    "bias.std_used.*": "pages/bias.py: f'bias.std_used.{result.std}'",
    "train.*": "the number inputs of pages/train.py: f'train.{name}'",
    "train.stats.*": "pages/train.py: f'train.stats.{name}'",
    "train.phase.*": "pages/train.py: f'train.phase.{state.phase}'",
}
# Besides these, ui.option_labels(prefix) shows option x as f"{prefix}.{x}": each literal prefix passed
# to it makes the template f"{prefix}.*" (found by test_no_key_is_unused at the call sites).
SOURCE_FILES = sorted(
    path
    for path in [*(PROJECT_ROOT / "embedlab").rglob("*.py"), *(PROJECT_ROOT / "pages").glob("*.py"), PROJECT_ROOT / "app.py"]
    if path != PROJECT_ROOT / "embedlab" / "i18n.py"
)


def test_every_key_has_zh_and_en_with_the_same_placeholders():
    assert len(i18n.STRINGS) > 600
    for key, entry in i18n.STRINGS.items():
        assert set(entry) == set(i18n.LANGUAGES), key
        assert entry["zh"].strip() and entry["en"].strip(), key
        assert placeholders(entry["zh"]) == placeholders(entry["en"]), key


def test_the_table_is_read_only_and_ships_with_the_package():
    with pytest.raises(TypeError):
        i18n.STRINGS["common.word"] = {"zh": "字", "en": "Char"}
    with pytest.raises(TypeError):
        i18n.STRINGS["common.word"]["zh"] = "字"
    messages = PROJECT_ROOT / "embedlab" / i18n.MESSAGES_FILE
    assert tomllib.loads(messages.read_text(encoding="utf-8")) == {key: dict(entry) for key, entry in i18n.STRINGS.items()}
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["embedlab"]
    assert any(messages in (PROJECT_ROOT / "embedlab").glob(pattern) for pattern in patterns), patterns


def test_no_key_is_unused() -> None:
    literals: set[str] = set()
    templates = dict(BUILT_KEYS)
    sources = []
    for path in SOURCE_FILES:
        source = path.read_text(encoding="utf-8")
        sources.append(source)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str | int) and not isinstance(node.value, bool):
                literals.add(str(node.value))
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "option_labels":
                prefix = node.args[0].value if isinstance(node.args[0], ast.Constant) else None
                assert isinstance(prefix, str), f"{path}: option_labels takes a literal prefix"
                templates[f"{prefix}.*"] = f"ui.option_labels({prefix!r}) in {path.name}"
    source_text = "\n".join(sources)
    patterns = {template: re.compile(re.escape(template).replace(r"\*", "(.+)") + "$") for template in templates}
    for template, where in BUILT_KEYS.items():
        assert all(part in source_text for part in template.split("*")), f"{template} is no longer built: {where}"
    for template, pattern in patterns.items():
        assert any(pattern.match(key) for key in i18n.STRINGS), f"{template} matches no key: {templates[template]}"

    def used(key: str) -> bool:
        return key in literals or any((found := pattern.match(key)) and found[1] in literals for pattern in patterns.values())

    unused = [key for key in i18n.STRINGS if not used(key)]
    assert not unused, f"keys no code uses (delete them from {i18n.MESSAGES_FILE}, or list how they are built): {unused}"


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


# ------------------------------------------------------------------ rare errors: vector files, the config file, Milvus


def in_chinese(error: EmbedLabError) -> str:
    """The zh text the UI shows for ``error``, once ``str(error)`` is checked to be its English text."""
    assert error.code, f"no message code: {error}"
    assert str(error) == i18n.error_text(error.code, "en", error.params)
    zh = i18n.error_text(error.code, "zh", error.params)
    assert CJK.search(zh), zh
    return zh


@pytest.mark.parametrize(
    "name, content, code, zh",
    [
        ("empty.txt", b"", "vector_file_empty", "empty.txt 是空的：向量文件每行是一个词和它的一串数字。"),
        ("one.txt", b"one\n", "not_a_vector_file", "one.txt 看起来不是向量文件"),
        (
            "prose.txt",
            b"some prose\n",
            "vector_file_first_line",
            "prose.txt 第 1 行：应为一个词后跟一串数字，实际是 b'some prose'",
        ),
        ("wide.txt", "2 3\n词 0.1 0.2 0.3\n".encode("utf-16"), "vector_file_not_utf8", "wide.txt 不是 UTF-8 文本"),
        ("tiny.bin", bytes(10), "bin_too_short", "tiny.bin 既不是 word2vec 二进制文件"),
    ],
)
def test_vector_file_errors_are_shown_in_chinese(tmp_path, name, content, code, zh):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InvalidInputError) as info:
        load_vectors(tmp_path / name)
    assert info.value.code == code
    assert in_chinese(info.value).startswith(zh)


@pytest.mark.parametrize(
    "content, code, zh",
    [
        (b"2 3\na 0.1 0.2 0.3\nb 0.1 x 0.3\n", "vector_not_a_number", "bad.txt 第 3 行有误：'x' 不是数字。"),
        (b"2 3\na 0.1 0.2 0.3\n\n", "vector_empty_line", "bad.txt 第 3 行有误：这一行是空的；每行需要一个词和 3 个数字。"),
        (b"3 3\na 0.1 0.2 0.3\nb 0.1 0.2 0.3\n", "vector_file_short", "bad.txt 格式有误或不完整：文件头写着 3 个向量"),
        (b"2 99999999\na 0.1\n", "vector_header_dims", "bad.txt 第 1 行有误：文件头写着 99,999,999 维"),
        (b"2 3\na 0.1\tx 0.3\nb 0.1 0.2 0.3\n", "vector_field_spacing", "bad.txt 第 2 行有误：应为一个词和 3 个数字"),
    ],
)
def test_the_fast_parser_explains_a_malformed_file_in_chinese(tmp_path, content, code, zh):
    """The compiled parser's errors (embedlab/io/fastload.py) carry codes too, not English only."""
    from embedlab.io.fastload import parse_word2vec_text

    (tmp_path / "bad.txt").write_bytes(content)
    with pytest.raises(InvalidInputError) as info:
        parse_word2vec_text(tmp_path / "bad.txt")
    assert info.value.code == code
    assert in_chinese(info.value).startswith(zh)
    assert "bad.txt" in str(info.value) and not any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


def test_a_missing_vector_file_and_a_bad_limit_are_shown_in_chinese(tmp_path):
    with pytest.raises(InvalidInputError) as missing:
        load_vectors(tmp_path / "nope.txt")
    assert in_chinese(missing.value) == f"找不到向量文件：{tmp_path / 'nope.txt'}"
    (tmp_path / "v.txt").write_text("king 0.1 0.2\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as limit:
        load_vectors(tmp_path / "v.txt", limit=0)
    assert in_chinese(limit.value) == "limit（读取的词数）应为正整数，而不是 0。"


def test_config_file_errors_are_shown_in_chinese(tmp_path, monkeypatch):
    config = tmp_path / "embedlab.toml"
    config.write_text("[embedlab\n", encoding="utf-8")
    monkeypatch.setenv("EMBEDLAB_CONFIG", str(config))
    with pytest.raises(InvalidInputError) as broken:
        load_settings()
    assert in_chinese(broken.value).startswith(f"配置文件 {config} 不是有效的 TOML：")
    with pytest.raises(InvalidInputError) as unknown:
        Limits.for_mode(False, {"upload_mbs": 5})
    assert in_chinese(unknown.value).startswith("配置里有未知的限额：upload_mbs。可选：batch_sentences、")
    assert str(unknown.value).startswith("Unknown limits: upload_mbs. Must be among: batch_sentences, ")
    with pytest.raises(InvalidInputError) as negative:
        Limits.for_mode(False, {"upload_mb": -1})
    assert in_chinese(negative.value) == "limits.upload_mb 应为不小于 1 的整数，而不是 -1。"


def test_milvus_errors_are_shown_in_chinese(monkeypatch):
    pymilvus = pytest.importorskip("pymilvus")
    from pymilvus.exceptions import MilvusException

    server = milvus_store.Target("http://127.0.0.1:9")

    def refusing_client(**_):
        raise MilvusException(message="wrong token")

    monkeypatch.setattr(pymilvus, "MilvusClient", refusing_client)
    with pytest.raises(EmbedLabError) as refused:
        milvus_store.connect(server)
    zh = in_chinese(refused.value)
    assert zh == "无法连接 Milvus server (http://127.0.0.1:9)：wrong token。请检查配置文件 [milvus] 里的 uri 和 token。"
    with pytest.raises(EmbedLabError) as rejected, milvus_store._answering(server):
        raise MilvusException(message="collection not loaded")
    assert in_chinese(rejected.value) == "Milvus server (http://127.0.0.1:9) 拒绝了请求：collection not loaded"
    with pytest.raises(InvalidInputError) as empty:
        milvus_store.index_sentences(None, "el_x", ["  "], encode=None)
    assert in_chinese(empty.value) == "没有可建索引的句子：文本是空的。"
    with pytest.raises(InvalidInputError) as too_many:
        milvus_store.corpus_sentences("alice", limit=0)
    assert in_chinese(too_many.value).startswith("建索引的句数应为 1 到 ")
    monkeypatch.setitem(sys.modules, "pymilvus", None)  # as if it were not installed
    with pytest.raises(MissingDependencyError) as missing:
        milvus_store.connect(server)
    assert in_chinese(missing.value).startswith("Milvus 搜索需要 pymilvus：pip install")


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
