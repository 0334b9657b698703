"""Faults a hosted link meets: each one gives one clear message, serves nothing wrong, and recovers.

1. A Milvus server that stops during a search and during indexing (the live server of the session).
2. A memory-mapped vector cache cut short, or with its header or data altered; a source that changed.
3. A full disk: in ``tests/test_faults_disk.py``.
4. Two sessions and two server processes converting or downloading the same model at once.
5. A download whose connection drops half-way (a loopback server that closes the socket).
6. A server killed during a training.
7. A model file deleted or replaced while the model is loaded.
8. Heavy work over the server-wide job limit: a busy message with the visitor's place, never a stall.

The README's fault table points at the tests below.
"""

from __future__ import annotations

import gzip
import hashlib
import inspect
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import MB, PROJECT_ROOT, app_test, cli, files_in, models_dir, one_clear_line, texts, vector_text, write_vector_file
from loopback_servers import FileServer

from embedlab.errors import ServerBusyError
from embedlab.io import downloads, streamed_vectors, vector_cache
from embedlab.serving import manager, milvus_store, registry
from embedlab.serving.pool import ModelFileGoneError, ModelPool
from embedlab.training import background, jobs
from embedlab.training import train as training

# ---------------------------------------------------------------- 2 · damaged and stale caches


def test_neighbors_on_a_cache_cut_in_half_rebuilds_it_from_the_source(tmp_path):
    """The issue's first traceback: ``neighbors`` after the cache file was cut in half."""
    folder = tmp_path / "models"
    folder.mkdir()
    words = [f"w{i}" for i in range(3000)]
    (folder / "cut.vec").write_text(vector_text(words, 50), encoding="utf-8")
    env = {"EMBEDLAB_MODELS_DIR": str(folder)}
    assert cli("convert", str(folder / "cut.vec"), env=env).returncode == 0
    cache = vector_cache.cache_folder(folder / "cut.vec", cache_root=folder / ".cache")
    vectors = cache / "vectors.npy"
    os.truncate(vectors, vectors.stat().st_size // 2)

    result = cli("neighbors", "--model", "cut.vec", "w1", "--topn", "3", "--json", env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "was damaged (vectors.npy: truncated); rebuilt it from cut.vec" in result.stderr
    from gensim.models import KeyedVectors

    expected = KeyedVectors.load_word2vec_format(str(folder / "cut.vec")).most_similar("w1", topn=3)
    found = json.loads(result.stdout)["results"]
    assert [r["word"] for r in found] == [w for w, _ in expected]
    np.testing.assert_allclose([r["score"] for r in found], [s for _, s in expected], atol=1e-5)
    vector_cache.verify_cache(cache)  # whole again, and used from now on
    again = cli("neighbors", "--model", "cut.vec", "w1", "--topn", "3", "--json", env=env)
    assert again.returncode == 0 and "damaged" not in again.stderr and json.loads(again.stdout)["results"] == found


def _flip(path: Path, offset: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0x5A]))


