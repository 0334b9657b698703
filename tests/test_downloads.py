"""Downloads against a real HTTP server on the loopback interface: progress, resume, checksums."""

from __future__ import annotations

import hashlib
import http.server
import os
import re
import threading

import pytest

from embedlab.errors import InvalidInputError
from embedlab.io import http_transfer
from embedlab.io.downloads import DownloadError, download_hub, download_url

PAYLOAD = bytes(range(256)) * 4000 + "诸葛亮 0.1 0.2\n".encode()  # ~1 MB, not a multiple of the chunk size
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()


class Server(http.server.ThreadingHTTPServer):
    """Serves PAYLOAD at /files/<name>; can cut the connection and record Range headers."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.cuts: list[int] = []  # for the next requests: stop after this many body bytes
        self.ignore_range = False
        self.ranges: list[str | None] = []


class Handler(http.server.BaseHTTPRequestHandler):
    server: Server

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        if not self.path.startswith("/files/"):
            self.send_error(404, "Not Found")
            return
        wanted = self.headers.get("Range")
        self.server.ranges.append(wanted)
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", wanted or "")
        if match and not self.server.ignore_range:
            start = int(match.group(1))
            if start >= len(PAYLOAD):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(PAYLOAD)}")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}")
        else:
            self.send_response(200)
        body = PAYLOAD[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.server.cuts:
            body = body[: self.server.cuts.pop(0)]
            self.close_connection = True
        self.wfile.write(body)
        self.wfile.flush()


@pytest.fixture()
def server():
    instance = Server()
    thread = threading.Thread(target=instance.serve_forever, daemon=True)
    thread.start()
    yield instance
    instance.shutdown()
    instance.server_close()
    thread.join(timeout=5)


def url(server, name="sgns.test.word.bz2"):
    return f"http://127.0.0.1:{server.server_address[1]}/files/{name}"


def test_download_reports_progress_and_verifies(tmp_path, server, monkeypatch):
    monkeypatch.setattr(http_transfer, "CHUNK_BYTES", 64 * 1024)  # where the transfer reads it
    calls = []
    result = download_url(url(server), sha256=DIGEST, models_dir=tmp_path, progress=lambda d, t: calls.append((d, t)))
    assert result.path == (tmp_path / "sgns.test.word.bz2").resolve()
    assert result.path.read_bytes() == PAYLOAD and result.sha256 == DIGEST and result.resumed_from == 0
    assert calls[-1] == (len(PAYLOAD), len(PAYLOAD)) and len(calls) == -(-len(PAYLOAD) // (64 * 1024))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert not list(tmp_path.glob("*.part"))


def test_resume_after_a_cut(tmp_path, server):
    cut = 300_000
    server.cuts = [cut]
    with pytest.raises(DownloadError, match="interrupted after 300,000 of .* Run it again to resume"):
        download_url(url(server), models_dir=tmp_path, retries=0)
    part = tmp_path / "sgns.test.word.bz2.part"
    assert part.stat().st_size == cut and not (tmp_path / "sgns.test.word.bz2").exists()
    result = download_url(url(server), sha256=DIGEST, models_dir=tmp_path)
    assert server.ranges[-1] == f"bytes={cut}-"
    assert result.resumed_from == cut and result.path.read_bytes() == PAYLOAD and not part.exists()


def test_broken_connection_resumes_by_itself(tmp_path, server):
    server.cuts = [100_000, 250_000]
    result = download_url(url(server), sha256=DIGEST, models_dir=tmp_path, retries=2)
    assert result.path.read_bytes() == PAYLOAD
    assert server.ranges == [None, "bytes=100000-", "bytes=350000-"]


def test_checksum_mismatch_removes_the_file(tmp_path, server):
    with pytest.raises(DownloadError, match="Checksum mismatch .* removed"):
        download_url(url(server), sha256="0" * 64, models_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_server_without_ranges_restarts_cleanly(tmp_path, server):
    (tmp_path / "sgns.test.word.bz2.part").write_bytes(b"stale bytes from another file")
    server.ignore_range = True
    result = download_url(url(server), sha256=DIGEST, models_dir=tmp_path)
    assert result.path.read_bytes() == PAYLOAD and result.resumed_from == 0


def test_complete_part_is_finished_without_refetching(tmp_path, server):
    (tmp_path / "sgns.test.word.bz2.part").write_bytes(PAYLOAD)
    result = download_url(url(server), sha256=DIGEST, models_dir=tmp_path)
    assert result.path.read_bytes() == PAYLOAD and server.ranges == [f"bytes={len(PAYLOAD)}-"]


def test_existing_file_is_kept(tmp_path, server):
    download_url(url(server), models_dir=tmp_path)
    again = download_url(url(server), sha256=DIGEST, models_dir=tmp_path)  # same checksum: nothing fetched
    assert again.path.read_bytes() == PAYLOAD and len(server.ranges) == 1
    with pytest.raises(InvalidInputError, match="already exists"):
        download_url(url(server), models_dir=tmp_path)


def test_http_errors_are_clear(tmp_path, server):
    with pytest.raises(DownloadError, match="404"):
        download_url(f"http://127.0.0.1:{server.server_address[1]}/missing/x.word", models_dir=tmp_path)
    with pytest.raises(DownloadError, match="Cannot download .*refused"):
        download_url("http://127.0.0.1:9/x.word", models_dir=tmp_path, retries=0, timeout=2)


@pytest.mark.parametrize(
    "address, name, message",
    [
        ("file:///etc/passwd", None, "http:// or https://"),
        ("javascript:alert(1)", None, "http:// or https://"),
        ("http://127.0.0.1/files/", None, "Unusable file name"),
        ("http://127.0.0.1/files/..", None, "Unusable file name"),
        ("http://127.0.0.1/files/x.word", "../escape.word", "Unusable file name"),
        ("http://127.0.0.1/files/x.word", ".hidden", "Unusable file name"),
        ("http://127.0.0.1/files/x.word", "ok.word", "64 hexadecimal"),
    ],
)
def test_unsafe_requests_are_refused_before_any_traffic(tmp_path, address, name, message):
    with pytest.raises(InvalidInputError, match=message):
        download_url(address, filename=name, models_dir=tmp_path, sha256="abc" if name == "ok.word" else None)
    assert not any(tmp_path.iterdir())


def test_hub_download_offline_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(DownloadError, match=r"HF_HUB_OFFLINE=1.*huggingface-cli download BAAI/bge-m3"):
        download_hub("BAAI/bge-m3", models_dir=tmp_path)
    for bad in ("../etc", "a/b/c", "", "name with spaces"):
        with pytest.raises(InvalidInputError, match="Not a hub id"):
            download_hub(bad, models_dir=tmp_path)
    assert not os.listdir(tmp_path)


def test_hosted_mode_allows_only_listed_hosts(tmp_path, server, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_HOSTED", "1")
    with pytest.raises(InvalidInputError, match="Downloads from 127.0.0.1 are not allowed here"):
        download_url(url(server), models_dir=tmp_path)
    assert server.ranges == [] and not any(tmp_path.iterdir())


def test_hosted_allowlist_also_governs_the_model_hub(tmp_path, monkeypatch):
    config = tmp_path / "embedlab.toml"
    config.write_text('[embedlab]\nhosted = true\n[embedlab.limits]\ndownload_hosts = ["github.com"]\n', encoding="utf-8")
    monkeypatch.setenv("EMBEDLAB_CONFIG", str(config))
    monkeypatch.delenv("EMBEDLAB_HOSTED", raising=False)
    with pytest.raises(InvalidInputError, match="Downloads from huggingface.co are not allowed here"):
        download_hub("BAAI/bge-m3", models_dir=tmp_path)
    monkeypatch.setenv("EMBEDLAB_HOSTED", "1")  # the default allowlist has the hub: offline is what stops it here
    monkeypatch.delenv("EMBEDLAB_CONFIG")
    with pytest.raises(DownloadError, match="HF_HUB_OFFLINE"):
        download_hub("BAAI/bge-m3", models_dir=tmp_path)
