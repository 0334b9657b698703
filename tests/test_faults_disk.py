"""Fault 3 of the hosted link: a full disk, each write path in turn.

A download, a conversion (CLI and backend), the saving of a trained model (backend and the train
page in 中文), a model upload (backend and the models page) and the saving of an HNSW index: each says
the disk is full in one clear message, leaves nothing half-written in any list (a partial download
is kept only for resuming), and works once there is room. The disk is filled two ways: a small tmpfs
mounted for the test (root only) and a file-size limit (RLIMIT_FSIZE, no privileges needed).

The other faults are in ``tests/test_faults.py``; the README's fault table points at both.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import json
import os
import resource
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import MB, app_test, cli, files_in, one_clear_line, texts, vector_text
from loopback_servers import FileServer

from embedlab import files, i18n
from embedlab.errors import DiskFullError
from embedlab.io import downloads, streamed_vectors, vector_cache
from embedlab.serving import manager, registry
from embedlab.training import background
from embedlab.training import train as training

# ---------------------------------------------------------------- 3 · a full disk


class SmallDisk:
    """A folder where at most ``size`` bytes fit in one file.

    ``tmpfs``: a RAM disk of ``size`` bytes mounted for the test (needs root): writes fail with
    ENOSPC, as on a full disk. ``fsize``: this process (or a child) may not write a file past
    ``size`` bytes (RLIMIT_FSIZE): writes fail with EFBIG. ``grow`` makes room again.
    """

    def __init__(self, folder: Path, mode: str, size: int = 1 * MB):
        self.folder, self.mode, self.size = folder, mode, size
        folder.mkdir(parents=True, exist_ok=True)
        if mode == "tmpfs":
            mounted = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True
            )
            if mounted.returncode != 0:
                pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); the fsize variant covers this fault")

    def grow(self, size: int) -> None:
        self.size = size
        if self.mode == "tmpfs":
            subprocess.run(["mount", "-o", f"remount,size={size}", str(self.folder)], check=True)

    def close(self) -> None:
        if self.mode == "tmpfs":
            subprocess.run(["umount", "-l", str(self.folder)], check=False)

    @contextlib.contextmanager
    def full(self):
        """The disk is full inside the block (for this process; :meth:`preexec` does it for a child)."""
        if self.mode != "fsize":
            yield
            return
        old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
        old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.size, old_limit[1]))
        try:
            yield
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
            signal.signal(signal.SIGXFSZ, old_handler)

    def preexec(self):
        if self.mode != "fsize":
            return None
        size = self.size

        def limit() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

        return limit


@pytest.fixture(params=["tmpfs", "fsize"])
def small_disk(request, tmp_path):
    """Each way of filling the disk in turn (in-process tests)."""
    if request.param == "tmpfs" and os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the fsize variant covers this fault")
    disk = SmallDisk(tmp_path / "disk", request.param)
    yield disk
    disk.close()


@pytest.fixture
def full_disk_for_a_command(tmp_path):
    """A tmpfs when this user may mount one, else the file-size limit (command-line tests: one way is enough)."""
    try:
        disk = SmallDisk(tmp_path / "disk", "tmpfs" if os.geteuid() == 0 else "fsize")
    except pytest.skip.Exception:  # root, but no mounting here (a container without the privilege)
        disk = SmallDisk(tmp_path / "disk-fsize", "fsize")
    yield disk
    disk.close()


def test_no_space_knows_a_full_disk_from_other_errors():
    assert files.no_space(OSError(errno.ENOSPC, "No space left on device"))
    assert files.no_space(OSError(errno.EFBIG, "File too large"))
    assert not files.no_space(OSError(errno.EACCES, "Permission denied"))
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert files.no_space(outer)


def test_download_onto_a_full_disk_says_so_and_resumes_once_there_is_room(small_disk):
    payload = os.urandom(3 * MB)
    digest = hashlib.sha256(payload).hexdigest()
    with FileServer({"big.vec": payload}) as server:
        with small_disk.full(), pytest.raises(DiskFullError) as caught:
            downloads.download_url(server.address("big.vec"), sha256=digest, models_dir=small_disk.folder)
        message = str(caught.value)
        assert message.startswith("The disk is full: big.vec could not be downloaded") and "kept in big.vec.part" in message
        assert "磁盘已满" in i18n.error_text(caught.value.code, "zh", caught.value.params)
        assert not (small_disk.folder / "big.vec").exists()  # nothing half-written under the model's name
        kept = (small_disk.folder / "big.vec.part").stat().st_size
        assert 0 < kept <= small_disk.size and (small_disk.folder / "big.vec.part").read_bytes() == payload[:kept]
        assert "big.vec" not in registry.all_specs(_settings_for(small_disk.folder))

        small_disk.grow(16 * MB)
        done = downloads.download_url(server.address("big.vec"), sha256=digest, models_dir=small_disk.folder)
        assert done.resumed_from == kept and server.ranges[-1] == f"bytes={kept}-" and done.sha256 == digest
        assert (small_disk.folder / "big.vec").read_bytes() == payload and files_in(small_disk.folder) == ["big.vec"]


def _settings_for(folder: Path):
    import dataclasses

    from embedlab.config import load_settings

    return dataclasses.replace(load_settings(), models_dir=folder)


def test_cli_download_onto_a_full_disk_is_one_line_then_resumes(full_disk_for_a_command):
    """The issue's second traceback: ``python -m embedlab download`` onto a full disk."""
    small_disk = full_disk_for_a_command
    payload = os.urandom(2 * MB + 12345)
    digest = hashlib.sha256(payload).hexdigest()
    env = {"EMBEDLAB_MODELS_DIR": str(small_disk.folder)}
    with FileServer({"cc.test.vec": payload}) as server:
        failed = cli("download", server.address("cc.test.vec"), "--sha256", digest, env=env, preexec=small_disk.preexec())
        one_clear_line(failed, "The disk is full: cc.test.vec could not be downloaded", "kept in cc.test.vec.part")
        small_disk.grow(16 * MB)
        again = cli(
            "download", server.address("cc.test.vec"), "--sha256", digest, "--json", env=env, preexec=small_disk.preexec()
        )
        assert again.returncode == 0, again.stderr
        result = json.loads(again.stdout)
        assert result["sha256"] == digest and result["resumed_from"] > 0
        assert (small_disk.folder / "cc.test.vec").read_bytes() == payload


