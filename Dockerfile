# EmbedLab on CPU: docker build -t embedlab . && docker run -p 8501:8501 -v embedlab-models:/data/models embedlab
# Without Docker Hub, `make container-check` (deploy/build-local-image.sh) builds this file with podman and a
# Debian 12 image made by mmdebstrap standing in for the FROM line only.
FROM python:3.11-slim

# A hosted server for strangers keeps the model hub off (visitors cannot start multi-GB hub downloads;
# the bundled MiniLM never needs the hub). Drop HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE to allow them.
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    NUMBA_CACHE_DIR=/tmp/numba-cache \
    EMBEDLAB_MODELS_DIR=/data/models \
    EMBEDLAB_HOSTED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

WORKDIR /app
COPY requirements.txt .
# Where pip finds the CPU torch wheel. deploy/build-local-image.sh passes "--find-links /wheels" with a
# CPU wheel from the local disk mounted there.
ARG TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu"
# A venv (python3 -m venv works on the official image and on a plain Debian python3), then the CPU wheel
# first, so requirements.txt's torch==2.13.0 is already satisfied (no CUDA download).
RUN python3 -m venv /opt/venv \
 && pip install $TORCH_PIP_ARGS torch==2.13.0 \
 && pip install -r requirements.txt \
 && python -c "import torch, sys; sys.exit(torch.version.cuda is not None)"
COPY . .
RUN useradd --create-home embedlab && mkdir -p /data/models && chown -R embedlab /data /app
USER embedlab

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
