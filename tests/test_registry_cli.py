"""The model registry, share-link decoders and the CLI's JSON contract."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embedlab import share
from embedlab.cli import main
from embedlab.errors import InvalidInputError, UnknownModelError
from embedlab.serving import registry


def test_builtin_models_are_listed_with_kinds(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path))  # other tests save models into the session folder
    specs = {spec.id: spec for spec in registry.list_models()}
    assert specs["minilm-static"].kinds == ("static",)
    assert set(specs["minilm"].kinds) == {"contextual", "sentence"}
    assert not specs["bert-base-chinese"].available and specs["bert-base-chinese"].how_to_get
    # The bundled English table, then the word2vec models EmbedLab ships (trained on its bundled books).
    assert [s.id for s in registry.list_models(kind="static", available_only=True)] == [
        "minilm-static",
        "sidamingzhu",
        "classics-en",
    ]


def test_unknown_model_lists_the_known_ids():
    with pytest.raises(UnknownModelError) as caught:
        registry.get_spec("no-such-model")
    assert "Must be one of" in str(caught.value) and "minilm-static" in str(caught.value)


def test_wrong_kind_is_explained():
    with pytest.raises(InvalidInputError, match="not static"):
        registry.load_model("minilm", kind="static")


def test_parse_int_and_choice():
    assert share.parse_int(" 7 ", "topn", low=1, high=10) == 7
    for bad in ["abc", "0", "11", "1" * 50]:
        with pytest.raises(InvalidInputError):
            share.parse_int(bad, "topn", low=1, high=10)
    with pytest.raises(InvalidInputError, match="must be one of"):
        share.parse_choice("div", "method", ["add", "mul"])


def test_parse_words_accepts_chinese_punctuation():
    assert share.parse_words("诸葛亮，刘备、关羽; 曹操", "words") == ["诸葛亮", "刘备", "关羽", "曹操"]
    with pytest.raises(InvalidInputError, match="characters"):
        share.parse_words("x" * 10_000, "word")


def test_build_link_round_trips():
    link = share.build_link("analogy", {"pos": ["诸葛亮", "水浒传"], "neg": ["三国演义"], "topn": 5, "x": None})
    assert link.startswith("/analogy?pos=")
    from urllib.parse import parse_qs, urlparse

    query = parse_qs(urlparse(link).query)
    assert share.parse_words(query["pos"][0], "pos") == ["诸葛亮", "水浒传"] and query["topn"] == ["5"]


@given(st.text(max_size=300))
def test_decoders_never_raise_anything_but_invalid_input(text):
    for decode in (
        lambda v: share.parse_int(v, "n", low=1, high=100),
        lambda v: share.parse_words(v, "w"),
        lambda v: share.parse_word(v, "w"),
        lambda v: share.parse_choice(v, "m", ["add", "mul"]),
    ):
        try:
            decode(text)
        except InvalidInputError:
            pass


def _cli(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_neighbors_similarity_analogy_json(capsys):
    code, out, _ = _cli(capsys, "neighbors", "--model", "minilm-static", "king", "--topn", "3", "--json")
    assert code == 0
    results = json.loads(out)["results"]
    assert len(results) == 3 and results[0]["word"] == "kings" and results[1]["word"] == "queen"
    code, out, _ = _cli(capsys, "similarity", "--model", "minilm-static", "king", "queen", "--json")
    assert 0.5 < json.loads(out)["score"] < 0.8
    code, out, _ = _cli(capsys, "analogy", "--model", "minilm-static", "--pos", "king,woman", "--neg", "man", "--json")
    assert json.loads(out)["results"][0]["word"] == "queen"


def test_cli_out_of_vocabulary_exits_2_with_one_line(capsys):
    code, out, err = _cli(capsys, "analogy", "--model", "minilm-static", "--pos", "kingg,woman", "--neg", "xyzzyq", "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "kingg" in err and "xyzzyq" in err


def test_cli_models_json_and_vector_file_path(capsys, tmp_path):
    code, out, _ = _cli(capsys, "models", "--json")
    assert {"minilm-static", "minilm"} <= {m["id"] for m in json.loads(out)["models"]}
    path = tmp_path / "v.txt"
    path.write_text("3 2\na 1 0\nb 0.9 0.1\nc 0 1\n", encoding="utf-8")
    code, out, _ = _cli(capsys, "neighbors", "--model", str(path), "a", "--topn", "2", "--json")
    assert [r["word"] for r in json.loads(out)["results"]] == ["b", "c"]


def test_python_dash_m_entry_point():
    done = subprocess.run([sys.executable, "-m", "embedlab", "models", "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "minilm-static" in done.stdout


def test_hosted_mode_refuses_server_paths_and_tightens_limits(tmp_path, monkeypatch):
    from embedlab.config import load_settings

    path = tmp_path / "v.txt"
    path.write_text("2 2\na 1 0\nb 0 1\n", encoding="utf-8")
    assert registry.get_spec(str(path)).source == str(path)
    local = load_settings().limits
    monkeypatch.setenv("EMBEDLAB_HOSTED", "1")
    with pytest.raises(UnknownModelError):
        registry.get_spec(str(path))
    hosted = load_settings().limits
    assert hosted.upload_mb < local.upload_mb and hosted.projection_points < local.projection_points
    assert hosted.download_hosts and not local.download_hosts


def test_config_limits_override_and_unknown_limit(tmp_path, monkeypatch):
    from embedlab.config import load_settings

    config = tmp_path / "embedlab.toml"
    config.write_text("[embedlab]\nhosted = true\nmax_models = 2\n[embedlab.limits]\nupload_mb = 5\n", encoding="utf-8")
    monkeypatch.setenv("EMBEDLAB_CONFIG", str(config))
    monkeypatch.delenv("EMBEDLAB_HOSTED", raising=False)
    settings = load_settings()
    assert settings.hosted and settings.max_models == 2 and settings.limits.upload_mb == 5
    config.write_text("[embedlab.limits]\nupload_gb = 5\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="Unknown limits"):
        load_settings()


def test_downloaded_seed_model_is_listed_under_its_hub_id(tmp_path, monkeypatch):
    from tiny_checkpoints import build_tiny_xlmr_bge_m3

    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path))
    assert not registry.get_spec("BAAI/bge-m3").available
    build_tiny_xlmr_bge_m3(tmp_path / "BAAI--bge-m3")
    spec = registry.get_spec("BAAI/bge-m3")
    assert spec.available and spec.source == str(tmp_path / "BAAI--bge-m3")
    assert "BAAI--bge-m3" not in registry.all_specs()
    assert registry.load_model("BAAI/bge-m3", kind="sentence") is not None