def test_streamed_download_onto_a_full_disk_keeps_only_the_compressed_part(small_disk):
    words = [f"w{i}" for i in range(12000)]
    text = vector_text(words, 20).encode()
    packed = gzip.compress(text, compresslevel=1)
    assert len(text) > 2 * MB > len(packed)
    with FileServer({"stream.vec.gz": packed}) as server:
        with small_disk.full(), pytest.raises(DiskFullError, match="The disk is full: stream.vec could not be downloaded"):
            streamed_vectors.download_vectors(server.address("stream.vec.gz"), models_dir=small_disk.folder)
        assert files_in(small_disk.folder) == ["stream.vec.gz.part"]  # the kept words are gone; the fetched bytes stay
        kept = (small_disk.folder / "stream.vec.gz.part").stat().st_size
        small_disk.grow(16 * MB)
        done = streamed_vectors.download_vectors(server.address("stream.vec.gz"), models_dir=small_disk.folder)
        assert done.words == 12000 and done.resumed_from == kept > 0
        assert (small_disk.folder / "stream.vec").read_bytes() == text and files_in(small_disk.folder) == ["stream.vec"]


def test_conversion_onto_a_full_disk_keeps_nothing_half_written(small_disk, tmp_path):
    source = tmp_path / "sgns.convert.word"
    source.write_text(vector_text([f"词{i}" for i in range(5000)], 64), encoding="utf-8")  # a 1.3 MB float32 cache
    root = small_disk.folder / "cache"
    with small_disk.full(), pytest.raises(DiskFullError, match=r"The disk is full: the fast cache of sgns.convert.word"):
        vector_cache.convert(source, cache_root=root)
    assert files_in(small_disk.folder) == []  # no staging folder, no lock file, no half cache
    assert not vector_cache.cache_is_valid(vector_cache.cache_folder(source, cache_root=root), source)
    with small_disk.full():  # the model itself still loads, without the cache
        assert len(vector_cache.load_text(source, cache_root=root)) == 5000
    small_disk.grow(16 * MB)
    vector_cache.convert(source, cache_root=root)
    vector_cache.verify_cache(vector_cache.cache_folder(source, cache_root=root))


