"""The model hub, switched on: a real hub download end to end, and the bundled models never asking it.

The hub here is :class:`loopback_servers.HubServer` on 127.0.0.1, answering huggingface_hub's
requests for a tiny Chinese BERT built by the test. huggingface_hub reads ``HF_ENDPOINT`` and
``HF_HUB_OFFLINE`` once, at import, so the downloads run in a fresh process through the CLI
(``python -m embedlab download …``) with the hub switched on, as on a user's machine; the page
check patches the constants where hub code reads them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from helpers import PROJECT_ROOT, app_test
from loopback_servers import HubServer
from tiny_checkpoints import build_tiny_chinese_bert


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory) -> Path:
    return build_tiny_chinese_bert(tmp_path_factory.mktemp("hub-repo") / "bert-base-chinese", seed=3)


@pytest.fixture()
def hub(tiny_bert):
    with HubServer({"bert-base-chinese": tiny_bert}) as server:
        yield server


def online_env(tmp_path: Path, endpoint: str) -> dict[str, str]:
    """This test session's environment with the hub switched on and pointed at ``endpoint``."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(
        HF_ENDPOINT=endpoint,
        HF_HOME=str(tmp_path / "hf-home"),
        HF_HUB_DISABLE_TELEMETRY="1",
        EMBEDLAB_MODELS_DIR=str(tmp_path / "models"),
        PYTHONPATH=str(PROJECT_ROOT),
    )
    return env


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "embedlab", *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )


def test_seed_downloads_from_the_hub_and_serves_the_pickers_and_polysemy(tmp_path, hub, tiny_bert, monkeypatch):
    done = run_cli(online_env(tmp_path, hub.url), "download", "bert-base-chinese", "--json")
    assert done.returncode == 0, done.stderr
    folder = Path(json.loads(done.stdout)["path"])
    assert folder == tmp_path / "models" / "bert-base-chinese"
    # Every file arrived byte for byte, after the model-info call and a HEAD (metadata) + GET per file.
    for name, data in hub.repos["bert-base-chinese"].items():
        assert (folder / name).read_bytes() == data, name
        assert ("HEAD", f"/bert-base-chinese/resolve/{hub.commits['bert-base-chinese']}/{name}") in hub.requests
        assert ("GET", f"/bert-base-chinese/resolve/{hub.commits['bert-base-chinese']}/{name}") in hub.requests
    assert hub.requests[0] == ("GET", "/api/models/bert-base-chinese/revision/main")

    from embedlab.contextual import polysemy
    from embedlab.contextual.model import load_contextual
    from embedlab.serving import registry

    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path / "models"))
    spec = next(s for s in registry.list_models(kind="contextual") if s.id == "bert-base-chinese")
    assert spec.available and spec.language == "zh" and Path(spec.source) == folder  # listed as the seed, not a bare folder
    assert "bert-base-chinese" not in [s.id for s in registry.list_models() if s.description.startswith("Checkpoint")]
    model = registry.load_model("bert-base-chinese", kind="contextual")
    sentences = ["他在苹果上班。", "他在吃苹果。", "苹果和香蕉都是水果。"]
    report = polysemy.analyze(model, "苹果", sentences)
    assert report.context.vectors.shape == (3, 32) and np.isfinite(report.context.vectors).all()
    # The same vectors as the checkpoint the hub served, loaded straight from its folder.
    direct = polysemy.analyze(load_contextual(tiny_bert), "苹果", sentences)
    np.testing.assert_array_equal(report.context.vectors, direct.context.vectors)
    assert report.similarity[0, 1] < 0.9999  # two contexts, two different vectors


def test_unknown_hub_model_and_offline_mode_are_explained(tmp_path, hub):
    env = online_env(tmp_path, hub.url)
    missing = run_cli(env, "download", "nobody/no-such-model")
    assert missing.returncode == 1 and "The hub has no model called 'nobody/no-such-model'" in missing.stderr
    assert not (tmp_path / "models" / "nobody--no-such-model").exists()
    before = len(hub.requests)
    offline = run_cli({**env, "HF_HUB_OFFLINE": "1"}, "download", "bert-base-chinese")
    assert offline.returncode == 1 and "HF_HUB_OFFLINE=1" in offline.stderr and "huggingface-cli download" in offline.stderr
    assert len(hub.requests) == before  # refused before any traffic