DAMAGE = {  # how a cache is damaged -> (what load_text reports, file at fault)
    "vectors cut short": (
        lambda f: os.truncate(f / "vectors.npy", (f / "vectors.npy").stat().st_size - 4000),
        "truncated",
        "vectors.npy",
    ),
    "vectors header altered": (
        lambda f: _flip(f / "vectors.npy", (f / "vectors.npy").read_bytes()[:128].index(b"shape") + 10),
        "corrupted",
        "vectors.npy",
    ),  # a digit of the shape
    "vectors data altered": (lambda f: _flip(f / "vectors.npy", 5000), "corrupted", "vectors.npy"),
    "norms data altered": (lambda f: _flip(f / "norms.npy", 200), "corrupted", "norms.npy"),
    "vocabulary altered": (lambda f: _flip(f / "vocab.txt", 10), "corrupted", "vocab.txt"),
    "vocabulary gone": (lambda f: (f / "vocab.txt").unlink(), "missing", "vocab.txt"),
    "meta.json garbled": (lambda f: (f / "meta.json").write_text("{not json", encoding="utf-8"), None, None),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_cache_is_detected_reported_and_rebuilt(tmp_path, damage):
    from gensim.models import KeyedVectors

    source = tmp_path / "sgns.damage.word"
    source.write_text(vector_text([f"词{i}" for i in range(400)], 32), encoding="utf-8")
    reference = KeyedVectors.load_word2vec_format(str(source))
    root = tmp_path / "cache"
    vector_cache.load_text(source, cache=True, cache_root=root)
    folder = vector_cache.cache_folder(source, cache_root=root)
    spoil, reason, file = DAMAGE[damage]
    spoil(folder)
    if damage == "vectors data altered":  # what an unchecked memory map would have served
        assert not np.array_equal(np.load(folder / "vectors.npy", mmap_mode="r"), reference.vectors)

    kv = vector_cache.load_text(source, cache=True, cache_root=root)
    assert kv.index_to_key == reference.index_to_key and np.array_equal(kv.vectors, reference.vectors)
    assert np.allclose(kv.norms, np.linalg.norm(reference.vectors, axis=1))
    if reason is None:  # an unreadable meta.json just means "no cache": rebuilt without a report
        assert getattr(kv, "cache_repair", None) is None
    else:
        assert (kv.cache_repair.reason, kv.cache_repair.file) == (reason, file)
    vector_cache.verify_cache(folder)
    assert isinstance(vector_cache.load_text(source, cache=True, cache_root=root).vectors, np.memmap)


def test_a_source_changed_after_caching_invalidates_its_cache(tmp_path):
    """Same size and same modification time, different numbers: the sampled checksum of the source tells."""
    from gensim.models import KeyedVectors

    source = tmp_path / "same-size.vec"
    words = [f"w{i}" for i in range(200)]
    source.write_text(vector_text(words, 16, seed=1), encoding="utf-8")
    stat = source.stat()
    root = tmp_path / "cache"
    first = vector_cache.load_text(source, cache=True, cache_root=root)
    source.write_text(vector_text(words, 16, seed=2), encoding="utf-8")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert source.stat().st_size == stat.st_size and source.stat().st_mtime_ns == stat.st_mtime_ns
    changed = vector_cache.load_text(source, cache=True, cache_root=root)
    assert np.array_equal(changed.vectors, KeyedVectors.load_word2vec_format(str(source)).vectors)
    assert not np.array_equal(changed.vectors, first.vectors)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explorer_page_says_a_damaged_cache_was_rebuilt(lang):
    model_id = write_vector_file(f"faults-cache-{lang}.vec", [f"w{i}" for i in range(60)], dims=8)
    manager.add_local(model_id)  # parsed once, cached memory-mapped
    folder = vector_cache.cache_folder(models_dir() / model_id)
    os.truncate(folder / "vectors.npy", 500)
    at = app_test("pages/explorer.py", model=model_id, word="w1", topn="3", lang=lang)
    assert not at.exception and not at.error, texts(at, "error")
    shown = texts(at, "info")
    assert ("rebuilt from the source file" if lang == "en" else "已从原始文件重新生成") in shown, shown
    assert ("cut short" if lang == "en" else "文件被截断") in shown
    assert len(at.dataframe[0].value) == 3  # the neighbours, from the rebuilt cache
    again = app_test("pages/explorer.py", model=model_id, word="w1", topn="3", lang=lang)
    said_again = texts(again, "info")
    assert "rebuilt" not in said_again and "重新生成" not in said_again  # said once, by the run that loaded it


# ---------------------------------------------------------------- 4 · two at once


READY_AND_WAIT = "print('ready', flush=True); sys.stdin.readline()"


class AtOnce:
    """Runs ``work`` in two threads of this process (two sessions) and in two other processes (two
    server processes running ``script``), started at the same moment once every process is ready."""

    def __init__(self, work, script: str):
        self.work = work
        self.results: list = []
        self.errors: list[Exception] = []
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-c", "import sys\n" + script.replace("GO", READY_AND_WAIT)],
                cwd=PROJECT_ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]

    def run(self, timeout: float = 120) -> list[tuple[int, str, str]]:
        for process in self.processes:
            assert process.stdout is not None and process.stderr is not None
            assert process.stdout.readline().strip() == "ready", process.stderr.read()
        go = threading.Barrier(3)

        def session() -> None:
            go.wait()
            try:
                self.results.append(self.work())
            except Exception as exc:  # noqa: BLE001 - reported by the test
                self.errors.append(exc)

        threads = [threading.Thread(target=session) for _ in range(2)]
        for thread in threads:
            thread.start()
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        go.wait()
        for thread in threads:
            thread.join(timeout=timeout)
        outputs = []
        for process in self.processes:
            out, err = process.communicate(timeout=timeout)
            outputs.append((process.returncode, out, err))
        return outputs


