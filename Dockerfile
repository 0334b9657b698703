# EmbedLab on CPU: docker build -t embedlab . && docker run -p 8501:8501 -v embedlab-models:/data/models embedlab
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    NUMBA_CACHE_DIR=/tmp/numba-cache \
    EMBEDLAB_MODELS_DIR=/data/models \
    EMBEDLAB_HOSTED=1

WORKDIR /app
COPY requirements.txt .
# The CPU wheel first, so requirements.txt's torch==2.13.0 is already satisfied (no CUDA download).
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install -r requirements.txt
COPY . .
RUN useradd --create-home embedlab && mkdir -p /data/models && chown -R embedlab /data /app
USER embedlab

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
