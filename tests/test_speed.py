"""Issue 14 (speed): what the faster paths must keep exactly as it was. Timings live in benchmarks/, not here.

* fragments: a change inside the explorer's or the analogy's result panel reruns only that panel,
  and the share link still follows every input (checked at the protocol level on a live server);
* ``static.ranks`` scores the vocabulary once and equals gensim's ``rank`` word for word;
* results kept per model (``ui.remembered``) go with the model;
* the search index's ONNX Runtime encoder gives sentence-transformers' vectors (cosine >= 0.99);
* the sentence-transformers encoder can run on the contextual model's weights, vectors unchanged;
* a hosted server does not build a search index because a link was opened.
"""

from __future__ import annotations

import asyncio
import gc
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import numpy as np
import pytest
from helpers import app_test, own_milvus_lite
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit_client import StreamlitClient

# ------------------------------------------------------------------ fragments keep share links in sync


def _query(client: StreamlitClient) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(client.query_string).items()}


def _run_apart(coroutine):
    """``asyncio.run`` on a thread of its own: the browser tests' Playwright keeps an event loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _explorer_and_analogy(url: str) -> dict:
    seen: dict[str, tuple] = {}
    async with StreamlitClient(url) as client:
        opened = await client.open("explorer", "lang=en&model=minilm-static&word=king&topn=5&words=apple,banana,car")
        assert opened.ok and opened.status == ForwardMsg.FINISHED_SUCCESSFULLY, opened.exceptions
        word = await client.set_widget("Word", "queen")
        seen["word"] = (word.status, word.ok, word.shows("queen"), _query(client), word.messages, opened.messages)
        words = await client.set_widget("Words (comma-separated)", "apple, banana, pear, car")
        seen["words"] = (words.status, words.ok, _query(client))
        topn = await client.set_widget("Top n", 3)
        seen["topn"] = (topn.status, _query(client))
    async with StreamlitClient(url) as client:
        opened = await client.open("analogy", "lang=en&model=minilm-static&pos=king,woman&neg=man&topn=5")
        assert opened.ok, opened.exceptions
        plus = await client.set_widget("Plus (comma-separated)", "paris, japan")
        seen["analogy"] = (plus.status, plus.ok, _query(client))
        minus = await client.set_widget("Minus (comma-separated)", "france")
        seen["analogy_minus"] = (minus.status, minus.ok, minus.shows("tokyo"), _query(client))
    return seen


def test_fragment_runs_keep_the_share_link_in_sync(app_url):
    seen = _run_apart(_explorer_and_analogy(app_url))
    fragment_run = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY

    status, ok, shows, query, messages, full_messages = seen["word"]
    assert status == fragment_run and ok and shows  # only the neighbours panel ran
    assert query["word"] == "queen" and query["topn"] == "5"
    assert query["words"] == "apple,banana,car" and query["model"] == "minilm-static"
    assert messages < full_messages  # the rest of the page was not sent again

    status, ok, query = seen["words"]
    assert status == fragment_run and ok
    assert query["words"] == "apple,banana,pear,car" and query["word"] == "queen"  # the other panel's input is kept

    status, query = seen["topn"]
    assert status == fragment_run and query["topn"] == "3" and query["words"] == "apple,banana,pear,car"

    status, ok, query = seen["analogy"]
    assert status == fragment_run and ok and query["pos"] == "paris,japan" and query["neg"] == "man"
    status, ok, shows, query = seen["analogy_minus"]
    assert status == fragment_run and ok and shows and query["neg"] == "france" and query["pos"] == "paris,japan"


def test_a_link_followed_after_a_fragment_run_sets_every_input():
    """The AppTest view of the same page: the fragments draw what a whole run drew before."""
    at = app_test("pages/explorer.py", model="minilm-static", word="king", topn="5", words="apple,banana,orange,car", lang="en")
    assert not at.exception and not at.error
    assert list(at.dataframe[0].value.iloc[:, 0]) == ["kings", "queen", "monarch", "prince", "monarchy"]
    assert any("car" in s.value for s in at.success)
    at.text_input(key="explorer.word").set_value("queen").run()
    assert not at.exception and list(at.dataframe[0].value.iloc[:, 0])[0] != "kings"
    assert at.query_params["word"] in (["queen"], "queen")


# ------------------------------------------------------------------ ranks in one pass


def test_ranks_equal_gensims_rank_word_for_word(minilm_static):
    from embedlab.static import model as static

    others = ["queen", "prince", "apple", "monarch", "car", "kingdom"]
    assert static.ranks(minilm_static, "king", others) == [int(minilm_static.kv.rank("king", o)) for o in others]
    assert static.ranks(minilm_static, "king", others) == [static.rank(minilm_static, "king", o) for o in others]
    with pytest.raises(static.InvalidInputError):
        static.ranks(minilm_static, "king", ["queen", "king"])


# ------------------------------------------------------------------ results kept per model


def test_remembered_results_are_per_model_and_go_with_it():
    from embedlab import ui
    from embedlab.ui import server

    class Model:  # any object that can be weakly referenced
        pass

    first, second = Model(), Model()
    calls = []
    assert ui.remembered(first, "double", (2,), lambda: calls.append(1) or 4) == 4
    assert ui.remembered(first, "double", (2,), lambda: calls.append(1) or 5) == 4  # kept
    assert ui.remembered(second, "double", (2,), lambda: calls.append(1) or 6) == 6  # another model, its own
    assert len(calls) == 2
    with pytest.raises(ZeroDivisionError):
        ui.remembered(first, "broken", (), lambda: 1 / 0)
    assert ui.remembered(first, "broken", (), lambda: 7) == 7  # errors are not kept
    ui.forget_remembered(first)
    assert ui.remembered(first, "double", (2,), lambda: 8) == 8
    del second
    gc.collect()
    assert [type(k) for k in list(server._remembered.keys())].count(Model) == 1  # the dropped model took its results with it


# ------------------------------------------------------------------ sentence encoders


SENTENCES = [
    "A rabbit with a pocket watch ran past.",
    "The queen shouted off with her head!",
    "Alice fell down the hole.",
    "I like this book.",
    "I don't like this book.",
    "Stocks fell sharply today.",
]


def test_onnx_encoder_gives_sentence_transformers_vectors():
    from embedlab.contextual import fastencode, sentences
    from embedlab.io.bundled import minilm_path

    if not fastencode.available():
        pytest.skip("onnx and onnxruntime are not installed (requirements.txt pins them)")
    assert fastencode.supports(minilm_path())
    exact = sentences.SentenceTransformerEncoder(minilm_path(), model_id="minilm").encode(SENTENCES)
    fast = fastencode.OnnxSentenceEncoder(minilm_path(), model_id="minilm").encode(SENTENCES)
    assert fast.vectors.shape == exact.vectors.shape and fast.kind == "onnx"
    cosines = np.sum(fast.vectors * exact.vectors, axis=1)
    assert cosines.min() >= 0.99, cosines
    assert np.allclose(np.linalg.norm(fast.vectors, axis=1), 1, atol=1e-5)

    # the same order of closeness: a search over these sentences answers alike
    def closest(vectors):
        return np.argsort(-(vectors @ vectors.T), axis=1)[:, :3]

    assert (closest(fast.vectors) == closest(exact.vectors)).all()


def test_onnx_encoder_refuses_what_it_does_not_reproduce(tmp_path):
    from embedlab.contextual import fastencode

    assert not fastencode.supports(tmp_path)  # no sentence-transformers files at all


def test_sentence_transformer_runs_on_the_contextual_weights_unchanged():
    from embedlab.contextual import sentences
    from embedlab.serving.registry import load_model

    model = load_model("minilm")
    encoder = sentences.SentenceTransformerEncoder(str(model.folder), model_id="minilm")
    before = encoder.encode(SENTENCES).vectors
    assert encoder.share_network(model.network)
    assert encoder.function.model[0].model is model.network
    assert np.array_equal(encoder.encode(SENTENCES).vectors, before)


# ------------------------------------------------------------------ a link does not start an index build for a stranger


def test_hosted_search_link_waits_for_a_click(tmp_path, monkeypatch, data_dir):
    monkeypatch.setenv("EMBEDLAB_HOSTED", "1")
    with own_milvus_lite(tmp_path / "milvus.db"):
        at = app_test("pages/search.py", model="minilm", corpus="alice", n="20", q="a rabbit with a watch", topn="3", lang="en")
        assert not at.exception and not at.error
        assert any("does not start just because a link was opened" in i.value for i in at.info)
        assert not at.dataframe  # nothing encoded, nothing searched
        at.button[-1].click().run()
        assert not at.exception and not at.error
        assert at.dataframe and any("20 sentences" in s.value for s in at.success)
        # the next visitor with the same link reuses the index: results at once
        again = app_test(
            "pages/search.py", model="minilm", corpus="alice", n="20", q="a rabbit with a watch", topn="3", lang="en"
        )
        assert not again.exception and again.dataframe
        assert not any("does not start just because" in i.value for i in again.info)


def test_favicon_is_a_data_uri_read_once():
    from helpers import PROJECT_ROOT

    from embedlab import ui

    icon = str(PROJECT_ROOT / "static" / "embedlab.svg")
    assert ui.favicon(icon).startswith("data:image/svg+xml;base64,") and ui.favicon(icon) is ui.favicon(icon)