def test_cli_convert_onto_a_full_disk_is_one_line(full_disk_for_a_command, tmp_path):
    small_disk = full_disk_for_a_command
    source = tmp_path / "sgns.convert.word"
    source.write_text(vector_text([f"词{i}" for i in range(5000)], 64), encoding="utf-8")
    env = {"EMBEDLAB_MODELS_DIR": str(small_disk.folder)}
    failed = cli("convert", str(source), env=env, preexec=small_disk.preexec())
    one_clear_line(failed, "The disk is full: the fast cache of sgns.convert.word")
    small_disk.grow(16 * MB)
    done = cli("convert", str(source), "--json", env=env, preexec=small_disk.preexec())
    assert done.returncode == 0 and json.loads(done.stdout)["count"] == 5000, done.stderr


def test_saving_a_trained_model_onto_a_full_disk_keeps_no_model(small_disk, alice_text):
    options = training.TrainOptions(vector_size=200, min_count=2, epochs=1, workers=1)
    with small_disk.full():
        job = background.TrainingJob(alice_text, "en", options, name="full-disk", folder=small_disk.folder).start()
        state = job.wait(timeout=120)
    assert state.phase == "failed" and isinstance(state.failure, DiskFullError), state.error
    assert state.error.startswith("The disk is full: full-disk.kv could not be saved")
    assert "磁盘已满" in i18n.error_text(state.failure.code, "zh", state.failure.params)
    assert files_in(small_disk.folder) == []  # no model, no export, no temporary file, no job marker
    assert "full-disk.kv" not in registry.all_specs(_settings_for(small_disk.folder))

    small_disk.grow(64 * MB)
    done = background.TrainingJob(alice_text, "en", options, name="full-disk", folder=small_disk.folder).start().wait(timeout=120)
    assert done.phase == "done", done.error
    assert files_in(small_disk.folder) == ["exports/full-disk.json", "exports/full-disk.txt", "full-disk.kv"]


def test_train_page_says_the_disk_is_full_in_chinese(small_disk, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(small_disk.folder))
    at = app_test("pages/train.py", lang="zh", sample="alice", size="200", epochs="1", min_count="2")
    with small_disk.full():
        next(button for button in at.button if button.label == i18n.t("train.start", "zh")).click().run()
        state = at.session_state["train.job"].wait(120)
    at.run()
    assert state.phase == "failed" and not at.exception
    shown = texts(at, "error")
    assert "磁盘已满" in shown and "没有留下写了一半的模型" in shown, shown
    assert not [name for name in files_in(small_disk.folder) if name.endswith(".kv")]


