#!/usr/bin/env bash
# Build the project's Dockerfile and run the image on a machine with no Docker engine and no Docker Hub
# (`make container-check`; about 9 minutes the first time on 2 cores, mostly pip inside the build, under a
# minute when nothing changed).
#
#  1. A Debian 12 (bookworm, Python 3.11) root filesystem made by mmdebstrap, imported as $BASE_IMAGE. It
#     stands in for the Dockerfile's `FROM python:3.11-slim` only (podman build --from); the Dockerfile
#     itself is the one a Docker host builds. Kept between runs (REBUILD_BASE=1 makes it again).
#  2. The CPU torch wheel that pip resolves on this machine (pip download --no-index: find-links, the local
#     disk), mounted into the build at /wheels. Without one, the Dockerfile's default applies (pytorch.org's
#     CPU index).
#  3. podman build --isolation chroot --network host --format docker (docker format keeps HEALTHCHECK), with
#     the host's CA bundle mounted over the base's during RUN steps (TLS-inspecting egress).
#  4. podman run with deploy/containers.conf (runc, cgroupfs, no default ulimits), the image's own CMD
#     published on a free loopback port (--network host where podman cannot make a container network);
#     waits for /_stcore/health from outside the container, then runs the image's HEALTHCHECK.
#  5. Share links in Chromium (deploy/check_share_links.py); screenshots in artifacts/container-check/.
#  6. Prints the image size and the seconds from `podman run` to healthy; stops the container.
#
# Settings (environment): IMAGE (localhost/embedlab:local), BASE_IMAGE, PORT (a free one), WORK_DIR
# (/var/tmp/embedlab-container: the base tarball, the wheel), REBUILD_BASE=1, NO_CACHE=1 (no
# layer cache: every RUN again), DEBIAN_MIRROR, PY (the Python that has Playwright: .venv/bin/python).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGE=${IMAGE:-localhost/embedlab:local}
BASE_IMAGE=${BASE_IMAGE:-localhost/embedlab-base:python3.11-bookworm}
WORK_DIR=${WORK_DIR:-/var/tmp/embedlab-container}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org}
PY=${PY:-$ROOT/.venv/bin/python}
SHOTS=$ROOT/artifacts/container-check
CONTAINER=embedlab-check-$$
export CONTAINERS_CONF=$ROOT/deploy/containers.conf

say() { printf '\n== %s\n' "$*"; }

# --- tools ------------------------------------------------------------------------------------------
missing=()
for tool in podman runc mmdebstrap chromium curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then
        say "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman buildah runc mmdebstrap chromium \
            fonts-noto-cjk curl >/dev/null
    else
        echo "needs: sudo apt-get install -y podman buildah runc mmdebstrap chromium fonts-noto-cjk curl" >&2
        exit 1
    fi
fi
mkdir -p "$WORK_DIR/wheels" "$SHOTS"

# --- 1. the stand-in base image -----------------------------------------------------------------------
if [ "${REBUILD_BASE:-0}" = 1 ] || ! podman image exists "$BASE_IMAGE"; then
    say "base image $BASE_IMAGE from Debian bookworm (mmdebstrap)"
    mmdebstrap --variant=minbase \
        --include=python3,python3-venv,ca-certificates,passwd \
        --aptopt='APT::Install-Recommends "false"' \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
        bookworm "$WORK_DIR/base.tar" \
        "deb $DEBIAN_MIRROR/debian bookworm main" \
        "deb $DEBIAN_MIRROR/debian bookworm-updates main" \
        "deb $DEBIAN_MIRROR/debian-security bookworm-security main"
    # The official image's PATH and LANG (the Dockerfile's `ENV PATH=/opt/venv/bin:$PATH` extends PATH).
    podman import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["python3"]' \
        "$WORK_DIR/base.tar" "$BASE_IMAGE"
    rm -f "$WORK_DIR/base.tar"
fi

# --- 2. the CPU torch wheel from this machine's disk ---------------------------------------------------
torch_pin=$(sed -n 's/^torch==\([^[:space:]]*\).*/\1/p' "$ROOT/requirements.txt")
build_wheels=()
rm -f "$WORK_DIR"/wheels/torch-*.whl
if "$PY" -m pip download --quiet --no-index --no-deps --only-binary=:all: --python-version 3.11 \
        --implementation cp --platform manylinux_2_28_x86_64 \
        -d "$WORK_DIR/wheels" "torch==$torch_pin" 2>/dev/null \
   && ls "$WORK_DIR"/wheels/torch-"$torch_pin"+cpu-*.whl >/dev/null 2>&1; then
    say "torch wheel from the local disk: $(basename "$WORK_DIR"/wheels/torch-*.whl)"
    build_wheels=(--volume "$WORK_DIR/wheels:/wheels:ro" --build-arg "TORCH_PIP_ARGS=--find-links /wheels")
else
    rm -f "$WORK_DIR"/wheels/torch-*.whl
    say "no CPU torch $torch_pin wheel on this disk: the build uses the Dockerfile's pytorch.org CPU index"
fi