def mapped_inodes(root: str) -> list[int]:
    """Inodes of the vectors.npy files under ``root`` this process has memory-mapped (Linux)."""
    found = set()
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[5].startswith(root) and "vectors.npy" in fields[5]:
                found.add(int(fields[4]))
    return sorted(found)


MAPPED_INODES = inspect.getsource(mapped_inodes)  # the same function, for the other processes


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs Linux /proc")
def test_two_sessions_and_two_processes_convert_the_same_model_at_once(tmp_path):
    from gensim.models import KeyedVectors

    source = tmp_path / "sgns.together.word"
    source.write_text(vector_text([f"词{i}" for i in range(20000)], 50), encoding="utf-8")
    reference = KeyedVectors.load_word2vec_format(str(source))
    root = tmp_path / "cache"
    together = AtOnce(
        lambda: vector_cache.load_text(source, cache=True, cache_root=root),
        (
            "from pathlib import Path; from embedlab.io import vector_cache\n" + MAPPED_INODES + "\nGO\n"
            f"kv = vector_cache.load_text(Path({str(source)!r}), cache=True, cache_root=Path({str(root)!r}))\n"
            f"print(len(kv), mapped_inodes({str(root)!r}))"
        ),
    )
    outputs = together.run()
    assert not together.errors and all(code == 0 for code, _, _ in outputs), (together.errors, outputs)
    for kv in together.results:
        assert kv.index_to_key == reference.index_to_key and np.array_equal(kv.vectors, reference.vectors)
    # One complete result: the source was parsed and written once, and all four map that one file.
    folder = vector_cache.cache_folder(source, cache_root=root)
    vector_cache.verify_cache(folder)
    written = (folder / "vectors.npy").stat().st_ino
    assert mapped_inodes(str(root)) == [written]
    assert [out.strip() for _, out, _ in outputs] == [f"20000 [{written}]"] * 2
    assert sorted(p.name for p in folder.parent.iterdir()) == ["all"]  # no staging or old folder, no lock left


def test_two_sessions_and_two_processes_download_the_same_file_once(tmp_path):
    payload = os.urandom(2 * MB)
    digest = hashlib.sha256(payload).hexdigest()
    folder = tmp_path / "models"
    with FileServer({"shared.vec": payload}) as server:
        server.pause = 0.05  # about 1.6 s for the whole file: the four overlap
        address = server.address("shared.vec")
        together = AtOnce(
            lambda: downloads.download_url(address, sha256=digest, models_dir=folder),
            (
                "from pathlib import Path; from embedlab.io import downloads\nGO\n"
                f"print(downloads.download_url({address!r}, sha256={digest!r}, models_dir=Path({str(folder)!r})).sha256)"
            ),
        )
        outputs = together.run()
    assert not together.errors and [(code, out.strip()) for code, out, _ in outputs] == [(0, digest)] * 2, outputs
    assert [r for r in server.requests if r[0] == "GET"] == [("GET", "/files/shared.vec")]  # fetched once
    assert {d.sha256 for d in together.results} == {digest}
    assert files_in(folder) == ["shared.vec"] and (folder / "shared.vec").read_bytes() == payload


