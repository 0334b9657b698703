"""Deployment files agree with the code: the Dockerfile, .streamlit/config.toml and hosted limits.

The image itself is built and run by `make container-check` (podman, minutes), not in tests; these
checks catch the drift that would break it (a torch pin that differs from requirements.txt, a cap
Streamlit enforces first).
"""

from __future__ import annotations

import re
import tomllib

from embedlab.config import PROJECT_ROOT, Limits

DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
STREAMLIT_CONFIG = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def pinned(name: str, text: str) -> str:
    found = re.findall(rf"^{re.escape(name)}==(\S+)", text, flags=re.MULTILINE)
    assert len(found) == 1, f"{name} must be pinned exactly once"
    return found[0]


def test_docker_installs_the_same_cpu_torch_as_the_requirements():
    requirements = (PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8")
    # By default from pytorch.org's CPU index; deploy/build-local-image.sh points TORCH_PIP_ARGS at a wheel on disk.
    assert re.search(r'^ARG TORCH_PIP_ARGS="--index-url https://download\.pytorch\.org/whl/cpu"$', DOCKERFILE, flags=re.MULTILINE)
    docker_torch = re.search(r"pip install \$TORCH_PIP_ARGS torch==(\S+)", DOCKERFILE)
    assert docker_torch and docker_torch.group(1) == pinned("torch", requirements)
    assert DOCKERFILE.index("torch==") < DOCKERFILE.index("pip install -r requirements.txt")
    assert "torch.version.cuda is not None" in DOCKERFILE  # the build fails if a CUDA torch got in


def test_docker_image_builds_on_the_official_python_311_base():
    # The only FROM; build-local-image.sh replaces it with a stand-in (podman build --from), never edits it.
    assert re.findall(r"^FROM (\S+)", DOCKERFILE, flags=re.MULTILINE) == ["python:3.11-slim"]
    # A venv, so `python` and pip are the same on the official image and on a plain Debian python3.
    assert "python3 -m venv /opt/venv" in DOCKERFILE and re.search(r"PATH=/opt/venv/bin:\$PATH", DOCKERFILE)
    script = (PROJECT_ROOT / "deploy" / "build-local-image.sh").read_text(encoding="utf-8")
    assert '--from "$BASE_IMAGE"' in script and "TORCH_PIP_ARGS=" in script


def test_docker_image_runs_the_app_in_hosted_offline_mode():
    assert re.search(r"EMBEDLAB_HOSTED=1", DOCKERFILE) and re.search(r"HF_HUB_OFFLINE=1", DOCKERFILE)
    exposed = re.search(r"^EXPOSE (\d+)", DOCKERFILE, flags=re.MULTILINE).group(1)
    command = re.search(r"^CMD \[(.*)\]", DOCKERFILE, flags=re.MULTILINE).group(1)
    assert '"app.py"' in command and f"--server.port={exposed}" in command and "--server.address=0.0.0.0" in command
    assert "USER embedlab" in DOCKERFILE  # not root
    ignored = (PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "artifacts", ".git"} <= set(ignored)


def test_streamlit_lets_every_upload_reach_embedlabs_own_cap():
    # Streamlit refuses files over maxUploadSize with its own terse message; ours names the cap.
    server = STREAMLIT_CONFIG["server"]
    assert server["maxUploadSize"] >= max(Limits().upload_mb, Limits.for_mode(True).upload_mb)
    assert server["headless"] is True
    assert STREAMLIT_CONFIG["client"]["showErrorDetails"] == "none"  # visitors never see tracebacks
