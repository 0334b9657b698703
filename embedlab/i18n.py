"""Every UI string, in 中文 and English: ``t("key", lang)`` returns the text.

The table itself is data, in ``embedlab/data/messages.toml``: one TOML table per message key, with
a ``zh`` and an ``en`` string each::

    ["explorer.neighbors"]
    zh = "“{word}”的近邻"
    en = "Nearest neighbours of “{word}”"

This module reads that file once, when it is first imported, and keeps it as :data:`STRINGS`, a
read-only mapping (key -> language -> text), so no page can change another page's text by accident.

``{name}`` placeholders are filled from keyword arguments, with Python's format specs
(``{count:,}``). Each page keeps its keys under a common prefix (``explorer.*``, ``analogy.*`` ...);
``error.<code>`` holds the text of an :class:`~embedlab.errors.EmbedLabError`'s message code, and
:func:`error_text` renders it. A key missing in one language falls back to English, then to the key
itself, so a gap shows up plainly::

    >>> t("common.word", "zh"), t("common.word", "en")
    ('词', 'Word')
    >>> t("home.step", "en", n=2)
    'Step 2'
    >>> t("no.such.key", "zh")
    'no.such.key'

tests/test_i18n.py checks the file: both languages for every key, the same placeholders in both,
and no key that the code never uses.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

MESSAGES_FILE = "data/messages.toml"
"""The table's path inside the ``embedlab`` package (shipped as package data, see pyproject.toml)."""


def _load_messages() -> Mapping[str, Mapping[str, str]]:
    """Read :data:`MESSAGES_FILE` into a read-only ``{key: {lang: text}}`` mapping.

    Read through :mod:`importlib.resources`, so it works wherever the package is installed.

    Raises
    ------
    ValueError
        When an entry is not a table of strings: a broken file must stop the app at start-up, not
        show the key on some page later.
    """
    raw = tomllib.loads(resources.files("embedlab").joinpath(MESSAGES_FILE).read_text(encoding="utf-8"))
    table: dict[str, Mapping[str, str]] = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict) or not all(isinstance(text, str) for text in entry.values()):
            raise ValueError(f"{MESSAGES_FILE}: [{key!r}] must be a table of strings (zh = ..., en = ...), not {entry!r}.")
        table[key] = MappingProxyType(entry)
    return MappingProxyType(table)


STRINGS: Mapping[str, Mapping[str, str]] = _load_messages()
"""Every message: key -> language -> text, read-only."""


def error_text(code: str, lang: str, params: Mapping[str, object], *, field: str | None = None) -> str:
    """The text of error ``code`` (``error.<code>``) in ``lang`` with ``params`` filled in.

    Lists are joined the language's way; ``field`` is the label the page shows for the input at
    fault (quoted “so”), used instead of ``params["field"]`` (quoted 'so': the URL or option name).

    >>> error_text("empty_word", "zh", {})
    '词是空的：请输入一个词。'
    >>> error_text("none_in_vocabulary", "zh", {"words": ["苹果", "香蕉"]})
    '这些词都不在词表中：苹果、香蕉。'
    """
    joiner = "、" if lang == "zh" else ", "
    values = {name: joiner.join(map(str, value)) if isinstance(value, (list, tuple)) else value for name, value in params.items()}
    if "field" in params:
        values["field"] = f"“{field}”" if field else f"'{params['field']}'"
    return t(f"error.{code}", lang, **values)


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled in from ``values``.

    Parameters
    ----------
    key : str
        A key of :data:`STRINGS`; an unknown key is returned as it is.
    lang : str
        One of :data:`LANGUAGES`; a language the entry lacks falls back to English.
    **values
        The placeholders' values.

    Returns
    -------
    str
    """
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("en") or key
    return text.format(**values) if values else text