def test_two_sessions_stream_the_same_seed_once(tmp_path):
    text = vector_text([f"w{i}" for i in range(3000)], 20).encode()
    with FileServer({"seed.vec.gz": gzip.compress(text)}) as server:
        server.pause = 0.2
        results = []
        threads = [
            threading.Thread(
                target=lambda: results.append(
                    streamed_vectors.download_vectors(server.address("seed.vec.gz"), words=1000, models_dir=tmp_path)
                )
            )
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted((r.words, r.dims) for r in results) == [(1000, 20), (1000, 20)]
        assert len([r for r in server.requests if r[0] == "GET"]) == 1
        kept = (tmp_path / "seed.vec").read_bytes().splitlines()
        assert kept[0] == b"1000 20" and kept[1:] == text.splitlines()[1:1001]


# ---------------------------------------------------------------- 5 · a dropped connection


def test_a_dropped_download_resumes_where_it_stopped_and_is_checked(tmp_path):
    payload = os.urandom(MB + 777)
    digest = hashlib.sha256(payload).hexdigest()
    half = len(payload) // 2
    with FileServer({"drop.vec": payload}) as server:
        server.cuts = [half]
        interrupted = f"interrupted after {half:,} of {len(payload):,} bytes. Run it again to resume"
        with pytest.raises(downloads.DownloadError, match=interrupted):
            downloads.download_url(server.address("drop.vec"), sha256=digest, models_dir=tmp_path, retries=0)
        assert (tmp_path / "drop.vec.part").read_bytes() == payload[:half] and not (tmp_path / "drop.vec").exists()
        done = downloads.download_url(server.address("drop.vec"), sha256=digest, models_dir=tmp_path)
        assert done.resumed_from == half and server.ranges[-1] == f"bytes={half}-" and done.sha256 == digest
        assert (tmp_path / "drop.vec").read_bytes() == payload

        # The checksum is what makes a resume safe: a file that changed on the server between the two
        # attempts gives a spliced result, which is refused and removed.
        server.cuts = [half]
        server.files["drop2.vec"] = payload
        with pytest.raises(downloads.DownloadError):
            downloads.download_url(server.address("drop2.vec"), sha256=digest, models_dir=tmp_path, retries=0)
        server.files["drop2.vec"] = os.urandom(len(payload))
        with pytest.raises(downloads.DownloadError, match="Checksum mismatch for drop2.vec.*removed"):
            downloads.download_url(server.address("drop2.vec"), sha256=digest, models_dir=tmp_path)
        assert not (tmp_path / "drop2.vec").exists() and not (tmp_path / "drop2.vec.part").exists()


def test_cli_download_that_keeps_dropping_says_so_then_resumes(tmp_path):
    payload = os.urandom(MB)
    digest = hashlib.sha256(payload).hexdigest()
    env = {"EMBEDLAB_MODELS_DIR": str(tmp_path)}
    with FileServer({"flaky.vec": payload}) as server:
        server.cuts = [100_000, 100_000, 100_000]  # the first attempt and both automatic resumes break
        failed = cli("download", server.address("flaky.vec"), "--sha256", digest, env=env)
        one_clear_line(failed, "Download of flaky.vec interrupted after 300,000 of", "Run it again to resume")
        done = cli("download", server.address("flaky.vec"), "--sha256", digest, "--json", env=env)
        assert done.returncode == 0 and json.loads(done.stdout)["resumed_from"] == 300_000, done.stderr
        assert (tmp_path / "flaky.vec").read_bytes() == payload


# ---------------------------------------------------------------- 6 · a server killed during training

TRAIN_AND_WAIT = """
import sys, time
from embedlab.training import background, samples, tokenize; from embedlab.training import train as training
text = tokenize.strip_boilerplate(samples.fetch_sample(samples.get_sample("alice")))
job = background.TrainingJob(text, "en", training.TrainOptions(vector_size=50, min_count=1, epochs=200), name="killed-run",
                           folder=sys.argv[1]).start()
deadline = time.monotonic() + 120  # a broken job must fail the test, not hang it on readline()
while job.state.epoch < 1:
    if time.monotonic() > deadline:
        sys.exit(f"no epoch finished in 120 s: {job.state}")
    time.sleep(0.05)
print("training", flush=True)
time.sleep(600)  # stay alive mid-training, like a serving process, until the test kills it
"""


def test_a_server_killed_during_training_lists_no_partial_model_and_the_page_says_the_job_was_lost(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    server = subprocess.Popen(
        [sys.executable, "-c", TRAIN_AND_WAIT, str(folder)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout.readline().strip() == "training"
        markers = list((folder / jobs.MARKERS).glob("*.json"))
        assert len(markers) == 1 and jobs.lost_jobs(folder) == []  # still running: not lost
        # What a kill during saving would leave: the job's temporary files (written under its id, renamed at the end).
        job_id = markers[0].stem
        (folder / f".killed-run.kv.{job_id}.tmp").write_bytes(b"half a model")
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)

    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(folder))  # the restarted server
    assert not [spec.id for spec in registry.list_models() if "killed-run" in spec.id]
    lost = jobs.lost_jobs(folder)
    assert [(job.names, job.removed) for job in lost] == [(("killed-run",), (f".killed-run.kv.{job_id}.tmp",))]
    assert files_in(folder) == [f"{jobs.MARKERS}/{job_id}.json"]  # the marker only, until someone has been told

    for lang, said in (("en", "A training (killed-run, started"), ("zh", "一次训练（killed-run，开始于")):
        at = app_test("pages/train.py", lang=lang)
        assert not at.exception and said in texts(at, "warning"), texts(at, "warning")
    at.button(key=f"faults.lost.{job_id}").click().run()
    assert not at.exception and "killed-run" not in texts(at, "warning") and jobs.lost_jobs(folder) == []


def test_a_running_job_of_this_process_is_not_lost(tmp_path, alice_text):
    job = background.TrainingJob(
        alice_text, "en", training.TrainOptions(vector_size=20, epochs=30, min_count=1), name="alive", folder=tmp_path
    ).start()
    try:
        assert (tmp_path / jobs.MARKERS / f"{job.id}.json").is_file() and jobs.lost_jobs(tmp_path) == []
    finally:
        job.cancel()
        assert job.wait(60).phase == "cancelled"
    assert not (tmp_path / jobs.MARKERS / f"{job.id}.json").exists()  # removed however the job ended


# ---------------------------------------------------------------- 7 · a model file deleted or replaced while loaded


def test_a_replaced_or_deleted_model_file_affects_that_model_only():
    first = write_vector_file("faults-a.vec", ["alpha", "beta", "gamma"], seed=1)
    other = write_vector_file("faults-b.vec", ["one", "two", "three"], seed=2)
    pool = ModelPool(max_models=4)
    a, b = pool.get(first), pool.get(other)
    before = a.kv["alpha"].copy()

    replacement = models_dir() / "faults-a.vec.new"
    replacement.write_text("3 8\n" + "".join(f"{w} " + " ".join(["0.5"] * 8) + "\n" for w in ("alpha", "beta", "gamma")))
    os.replace(replacement, models_dir() / first)  # as an editor or a copy would do
    renewed = pool.get(first)
    assert renewed is not a and np.allclose(renewed.kv["alpha"], 0.5) and not np.allclose(before, 0.5)
    assert pool.was_replaced(first) and not pool.was_replaced(first)  # said once
    assert pool.get(other) is b

    (models_dir() / first).unlink()
    with pytest.raises(ModelFileGoneError, match="The file of model faults-a.vec .* was deleted or moved"):
        pool.get(first)
    assert not pool.is_loaded(first) and pool.get(other) is b and b.kv["one"].shape == (8,)


def test_explorer_page_after_its_model_file_is_replaced_then_deleted():
    model_id = write_vector_file("faults-page.vec", ["alpha", "beta", "gamma", "delta"], seed=3)
    at = app_test("pages/explorer.py", model=model_id, word="alpha", topn="2", lang="en")
    assert not at.exception and not at.error
    old = list(at.dataframe[0].value.iloc[:, 0])
    write_vector_file(model_id, ["alpha", "beta", "gamma", "delta", "epsilon"], seed=4)  # replaced while loaded
    at.run()
    assert not at.exception and "was replaced after it was loaded" in texts(at, "info")
    from embedlab.static import model as static

    expected = [n.word for n in static.neighbors(registry.load_model(model_id), "alpha", topn=2)]
    assert list(at.dataframe[0].value.iloc[:, 0]) == expected != old
    (models_dir() / model_id).unlink()
    at.run()
    assert not at.exception, at.exception
    said = texts(at, "warning")
    assert "Model faults-page.vec is gone: its file was deleted or moved. Showing minilm-static instead" in said, said
    assert at.selectbox(key="explorer.model").value == "minilm-static" and not at.error


# ---------------------------------------------------------------- 8 · a server-wide limit on heavy work


def test_job_slots_keep_places_in_line_and_never_wait():
    clock = [0.0]
    slots = jobs.JobSlots(2, per_kind={"training": 1}, ticket_seconds=10, clock=lambda: clock[0])
    slots.take("training", owner="A")
    with pytest.raises(ServerBusyError, match="already runs 1 training") as busy:
        slots.take("training", owner="B")
    assert busy.value.place == 1
    slots.take("projection", owner="C")  # a training waiting for the training cap does not hold up short work
    with pytest.raises(ServerBusyError, match="number 1 in line") as busy:
        slots.take("projection", owner="D")
    assert busy.value.code == "server_busy" and slots.place("D") == 1
    with pytest.raises(ServerBusyError, match="number 2 in line"):
        slots.take("projection", owner="E")
    with pytest.raises(ServerBusyError, match="number 3 in line"):
        slots.take("index")  # a script without an owner cannot jump the line
    slots.give_back("projection")  # C is done: D's turn, not E's
    assert slots.place("D") == 0 and slots.place("E") == 2
    with pytest.raises(ServerBusyError):
        slots.take("projection", owner="E")
    slots.take("projection", owner="D")
    slots.give_back("training")  # A is done: B's turn
    assert slots.place("B") == 0
    clock[0] += 11  # B and E left without asking again: their places lapse
    assert slots.place("B") is None and slots.waiting() == 0
    slots.take("training", owner="F")
    assert slots.running() == {"projection": 1, "training": 1}
    with pytest.raises(Exception, match="given back twice"):
        slots.give_back("index")


def test_job_slots_under_many_threads_cap_the_work_and_refuse_at_once():
    slots = jobs.JobSlots(2)
    running, most, refused, lock = [0], [0], [], threading.Lock()

    def visitor(number: int) -> None:
        started = time.perf_counter()
        try:
            with slots.hold("projection", owner=f"v{number}"):
                with lock:
                    running[0] += 1
                    most[0] = max(most[0], running[0])
                time.sleep(0.2)
                with lock:
                    running[0] -= 1
        except ServerBusyError as exc:
            refused.append((exc.place, time.perf_counter() - started))

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 2 and len(refused) >= 4 and all(seconds < 0.1 for _, seconds in refused)
    assert max(place for place, _ in refused) >= 2  # later visitors wait behind earlier ones


@pytest.fixture
def busy_server():
    """Every job slot of this server process taken by other visitors' work."""
    from embedlab import ui

    ui.job_slots.clear()  # fresh slots: no places left in line by earlier tests
    slots = ui.job_slots()
    for _ in range(slots.count):
        slots.take("job", owner=None)
    yield slots
    ui.job_slots.clear()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_projection_page_on_a_busy_server_shows_the_place_then_draws(busy_server, lang):
    query = dict(
        model="minilm-static",
        groups="king,queen,man,woman|apple,pear,banana",
        method="pca",
        seed="4242" if lang == "en" else "4343",
        lang=lang,
    )  # a projection not cached by another test
    started = time.perf_counter()
    at = app_test("pages/projection.py", **query)
    assert time.perf_counter() - started < 60 and not at.exception
    shown = texts(at, "warning")
    assert ("number 1 in line" if lang == "en" else "你排在第 1 位") in shown, shown
    assert not at.get("plotly_chart")
    for _ in range(busy_server.count):
        busy_server.give_back("job")
    at.run()  # what the page does by itself at the visitor's turn
    assert not at.exception and not texts(at, "warning") and at.get("plotly_chart")


def test_search_indexing_and_index_building_wait_their_turn(busy_server, tmp_path):
    from helpers import own_milvus_lite

    from embedlab import ui

    with own_milvus_lite(tmp_path / "busy.db"):
        at = app_test("pages/search.py", model="minilm", corpus="alice", n="40", q="a rabbit", topn="3", lang="en")
        assert not at.exception and "is busy" in texts(at, "warning") and "number 1 in line" in texts(at, "warning")
        assert not at.dataframe
        assert milvus_store.count(ui.milvus(), milvus_store.collection_name("minilm", "alice:40")) is None

    model_id = write_vector_file("faults-ann.vec", [f"w{i}" for i in range(50)], dims=8)
    ui.model_pool().get(model_id)
    at = app_test("pages/models.py", model=model_id, lang="en")
    at = at.button(key="models.ann_build").click().run()
    assert not at.exception and "is busy" in texts(at, "warning")
    from embedlab.static import ann

    assert not ann.index_path(ui.model_pool().get(model_id).kv).exists()


# ---------------------------------------------------------------- 1 · Milvus going away


def test_milvus_server_stopping_during_indexing_and_search_gives_a_message_then_recovers(milvus_server, monkeypatch):
    """One stop of the live server: mid-indexing, then searches from the page, the backend and the CLI."""
    from embedlab import ui

    monkeypatch.setenv("EMBEDLAB_MILVUS_URI", milvus_server.uri)
    ui.milvus.clear()
    query = dict(model="minilm", corpus="alice", n="60", q="a rabbit with a pocket watch", topn="3")
    name = milvus_store.collection_name("minilm", "alice:60")  # the page's collection
    try:
        at = app_test("pages/search.py", lang="en", **query)
        assert not at.exception and not at.error and len(at.dataframe[0].value) == 3
        found = list(at.dataframe[0].value.iloc[:, 1])

        # Re-indexing that collection; the server stops after the first batch.
        store = milvus_store.connect(milvus_server.uri)
        vectors = np.random.default_rng(5).normal(size=(2 * milvus_store.INSERT_BATCH + 10, 384)).astype(np.float32)

        def stop_after_first_batch(done: int, total: int) -> None:
            if done == milvus_store.INSERT_BATCH:
                milvus_server.stop()

        started = time.perf_counter()
        try:
            not_answering = rf"Milvus server \({milvus_server.uri}\) is not answering"
            with pytest.raises(milvus_store.MilvusUnavailableError, match=not_answering):
                milvus_store.index_vectors(
                    store, name, [f"t{i}" for i in range(len(vectors))], vectors, progress=stop_after_first_batch
                )
            command = subprocess.Popen(
                [sys.executable, "-m", "embedlab", "semantic", "--corpus", "alice", "--n", "60", "a rabbit"],
                cwd=PROJECT_ROOT,
                env={**os.environ, "EMBEDLAB_MILVUS_URI": milvus_server.uri},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            with pytest.raises(milvus_store.MilvusUnavailableError):
                milvus_store.search_vectors(store, name, vectors[:1], topn=3)
            with pytest.raises(milvus_store.MilvusUnavailableError):
                milvus_store.count(milvus_store.connect(milvus_server.uri), name)  # a fresh client too
            for lang, said in (("en", "is not answering"), ("zh", "没有响应")):
                down = app_test("pages/search.py", lang=lang, **query)
                assert not down.exception and said in texts(down, "error") and not down.dataframe, texts(down, "error")
            assert time.perf_counter() - started < 30  # failures, not stalls
            out, err = command.communicate(timeout=120)
            one_clear_line(
                subprocess.CompletedProcess(command.args, command.returncode, out, err),
                f"Milvus server ({milvus_server.uri}) is not answering",
            )
        finally:
            milvus_server.start()

        at.run()  # the same session once the server is back, with no restart of the app
        assert not at.exception and not at.error and list(at.dataframe[0].value.iloc[:, 1]) == found
        store = milvus_store.connect(milvus_server.uri)  # the cut-short rebuild never replaced the index
        assert milvus_store.count(store, name) == 60 and milvus_store.count(store, milvus_store.building_name(name)) is not None
        milvus_store.drop(store, milvus_store.building_name(name))
    finally:
        ui.milvus.clear()