# --- 3. build -----------------------------------------------------------------------------------------
# This machine's CA bundle over the base's during RUN steps (not stored in the image): egress here may pass
# a TLS-inspecting proxy whose CA only the host trusts. Debian's pip reads this file.
build_mounts=(--volume /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro)
say "podman build $IMAGE (FROM replaced by $BASE_IMAGE)"
previous=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
cache=(); [ "${NO_CACHE:-0}" = 1 ] && cache=(--no-cache)
build_start=$(date +%s)
podman build --isolation chroot --network host --format docker --from "$BASE_IMAGE" \
    "${cache[@]}" "${build_mounts[@]}" "${build_wheels[@]}" --tag "$IMAGE" "$ROOT"
build_seconds=$(($(date +%s) - build_start))
# The image this build replaced, now untagged (its layers stay while the new image shares them).
if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "$IMAGE")" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
fi

say "inside the image"
podman run --rm --no-healthcheck --network host "$IMAGE" python -c \
    "import sys, torch, streamlit; print('python', sys.version.split()[0], '| torch', torch.__version__, \
'| cuda', torch.version.cuda, '| streamlit', streamlit.__version__); assert sys.version_info[:2] == (3, 11)"
podman run --rm --no-healthcheck --network host "$IMAGE" \
    sh -c 'echo "user $(id -un), EMBEDLAB_HOSTED=$EMBEDLAB_HOSTED, HF_HUB_OFFLINE=$HF_HUB_OFFLINE"'

# --- 4. run and wait for health ------------------------------------------------------------------------
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
# No systemd here: podman cannot schedule the HEALTHCHECK's timer (it says so on every run); it runs by hand below.
quiet() { "$@" 2> >(grep -v 'unable to get systemd connection' >&2); }
cleanup() {
    podman logs "$CONTAINER" >"$SHOTS/container.log" 2>&1 || true
    quiet podman rm --force --time 10 "$CONTAINER" >/dev/null 2>&1 || true
}
trap cleanup EXIT
run=(podman run --detach --name "$CONTAINER" --health-interval disable --volume embedlab-check-models:/data/models)
health=(podman healthcheck run "$CONTAINER")
say "podman run $IMAGE, its CMD, published on 127.0.0.1:$PORT"
run_start=$(date +%s.%N)
# As in the README: the image's CMD on 8501, published on a loopback port of the host.
if ! quiet "${run[@]}" --publish "127.0.0.1:$PORT:8501" "$IMAGE" >/dev/null; then
    # Where podman cannot make a container network: the host's, and the CMD with its port swapped (the
    # host's 8501 may be taken); the HEALTHCHECK command then probes that port.
    echo "no container network: --network host, port $PORT"
    quiet podman rm --force "$CONTAINER" >/dev/null 2>&1 || true
    mapfile -t cmd < <(podman image inspect --format '{{range .Config.Cmd}}{{println .}}{{end}}' "$IMAGE" \
        | sed -e '/^$/d' -e "s/^--server.port=.*/--server.port=$PORT/")
    probe=$(podman image inspect --format '{{index .Healthcheck.Test 1}}' "$IMAGE" | sed "s/:8501/:$PORT/")
    health=(podman exec "$CONTAINER" sh -c "$probe")
    run_start=$(date +%s.%N)
    quiet "${run[@]}" --network host "$IMAGE" "${cmd[@]}" >/dev/null
fi
healthy=""
for _ in $(seq 1 600); do
    if [ "$(curl -s --max-time 2 "http://127.0.0.1:$PORT/_stcore/health" || true)" = ok ]; then
        healthy=$(python3 -c "print(f'{$(date +%s.%N) - $run_start:.1f}')")
        break
    fi
    if [ "$(podman inspect --format '{{.State.Running}}' "$CONTAINER")" != true ]; then
        podman logs "$CONTAINER" | tail -30
        echo "the container exited" >&2
        exit 1
    fi
    sleep 0.5
done
if [ -z "$healthy" ]; then podman logs "$CONTAINER" | tail -30; echo "not healthy after 300 s" >&2; exit 1; fi
echo "GET http://127.0.0.1:$PORT/_stcore/health (from the host) -> ok, ${healthy} s after podman run"
if quiet "${health[@]}"; then echo "the image's HEALTHCHECK: healthy"; else echo "the image's HEALTHCHECK failed" >&2; exit 1; fi

# --- 5. share links in Chromium -------------------------------------------------------------------------
say "share links in Chromium"
"$PY" "$ROOT/deploy/check_share_links.py" "http://127.0.0.1:$PORT" "$SHOTS"

# --- 6. figures -----------------------------------------------------------------------------------------
size_bytes=$(podman image inspect --format '{{.Size}}' "$IMAGE")
base_bytes=$(podman image inspect --format '{{.Size}}' "$BASE_IMAGE")
say "figures"
echo "image $IMAGE: $((size_bytes / 1000000)) MB uncompressed (stand-in base $((base_bytes / 1000000)) MB)"
echo "build: ${build_seconds} s ($([ "${NO_CACHE:-0}" = 1 ] && echo "no layer cache" || echo "layer cache from earlier runs, if any"))"
echo "podman run -> /_stcore/health ok: ${healthy} s"