def one_digit_vectors(words: int, dims: int = 64, *, prefix: str = "u") -> bytes:
    """A word2vec text file of one-digit values: 2 bytes a value as text, 4 in the float32 cache,
    so 5,000 words make a file under 1 MB whose cache is over 1 MB."""
    rng = np.random.default_rng(7)
    lines = [f"{words} {dims}"] + [f"{prefix}{i} " + " ".join(map(str, rng.integers(1, 10, dims))) for i in range(words)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("what_overflows", ["file", "cache"])
def test_an_upload_onto_a_full_disk_keeps_nothing_and_works_once_there_is_room(small_disk, monkeypatch, what_overflows):
    """The models page's upload (manager.save_upload): the file itself, or its fast cache, does not fit."""
    import io

    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(small_disk.folder))  # the fast cache goes there too
    settings = _settings_for(small_disk.folder)
    data = one_digit_vectors(9000 if what_overflows == "file" else 5000)
    assert (len(data) > MB) == (what_overflows == "file") and 5000 * 64 * 4 > MB
    with small_disk.full(), pytest.raises(DiskFullError) as caught:
        manager.save_upload("upload.vec", io.BytesIO(data), size=len(data), settings=settings)
    assert str(caught.value).startswith("The disk is full: the upload upload.vec could not be stored"), caught.value
    assert "Nothing of it was kept" in str(caught.value)
    assert "磁盘已满" in i18n.error_text(caught.value.code, "zh", caught.value.params)
    assert files_in(small_disk.folder) == []  # no file, no .part, no half cache, no lock file
    assert "upload.vec" not in registry.all_specs(settings)
    assert "upload.vec" not in [row.id for row in manager.list_rows(settings=settings)]

    small_disk.grow(16 * MB)
    assert manager.save_upload("upload.vec", io.BytesIO(data), size=len(data), settings=settings) == "upload.vec"
    row = next(row for row in manager.list_rows(settings=settings) if row.id == "upload.vec")
    assert row.where == "models folder" and (row.vocab, row.dims) == (len(data.splitlines()) - 1, 64)
    vector_cache.verify_cache(vector_cache.cache_folder(small_disk.folder / "upload.vec"))


def test_models_page_upload_onto_a_full_disk_says_so(small_disk, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(small_disk.folder))
    at = app_test("pages/models.py", lang="en")
    at.file_uploader(key="models.upload").set_value(("page.vec", one_digit_vectors(5000), "application/octet-stream")).run()
    with small_disk.full():
        at = at.button(key="models.save_upload").click().run()
    assert not at.exception and not at.success
    shown = texts(at, "error")
    assert "The disk is full: the upload page.vec could not be stored" in shown, shown
    assert files_in(small_disk.folder) == []


@pytest.fixture(scope="module")
def indexed_words():
    """4,000 words of 64 dims and their HNSW graph: about 1.5 MB on disk."""
    from gensim.models import KeyedVectors

    from embedlab.static import ann
    from embedlab.static.model import StaticModel, freeze

    rng = np.random.default_rng(3)
    kv = KeyedVectors(64, count=0)
    kv.add_vectors([f"w{i}" for i in range(4000)], rng.normal(size=(4000, 64)).astype(np.float32))
    model = StaticModel("faults-ann", freeze(kv), "en")
    return model, ann.build(model.kv, m=16, ef_construction=40)


def test_an_index_saved_onto_a_full_disk_keeps_nothing_and_search_stays_exact(small_disk, indexed_words):
    from embedlab.static import ann
    from embedlab.static.model import neighbors

    model, index = indexed_words
    root = small_disk.folder / "cache"
    with small_disk.full():
        with pytest.raises(DiskFullError) as caught:
            ann.save(index, model.kv, cache_root=root)
        with pytest.raises(DiskFullError):
            ann.load_or_build(model.kv, m=16, ef_construction=40, cache_root=root)
    assert str(caught.value).startswith("The disk is full: the approximate search index could not be saved")
    assert "exact search" in str(caught.value)
    assert "磁盘已满" in i18n.error_text(caught.value.code, "zh", caught.value.params)
    assert files_in(small_disk.folder) == []  # no half index, no staging file, no description
    saved = ann.load(model.kv, m=16, ef_construction=40, cache_root=root)
    assert saved is None
    found = ann.search(model, "w7", topn=5, index=saved, threshold=0)  # what a page does: no index, exact
    assert not found.approximate and list(found.results) == neighbors(model, "w7", topn=5)

    small_disk.grow(16 * MB)
    path = ann.save(index, model.kv, cache_root=root)
    loaded = ann.load(model.kv, m=16, ef_construction=40, cache_root=root)
    assert loaded is not None and loaded.count == 4000
    assert files_in(small_disk.folder) == [str(p.relative_to(small_disk.folder)) for p in (path, path.with_suffix(".json"))]
    assert ann.search(model, "w7", topn=5, index=loaded, threshold=0).approximate
