"""word2vec training: real neighbours on the novels, progress, loss, cancel, compare mode, saving, CLI."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest
from gensim.models import KeyedVectors

from embedlab import cli
from embedlab.errors import Cancelled, InvalidInputError
from embedlab.serving import registry
from embedlab.static import model as static
from embedlab.training.background import TrainingJob
from embedlab.training.corpus import read_corpus_files, segment
from embedlab.training.saving import save_trained
from embedlab.training.train import TrainOptions, compare_neighbors, train

NAMES = {"刘备", "司马懿", "孔明"}


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch, shared_cache):
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(shared_cache))
    return tmp_path / "models"


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    """One segmentation cache for the module, so each novel is cut by jieba once."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def sanguo(data_dir, shared_cache):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EMBEDLAB_CACHE_DIR", str(shared_cache))
        return segment(read_corpus_files([data_dir / "corpora" / "zh" / "sanguo_yanyi.txt"]), "zh")


@pytest.fixture(scope="module")
def small(data_dir, shared_cache):
    """The first 40,000 characters of 西游记: enough for fast mechanics tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EMBEDLAB_CACHE_DIR", str(shared_cache))
        text = (data_dir / "corpora" / "zh" / "xiyouji.txt").read_text(encoding="utf-8")[:40_000]
        return segment(text, "zh")


FAST = TrainOptions(vector_size=20, window=3, min_count=3, epochs=3, workers=1)


def test_zhuge_liang_neighbours_on_one_of_the_four_novels(sanguo):
    """三国演义, the smallest part of the four novels where this holds (seconds, not minutes)."""
    reports = []
    trained = train(sanguo, TrainOptions(vector_size=50, epochs=10, min_count=5, seed=1, workers=2), on_epoch=reports.append)
    top10 = [n.word for n in static.neighbors(trained.model, "诸葛亮", topn=10)]
    assert NAMES & set(top10), top10
    assert [r.epoch for r in reports] == list(range(1, 11))
    assert all(r.loss > 0 for r in reports) and reports[-1].loss < reports[0].loss
    assert trained.losses == tuple(r.loss for r in reports)


@pytest.mark.slow
def test_zhuge_liang_neighbours_on_all_four_novels(data_dir):
    text = read_corpus_files(sorted((data_dir / "corpora" / "zh").glob("*.txt")))
    corpus = segment(text, "zh")
    assert corpus.stats.tokens > 1_500_000
    for sg in (0, 1):
        trained = train(corpus, TrainOptions(sg=sg, vector_size=100, epochs=10, min_count=5, seed=1, workers=2))
        top10 = [n.word for n in static.neighbors(trained.model, "诸葛亮", topn=10)]
        assert NAMES & set(top10), (sg, top10)


def test_same_seed_one_worker_gives_identical_vectors(small):
    first = train(small, FAST)
    second = train(small, FAST)
    other_seed = train(small, TrainOptions(**{**FAST.__dict__, "seed": 2}))
    assert first.model.kv.index_to_key == second.model.kv.index_to_key
    assert np.array_equal(first.model.kv.vectors, second.model.kv.vectors)
    assert not np.array_equal(first.model.kv.vectors, other_seed.model.kv.vectors)


def test_options_reach_gensim(small):
    trained = train(small, TrainOptions(sg=1, vector_size=24, window=2, min_count=7, epochs=2, negative=3, workers=1))
    assert trained.model.dims == 24
    counts = {}
    for sentence in small.sentences:
        for token in sentence:
            counts[token] = counts.get(token, 0) + 1
    assert set(trained.model.kv.index_to_key) == {w for w, c in counts.items() if c >= 7}
    assert trained.options.architecture == "skip-gram" and trained.model.language == "zh"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"vector_size": 0}, "vector_size"),
        ({"window": 100}, "window"),
        ({"epochs": 0}, "epochs"),
        ({"sg": 2}, "sg"),
        ({"min_count": "5"}, "min_count"),
        ({"sample": -1}, "sample"),
    ],
)
def test_bad_options_are_refused(small, changes, message):
    with pytest.raises(InvalidInputError, match=message):
        train(small, TrainOptions(**{**FAST.__dict__, **changes}))


def test_min_count_above_every_word_says_what_to_do(small):
    with pytest.raises(InvalidInputError, match="Lower min_count"):
        train(small, TrainOptions(**{**FAST.__dict__, "min_count": 10_000}))


def test_cancel_between_epochs(small):
    cancel = threading.Event()
    seen = []

    def on_epoch(report):
        seen.append(report.epoch)
        cancel.set()

    with pytest.raises(Cancelled):
        train(small, TrainOptions(**{**FAST.__dict__, "epochs": 50}), on_epoch=on_epoch, cancel=cancel)
    assert seen == [1]


def test_cancel_within_an_epoch(sanguo):
    """One long epoch; cancelling a moment in stops it long before the epoch could finish."""
    cancel = threading.Event()
    fractions = []

    def on_progress(epochs_done, epochs, stage=""):
        fraction = epochs_done / epochs  # one epoch: the part of it done
        fractions.append(fraction)
        if fraction > 0.05:
            cancel.set()

    started = time.perf_counter()
    with pytest.raises(Cancelled):
        train(sanguo, TrainOptions(sg=1, vector_size=100, window=10, epochs=1, workers=1), progress=on_progress, cancel=cancel)
    assert max(fractions) < 0.5
    assert time.perf_counter() - started < 20


def test_saved_model_is_listed_at_once_and_loads_identically(small, private_dirs):
    trained = train(small, FAST)
    saved = save_trained(trained, name="xiyou")
    assert saved.model_id == "xiyou-zh.kv" and saved.path == private_dirs / "xiyou-zh.kv"
    spec = registry.get_spec(saved.model_id)
    assert saved.model_id in [s.id for s in registry.list_models(kind="static")]
    assert spec.language == "zh"
    loaded = registry.load_model(saved.model_id, kind="static")
    assert loaded.kv.index_to_key == trained.model.kv.index_to_key
    assert np.array_equal(loaded.kv.vectors, trained.model.kv.vectors)
    text = KeyedVectors.load_word2vec_format(str(saved.text_path), binary=False)
    assert text.index_to_key == trained.model.kv.index_to_key
    assert np.allclose(text.vectors, trained.model.kv.vectors, atol=1e-6)
    meta = json.loads(saved.meta_path.read_text(encoding="utf-8"))
    assert meta["losses"] == list(trained.losses) and meta["options"]["vector_size"] == 20
    # Only the .kv file is listed: the exports stay out of the model pickers.
    assert [s.id for s in registry.list_models(kind="static") if "xiyou" in s.id] == ["xiyou-zh.kv"]


def test_save_refuses_existing_and_bad_names(small, private_dirs):
    trained = train(small, FAST)
    save_trained(trained, name="dup")
    with pytest.raises(InvalidInputError, match="already exists"):
        save_trained(trained, name="dup")
    save_trained(trained, name="dup", overwrite=True)
    for bad in ("../escape", "", "a/b", ".hidden", "<script>"):
        with pytest.raises(InvalidInputError, match="not allowed"):
            save_trained(trained, name=bad)


def test_job_compare_mode_trains_saves_and_reports(data_dir, private_dirs):
    text = (data_dir / "corpora" / "zh" / "hongloumeng.txt").read_text(encoding="utf-8")[:30_000]
    job = TrainingJob(text, "auto", FAST, compare=True, name="hlm").start()
    state = job.wait(120)
    assert state.phase == "done", state.error
    assert [s.model_id for s in state.saved] == ["hlm-cbow-zh.kv", "hlm-sg-zh.kv"]
    assert set(state.losses) == {"CBOW", "skip-gram"} and all(len(v) == 3 for v in state.losses.values())
    assert state.fraction == 1.0 and state.epoch == 6 and state.stats.tokens > 10_000
    cbow, sg = (t.model for t in state.trained)
    assert cbow.id == "hlm-cbow-zh.kv" and sg.id == "hlm-sg-zh.kv"
    table = compare_neighbors([cbow, sg], ["宝玉", "不存在的词"], topn=5)
    assert [len(v) for v in table["宝玉"].values()] == [5, 5]
    assert all(isinstance(v, str) and "不存在的词" in v for v in table["不存在的词"].values())
    listed = [s.id for s in registry.list_models(kind="static")]
    assert "hlm-cbow-zh.kv" in listed and "hlm-sg-zh.kv" in listed


def test_job_cancel_and_failure_are_states_not_exceptions(data_dir, private_dirs):
    text = (data_dir / "corpora" / "zh" / "hongloumeng.txt").read_text(encoding="utf-8")[:30_000]
    job = TrainingJob(text, "zh", TrainOptions(**{**FAST.__dict__, "epochs": 200}), name="slow")
    job.cancel()
    assert job.start().wait(60).phase == "cancelled"
    failed = TrainingJob(text, "zh", TrainOptions(**{**FAST.__dict__, "min_count": 10_000}), name="rare").start().wait(60)
    assert failed.phase == "failed" and "min_count" in failed.error
    empty = TrainingJob("。。。", "zh", FAST, name="empty").start().wait(60)
    assert empty.phase == "failed" and "No words" in empty.error
    assert not list(private_dirs.glob("*.kv"))
    with pytest.raises(InvalidInputError, match="not allowed"):
        TrainingJob(text, "zh", FAST, name="../x")


def test_cli_train_writes_where_asked(data_dir, tmp_path, capsys):
    out = tmp_path / "elsewhere" / "alice.kv"
    code = cli.main(
        [
            "train",
            "--corpus",
            str(data_dir / "corpora" / "en" / "alice_in_wonderland.txt"),
            "--lang",
            "en",
            "--sg",
            "1",
            "--size",
            "16",
            "--window",
            "3",
            "--epochs",
            "2",
            "--min-count",
            "3",
            "--seed",
            "3",
            "--out",
            str(out),
            "--json",
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["path"] == str(out) and out.is_file()
    assert result["architecture"] == "skip-gram" and result["dims"] == 16 and len(result["losses"]) == 2
    kv = KeyedVectors.load(str(out))
    assert "alice" in kv.key_to_index and "project" not in kv.key_to_index  # Gutenberg licence left out


def test_cli_train_default_goes_to_models_dir(data_dir, private_dirs, capsys):
    code = cli.main(
        [
            "train",
            "--corpus",
            str(data_dir / "corpora" / "en" / "alice_in_wonderland.txt"),
            "--size",
            "8",
            "--epochs",
            "1",
            "--json",
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["language"] == "en" and (private_dirs / result["model_id"]).is_file()
    assert result["model_id"] in [s.id for s in registry.list_models(kind="static")]


def test_cli_train_errors_are_one_line(tmp_path, capsys):
    (tmp_path / "junk.txt").write_bytes(b"\x00\x01\x02" * 100)
    assert cli.main(["train", "--corpus", str(tmp_path / "junk.txt")]) == 1
    assert "binary" in capsys.readouterr().err