def test_a_broken_hub_download_lists_nothing_and_a_rerun_completes_it(tmp_path, hub, monkeypatch):
    """Files arrive in a hidden staging folder that becomes the model only once the snapshot is complete."""
    from embedlab.serving import registry

    env = online_env(tmp_path, hub.url)
    weights = next(name for name in hub.repos["bert-base-chinese"] if name.endswith((".safetensors", ".bin")))
    hub.failing.add(weights)
    broken = run_cli(env, "download", "bert-base-chinese")
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    models = tmp_path / "models"
    assert not (models / "bert-base-chinese").exists()
    assert [p.name for p in models.iterdir() if not p.name.startswith(".")] == []  # nothing half-downloaded is a model
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(models))
    assert not next(s for s in registry.list_models() if s.id == "bert-base-chinese").available
    hub.failing.clear()
    done = run_cli(env, "download", "bert-base-chinese")
    assert done.returncode == 0, done.stderr
    assert (models / "bert-base-chinese" / weights).read_bytes() == hub.repos["bert-base-chinese"][weights]
    assert not any(p.name.endswith(".partial") for p in models.iterdir())
    assert next(s for s in registry.list_models() if s.id == "bert-base-chinese").available


NO_NETWORK_PROBE = textwrap.dedent("""
    import json, os, sys
    connections = []
    sys.addaudithook(lambda event, args: connections.append([event, repr(args)[:120]])
                     if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname") else None)
    from embedlab.io import downloads; from embedlab.serving import registry; from embedlab.contextual import sentences
    minilm = registry.load_model("minilm")
    static = registry.load_model("minilm-static")
    encoder = sentences.own_encoder(minilm)
    vectors = encoder.encode(["I like this book.", "I don't like this book."]).vectors
    print(json.dumps({"connections": connections, "offline_env": os.environ.get("HF_HUB_OFFLINE"),
                      "hub_offline": downloads.hub_offline(), "encoder": type(encoder).__name__,
                      "shape": list(vectors.shape), "static_words": static.vocab_size}))
""")


def test_bundled_minilm_loads_without_the_hub_and_leaves_it_switched_on(tmp_path, hub):
    """With HF_HUB_OFFLINE unset, loading MiniLM (contextual, static, sentence-transformers) opens no socket
    at all, so it cannot wait on a network; and afterwards the hub is still on for downloads."""
    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK_PROBE],
        env=online_env(tmp_path, hub.url),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["connections"] == [] and hub.requests == []
    assert result["offline_env"] is None and result["hub_offline"] is False
    assert result["encoder"] == "SentenceTransformerEncoder" and result["shape"] == [2, 384]
    assert result["static_words"] > 20_000


def test_makefile_and_bundled_code_leave_the_hub_on():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert not any("OFFLINE" in line for line in makefile.splitlines() if not line.lstrip().startswith("#"))  # no export
    bundled = (PROJECT_ROOT / "embedlab" / "io" / "bundled.py").read_text(encoding="utf-8")
    assert "HF_HUB_OFFLINE" not in bundled


@pytest.fixture()
def hub_online_here(hub, tmp_path, monkeypatch):
    """Switch the hub on in this process and point it at ``hub``, where huggingface_hub reads its settings."""
    from huggingface_hub import constants, file_download

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", hub.url)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub-cache"))
    monkeypatch.setattr(file_download, "HUGGINGFACE_CO_URL_TEMPLATE", hub.url + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path / "models"))
    return hub


def test_models_page_one_click_hub_download(hub_online_here):
    at = app_test("pages/models.py", lang="en", model="bert-base-chinese")
    assert not at.exception
    button = at.button(key="models.seed_download")
    assert not button.disabled and "Offline here" not in " ".join(c.value for c in at.caption)
    at = button.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = [s.value.replace("\\", "") for s in at.success]  # without the markdown escapes of user text
    assert any("Downloaded into the models folder: bert-base-chinese" in text for text in shown), shown
    assert ("GET", "/api/models/bert-base-chinese/revision/main") in hub_online_here.requests
    from embedlab.serving import registry

    assert registry.get_spec("bert-base-chinese").available
