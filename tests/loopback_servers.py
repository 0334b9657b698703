"""HTTP servers on 127.0.0.1 that answer as the real download hosts do, for end-to-end download tests.

* :class:`FileServer` serves fixed bytes at ``/files/<name>`` with ``Range`` support, and can cut
  the connection after a given number of body bytes (a dropped download) or ignore ``Range``.
* :class:`HubServer` answers as the Hugging Face hub does for the requests huggingface_hub 0.36
  makes in ``snapshot_download`` / ``hf_hub_download``:

  - ``GET /api/models/{repo}/revision/{rev}``: model info, JSON with the commit ``sha`` and the
    ``siblings`` (one ``{"rfilename": ...}`` per file);
  - ``HEAD`` and ``GET /{repo}/resolve/{rev}/{filename}``: the file, with ``X-Repo-Commit``,
    ``ETag`` and ``Content-Length`` (``hf_hub_download`` refuses a file missing any of them);
  - ``404`` with ``X-Error-Code: RepoNotFound`` / ``EntryNotFound`` otherwise, which
    huggingface_hub turns into ``RepositoryNotFoundError`` / ``EntryNotFoundError``.

  Every request is recorded as ``(method, path)``.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import threading
import time
import urllib.parse
from pathlib import Path


class _Recording(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler):
        super().__init__(("127.0.0.1", 0), handler)
        self.requests: list[tuple[str, str]] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real hosts (requests reuses connections)

    def log_message(self, *args):  # keep test output clean
        pass

    def _send_body(self, body: bytes, headers: dict[str, str], *, head: bool, cut: int | None = None) -> None:
        """``body`` (or the part ``Range`` asks for) with ``headers``; ``cut`` stops after that many bytes."""
        wanted = self.headers.get("Range")
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", wanted or "")
        start, end = 0, len(body) - 1
        if match and not getattr(self.server, "ignore_range", False):
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else end
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(body)}")
        else:
            self.send_response(200)
        part = body[start : end + 1]
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(part)))
        self.send_header("Accept-Ranges", "bytes")
        if cut is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        if cut is not None:
            part = part[:cut]
            self.close_connection = True
        pause = getattr(self.server, "pause", 0.0)
        step = 64 * 1024 if pause else max(len(part), 1)
        for start in range(0, len(part), step):  # a slow link: ``pause`` seconds after each 64 KB
            self.wfile.write(part[start : start + step])
            self.wfile.flush()
            if pause:
                time.sleep(pause)

    def _not_found(self, code: str, message: str) -> None:
        body = json.dumps({"error": message}).encode()
        self.send_response(404)
        self.send_header("X-Error-Code", code)
        self.send_header("X-Error-Message", message)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


# ---------------------------------------------------------------- plain files


class FileServer(_Recording):
    """Serves ``files`` (name → bytes) at ``/files/<name>``.

    Attributes
    ----------
    cuts : list of int
        For the next GET requests, in turn: close the connection after this many body bytes.
    ignore_range : bool
        Answer every request with the whole file (200), as servers without range support do.
    ranges : list
        The ``Range`` header of every GET (None when absent).
    pause : float
        Seconds to wait after each 64 KB sent (a slow link, so that downloads overlap).
    """

    def __init__(self, files: dict[str, bytes]):
        super().__init__(_FileHandler)
        self.files = files
        self.cuts: list[int] = []
        self.ignore_range = False
        self.ranges: list[str | None] = []
        self.pause = 0.0

    def address(self, name: str) -> str:
        return f"{self.url}/files/{urllib.parse.quote(name)}"


class _FileHandler(_Handler):
    server: FileServer
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        self.server.requests.append(("GET", self.path))
        name = urllib.parse.unquote(self.path.removeprefix("/files/"))
        if not self.path.startswith("/files/") or name not in self.server.files:
            self._not_found("EntryNotFound", "no such file")
            return
        self.server.ranges.append(self.headers.get("Range"))
        cut = self.server.cuts.pop(0) if self.server.cuts else None
        self._send_body(self.server.files[name], {"Content-Type": "application/octet-stream"}, head=False, cut=cut)


# ---------------------------------------------------------------- the Hugging Face hub

_API = re.compile(r"^/api/models/(?P<repo>[^/?]+(?:/[^/?]+)?)(?:/revision/(?P<rev>[^/?]+))?(?:\?.*)?$")
_RESOLVE = re.compile(r"^/(?P<repo>[^/?]+(?:/[^/?]+)?)/resolve/(?P<rev>[^/?]+)/(?P<file>[^?]+)(?:\?.*)?$")


class HubServer(_Recording):
    """A model hub holding ``repos`` (repo id → folder whose files it serves), one commit each."""

    def __init__(self, repos: dict[str, Path] | None = None):
        super().__init__(_HubHandler)
        self.repos: dict[str, dict[str, bytes]] = {}
        self.commits: dict[str, str] = {}
        self.failing: set[str] = set()  # file names whose GET answers 500 (a download that breaks half-way)
        for repo, folder in (repos or {}).items():
            files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
            self.repos[repo] = files
            digest = hashlib.sha1()
            for name, data in files.items():
                digest.update(name.encode() + b"\0" + data)
            self.commits[repo] = digest.hexdigest()  # 40 hex digits, as a git commit id


class _HubHandler(_Handler):
    server: HubServer

    def do_HEAD(self):
        self._answer(head=True)

    def do_GET(self):
        self._answer(head=False)

    def _answer(self, *, head: bool) -> None:
        self.server.requests.append((self.command, self.path))
        api = _API.match(self.path)
        resolve = _RESOLVE.match(self.path)
        match = api or resolve
        repo = urllib.parse.unquote(match.group("repo")) if match else None
        if match is None or repo not in self.server.repos:
            self._not_found("RepoNotFound", "Repository not found")
            return
        commit = self.server.commits[repo]
        revision = urllib.parse.unquote(match.group("rev") or "main")
        if revision not in ("main", commit):
            self._not_found("RevisionNotFound", "Invalid rev id")
            return
        if api:
            siblings = [{"rfilename": name} for name in self.server.repos[repo]]
            info = {
                "_id": commit[:24],
                "id": repo,
                "modelId": repo,
                "sha": commit,
                "siblings": siblings,
                "private": False,
                "disabled": False,
                "gated": False,
                "downloads": 0,
                "likes": 0,
                "tags": [],
            }
            self._send_body(json.dumps(info).encode(), {"Content-Type": "application/json"}, head=head)
            return
        assert resolve is not None  # not the API, so the path matched _RESOLVE
        name = urllib.parse.unquote(resolve.group("file"))
        data = self.server.repos[repo].get(name)
        if data is None:
            self._not_found("EntryNotFound", f"{name} does not exist on main")
            return
        if name in self.server.failing and not head:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        headers = {
            "X-Repo-Commit": commit,
            "ETag": f'"{hashlib.sha256(data).hexdigest()}"',
            "Content-Type": "application/octet-stream",
        }
        self._send_body(data, headers, head=head)
