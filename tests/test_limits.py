"""Hosted mode: the caps in ``Limits`` are enforced, and a share link alone still shows every demo."""

from __future__ import annotations

import threading
from urllib.parse import parse_qsl, urlsplit

import pytest
from helpers import app_test

from embedlab.config import Limits, load_settings
from embedlab.errors import InvalidInputError, ServerBusyError
from embedlab.projection import word_projection
from embedlab.serving import manager, milvus_store
from embedlab.share import build_link
from embedlab.training import background, jobs
from embedlab.training import train as training
from embedlab.ui.presets import PRESETS


@pytest.fixture
def hosted(monkeypatch):
    monkeypatch.setenv("EMBEDLAB_HOSTED", "1")
    return load_settings()


def test_limit_overrides_must_be_positive_whole_numbers():
    assert Limits.for_mode(True, {"projection_points": "300"}).projection_points == 300
    for bad in (0, -5, "many"):
        with pytest.raises(InvalidInputError, match="limits.training_jobs"):
            Limits.for_mode(False, {"training_jobs": bad})


def test_projection_refuses_more_points_than_the_server_allows(minilm_static):
    selection = word_projection.frequent_words(minilm_static, 40)
    with pytest.raises(InvalidInputError, match="limit of 30 per projection"):
        word_projection.project_words(minilm_static, selection, max_points=30)
    assert len(word_projection.project_words(minilm_static, selection, max_points=40).projection.coordinates) == 40


def test_hosted_projection_page_caps_the_frequent_words(hosted):
    cap = hosted.limits.projection_points
    at = app_test("pages/projection.py", model="minilm-static", source="top", top=str(cap + 1), lang="en")
    assert not at.exception
    assert any("(top=)" in w.value for w in at.warning)  # the link's value is refused, the default drawn
    assert at.number_input(key="projection.top").max == cap


def test_index_size_follows_the_batch_limit(hosted):
    most = hosted.limits.batch_sentences
    with pytest.raises(InvalidInputError, match=f"1 to {most:,} sentences"):
        milvus_store.corpus_sentences("alice", limit=most + 1, settings=hosted)


def test_upload_cap_names_the_file_and_the_cap(hosted):
    cap = hosted.limits.upload_mb
    manager.check_upload_size("corpus.txt", cap * 2**20, settings=hosted)  # exactly the cap is fine
    with pytest.raises(InvalidInputError, match=rf"corpus.txt is {cap * 2**20 + 1:,} bytes; uploads are limited to {cap} MB"):
        manager.check_upload_size("corpus.txt", cap * 2**20 + 1, settings=hosted)
    with pytest.raises(InvalidInputError, match=rf"corpus.txt is {cap * 1.5:.1f} MB; uploads are limited to {cap} MB"):
        manager.check_upload_size("corpus.txt", int(cap * 1.5 * 2**20), settings=hosted)


def test_training_slots_refuse_a_job_while_all_are_taken_and_come_back():
    slots = jobs.JobSlots(1)
    slots.take()
    job = background.TrainingJob("刘备 关羽 张飞 " * 50, "zh", training.TrainOptions(epochs=1, min_count=1), name="slot-test")
    with pytest.raises(ServerBusyError, match=r"already runs 1 heavy job\(s\) at once"):
        job.start(slots=slots)
    slots.give_back()
    # A job that fails still gives its slot back.
    failing = background.TrainingJob("x" * 200, "en", training.TrainOptions(epochs=1), name="too-long", max_chars=10)
    assert failing.start(slots=slots).wait(timeout=60).phase == "failed"
    slots.take()  # free again
    slots.give_back()


def test_training_slots_hold_across_threads():
    slots = jobs.JobSlots(2)
    taken, refused = [], []

    def grab():
        try:
            slots.take()
            taken.append(1)
        except ServerBusyError:
            refused.append(1)

    threads = [threading.Thread(target=grab) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(taken), len(refused)) == (2, 4)


# A read-only demo: in hosted mode, following a share link (no typing, no clicks) shows the result.
SHARE_LINKS = [
    pytest.param(f"pages/{preset.page}.py", preset.params, id=f"{preset.page}:{preset.title_en}")
    for preset in PRESETS
    if preset.language == "en"
] + [pytest.param("pages/evaluate.py", {"task": "pairs", "pairs": "en/simlex999.txt"}, id="evaluate:simlex")]


@pytest.mark.parametrize(("page", "params"), SHARE_LINKS)
def test_hosted_share_links_show_their_results(hosted, data_dir, page, params):
    model = "minilm" if page.endswith(("polysemy.py", "sentences.py")) else "minilm-static"
    link = build_link(page.removeprefix("pages/").removesuffix(".py"), params)  # what a visitor follows
    query = dict(parse_qsl(urlsplit(link).query))
    at = app_test(page, model=model, lang="en", **query)
    assert not at.exception and not at.error and not at.warning
    shown = at.get("plotly_chart") or at.dataframe or at.metric
    assert shown, f"{page} drew nothing for {query}"
