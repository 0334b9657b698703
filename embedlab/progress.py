"""One shape for "how far along is it?": ``progress(done, total, stage="")``.

Slow work (reading a vector file, a download, segmenting a novel, training word2vec, building a
shipped model) tells its caller how far it has got through a callback the caller passes in. Every
such callback in EmbedLab has the same shape, :class:`Progress`:

* ``done`` and ``total`` count in the work's own unit (bytes, words, files, characters, epochs), so
  the part done is ``done / total`` (:func:`fraction`); a ``total`` of 0 means "not known yet";
* ``stage`` names the part of the work running now when the work has several (``"segmenting"``,
  then ``"training"``). Work of one part leaves it out, so a two-argument function is enough to
  watch it; work made of parts passes each part's progress on with its stage (:func:`with_stage`).

A bar on the terminal, a Streamlit progress bar and a background job's snapshot are all one such
callback::

    >>> seen = []
    >>> def report(done: float, total: float, /, stage: str = "") -> None:
    ...     seen.append((stage, fraction(done, total)))
    >>> report(3, 4)
    >>> with_stage(report, "segmenting")(50, 200)
    >>> seen
    [('', 0.75), ('segmenting', 0.25)]

This is a base module: it imports nothing of EmbedLab's, so every layer can use it.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """A callback ``progress(done, total, stage="")`` that slow work calls now and then.

    Parameters
    ----------
    done : float
        Work done so far, in the work's unit (an ``int`` for bytes or words; a ``float`` where a
        unit can be partly done, e.g. 2.5 of 10 epochs).
    total : float
        All the work in the same unit; 0 while unknown (a server that does not send a length).
    stage : str, optional
        The part of the work running now (a short English name the UI may translate), ``""`` for
        work of one part.
    """

    def __call__(self, done: float, total: float, /, stage: str = "") -> None: ...


def fraction(done: float, total: float) -> float:
    """``done / total`` kept within 0 to 1 (0 while ``total`` is unknown).

    >>> fraction(1, 4), fraction(5, 4), fraction(3, 0)
    (0.25, 1.0, 0.0)
    """
    return min(max(done / total, 0.0), 1.0) if total else 0.0


def with_stage(progress: Progress, stage: str) -> Progress:
    """A callback that passes each report on to ``progress`` with ``stage`` (in place of any it came with).

    Work made of parts hands each part this callback, so the part needs to know nothing of the whole::

        segment(text, progress=with_stage(progress, "segmenting"))
    """
    outer = stage

    def staged(done: float, total: float, /, stage: str = "") -> None:
        progress(done, total, stage=outer)

    return staged
