"""``python -m embedlab``: the same backend as the app, for scripts.

Each module in :mod:`embedlab.commands` adds its sub-commands through ``register(subparsers)``;
a command's handler returns the JSON-able result or raises an ``EmbedLabError``. Errors print one
line on stderr; out-of-vocabulary words exit with code 2, other input problems with code 1.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys

from embedlab import commands
from embedlab.errors import EmbedLabError, OutOfVocabularyError
from embedlab.progress import Progress

_progress_line_open = False  # a progress line on stderr that no newline has ended yet


def progress(label: str) -> Progress:
    """A :class:`~embedlab.progress.Progress` printing a percentage on stderr, in place (scripts keep stdout clean)."""
    shown = [-1]

    def update(done: float, total: float, /, stage: str = "") -> None:
        global _progress_line_open
        percent = int(100 * done / total) if total else 0
        if percent != shown[0]:
            shown[0] = percent
            print(f"\r{label}: {percent}%", end="" if percent < 100 else "\n", file=sys.stderr, flush=True)
            _progress_line_open = percent < 100

    return update


def _end_progress_line() -> None:
    """End a progress line cut short by an error, so the message gets a line of its own."""
    global _progress_line_open
    if _progress_line_open:
        print(file=sys.stderr)
        _progress_line_open = False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m embedlab", description="EmbedLab: see and play with embeddings.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"embedlab.commands.{info.name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.handler(args)
    except OutOfVocabularyError as exc:
        _end_progress_line()
        print(str(exc), file=sys.stderr)
        return 2
    except EmbedLabError as exc:
        _end_progress_line()
        print(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, file=sys.stderr)
        return 1
    _end_progress_line()
    if result is None:
        return 0
    if getattr(args, "json", False):
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(args.formatter(result) if hasattr(args, "formatter") else json.dumps(result, ensure_ascii=False, indent=2))
    return 0
