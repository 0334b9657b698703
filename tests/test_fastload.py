"""The fast word2vec text parser equals gensim's, names bad lines, and its cache round-trips."""

from __future__ import annotations

import bz2
import gzip
import importlib.util
import json
import os

import numpy as np
import pytest
from gensim.models import KeyedVectors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embedlab.errors import InvalidInputError
from embedlab.io import fastload, vector_cache
from embedlab.io.vectors_io import load_vectors

ODD_WORDS = ['"quoted"', "#hash", "a,b", "x\ty", "<b>bold</b>", "😀", "naïve", "诸葛亮", "'", "\\", "a\rb", "\u3000全角"]


def gensim_load(path, **kwargs) -> KeyedVectors:
    return KeyedVectors.load_word2vec_format(str(path), binary=False, unicode_errors="replace", **kwargs)


def assert_same(ours: KeyedVectors, theirs: KeyedVectors) -> None:
    assert ours.index_to_key == theirs.index_to_key
    assert ours.key_to_index == theirs.key_to_index
    assert ours.vectors.dtype == theirs.vectors.dtype == np.float32
    # Bit-identical, not merely close (NaN compares equal to NaN here).
    assert np.array_equal(ours.vectors.view(np.uint32), theirs.vectors.view(np.uint32))
    assert np.array_equal(ours.expandos["count"], theirs.expandos["count"])


def write_lines(path, lines: list[str], *, header: tuple[int, int] | None, newline="\n", opener=open) -> None:
    text = ([f"{header[0]} {header[1]}"] if header else []) + lines
    with opener(path, "wb") as handle:
        handle.write((newline.join(text) + newline).encode("utf-8"))


def random_lines(words, dims, *, seed=0, fmt="{:.6f}", trailing=""):
    rng = np.random.default_rng(seed)
    values = rng.normal(scale=0.4, size=(len(words), dims))
    return [w + " " + " ".join(fmt.format(v) for v in row) + trailing for w, row in zip(words, values)]


# ---------------------------------------------------------------- equal to gensim


@pytest.mark.parametrize(
    "header, trailing, newline, suffix",
    [
        (True, " ", "\n", ".word"),  # sgns: a space ends every line
        (True, "", "\r\n", ".txt"),  # CRLF line ends
        (False, "", "\n", ".txt"),  # GloVe: no header
        (True, " ", "\n", ".word.gz"),
        (True, " ", "\n", ".word.bz2"),
    ],
)
def test_formats_equal_gensim(tmp_path, header, trailing, newline, suffix):
    words = [f"w{i}" for i in range(40)] + ODD_WORDS
    lines = random_lines(words, 7, trailing=trailing)
    path = tmp_path / f"vectors{suffix}"
    opener = {".gz": gzip.open, ".bz2": bz2.open}.get(path.suffix, open)
    write_lines(path, lines, header=(len(lines), 7) if header else None, newline=newline, opener=opener)
    ours = fastload.read_word2vec_text(path)
    assert_same(ours, gensim_load(path, no_header=not header))
    assert "x\ty" in ours and "<b>bold</b>" in ours and "😀" in ours


def test_number_spellings_equal_gensim(tmp_path):
    # Fast path (short decimals, exponents) and the careful path (17 digits, nan, inf) side by side.
    tokens = [
        "0.1",
        "-0.000000",
        "+1.5",
        "1e-05",
        "-2.5E+03",
        ".5",
        "5.",
        "0.12345678901234567",
        "1e-30",
        "3.4028235e38",
        "nan",
        "-inf",
        "123456789012345678",
        "0.1000000000000000055511151231257827",
    ]
    lines = [f"w{i} " + " ".join(np.roll(tokens, i)) + " " for i in range(len(tokens))]
    path = tmp_path / "numbers.txt"
    write_lines(path, lines, header=(len(lines), len(tokens)))
    assert_same(fastload.read_word2vec_text(path), gensim_load(path))


def test_undecodable_bytes_and_duplicates_as_gensim(tmp_path):
    path = tmp_path / "bytes.txt"
    path.write_bytes(b"4 2\nok 0.1 0.2\n\xff\xfeword 0.3 0.4\ntrunc\xe4\xb8 0.5 0.6\nok 0.7 0.8\n")
    ours, theirs = fastload.read_word2vec_text(path), gensim_load(path)
    # gensim keeps a stray None key and zero row for the dropped duplicate; the rest agrees.
    assert theirs.index_to_key[-1] is None and not theirs.vectors[-1].any()
    assert ours.index_to_key == theirs.index_to_key[:-1] == ["ok", "\ufffd\ufffdword", "trunc\ufffd"]
    assert np.array_equal(ours.vectors, theirs.vectors[:-1])
    assert ours["ok"][0] == np.float32(0.1)  # the first duplicate wins


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(
        st.lists(st.floats(width=32, allow_nan=False, allow_infinity=False), min_size=3, max_size=3), min_size=1, max_size=12
    ),
    fmt=st.sampled_from(["{:.6f}", "{!r}", "{:.9e}", "{:.17g}", "{:g}"]),
    trailing=st.sampled_from(["", " ", "\t", "\r"]),
)
def test_property_equal_gensim(tmp_path, values, fmt, trailing):
    words = [f"词{i}" for i in range(len(values))]
    lines = [w + " " + " ".join(fmt.format(float(v)) for v in row) + trailing for w, row in zip(words, values)]
    path = tmp_path / "prop.txt"
    write_lines(path, lines, header=(len(lines), 3))
    assert_same(fastload.read_word2vec_text(path), gensim_load(path))


def test_block_boundaries_and_long_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(fastload, "BLOCK_BYTES", 50)  # most lines straddle two blocks, some are longer than one
    words = [f"word{i}" for i in range(30)]
    path = tmp_path / "blocks.txt"
    write_lines(path, random_lines(words, 12, trailing=" "), header=(30, 12))
    seen = []
    ours = fastload.read_word2vec_text(path, progress=lambda done, total: seen.append((done, total)))
    assert_same(ours, gensim_load(path))
    size = path.stat().st_size
    assert seen[-1] == (size, size) and all(a <= b for (a, _), (b, _) in zip(seen, seen[1:]))


@pytest.mark.parametrize("header", [True, False])
def test_limit_equals_gensim(tmp_path, header):
    words = [f"w{i}" for i in range(20)]
    path = tmp_path / "limit.txt"
    write_lines(path, random_lines(words, 4), header=(20, 4) if header else None)
    for limit in (1, 7, 20, 50):
        assert_same(fastload.read_word2vec_text(path, limit=limit), gensim_load(path, limit=limit, no_header=not header))


def test_header_count_smaller_than_file_reads_count_lines(tmp_path):
    path = tmp_path / "short-header.txt"
    write_lines(path, random_lines(["a", "b", "c"], 2), header=(2, 2))
    assert fastload.read_word2vec_text(path).index_to_key == ["a", "b"] == gensim_load(path).index_to_key


def test_sgns_like_generator_file_equals_gensim(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_sgns_like", fastload.Path(__file__).parent.parent / "benchmarks" / "make_sgns_like.py"
    )
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    path = generator.write_sgns_like(tmp_path / "sgns.mini.word", words=3000, dims=30, compress=True)
    assert path.name.endswith(".bz2")
    ours = fastload.read_word2vec_text(path)
    assert_same(ours, gensim_load(path))
    assert ours.index_to_key[:3] == generator.jieba_vocabulary(3) and len(set(ours.index_to_key)) == 3000
    with bz2.open(path, "rb") as handle:
        handle.readline()
        assert handle.readline().endswith(b" \n")  # sgns line format: a space before every newline


# ---------------------------------------------------------------- bad files name the line


@pytest.mark.parametrize(
    "content, message",
    [
        (b"3 2\na 0.1 0.2\nb 0.3\nc 0.5 0.6\n", r"line 3: expected a word and 2 numbers, found 1"),
        (b"3 2\na 0.1 0.2\nb 0.3 0.4\nc 0.5 0.6 0.7\n", r"line 4: expected a word and 2 numbers, found 3"),
        (b"3 2\na 0.1 0.2\nb 0.3 zero\nc 0.5 0.6\n", r"line 3: 'zero' is not a number"),
        (b"3 2\na 0.1 0.2\nb 0,3 0.4\n", r"line 3: '0,3' is not a number"),
        (b"3 2\na 0.1 0.2\n\nc 0.5 0.6\n", r"line 3: the line is empty"),
        (b"a 0.1 0.2\nb\t0.3\t0.4\n", r"line 2: .*single spaces"),
        (b"2 2\na  0.1 0.2\nb 0.3 0.4\n", r"line 2: .*single spaces"),
        (b"5 2\na 0.1 0.2\nb 0.3 0.4\n", r"header promises 5 vectors but the file ends after 2 \(line 3\)"),
        (b"3 2\na 0.1 0.2\nb 0.3 0.", r"line 3: '0\.' is not a number|header promises 3"),
        (b"", r"is empty"),
        (b"99999999999 300\na 0.1\n", r"line 2: expected a word and 300 numbers"),  # a lying header allocates nothing big
        (b"1 99999999999\na 0.1\n", r"header says 99,999,999,999 dimensions"),
        (b"\n\n", r"line 1 is empty"),
        (b"onlyword\n", r"line 1: expected a 'count dims' header"),
    ],
)
def test_malformed_files_name_the_line(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=message):
        fastload.read_word2vec_text(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(alphabet="0123456789 .-e\n\tab诸", max_size=120).map(str.encode))
def test_any_bytes_load_or_give_a_clear_error(tmp_path, data):
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    try:
        kv = fastload.read_word2vec_text(path)
    except InvalidInputError as exc:
        assert str(exc)
    else:
        assert kv.vectors.shape == (len(kv.index_to_key), kv.vector_size)


def test_truncated_line_is_reported_with_its_number(tmp_path):
    words = [f"w{i}" for i in range(10)]
    full = tmp_path / "full.txt"
    write_lines(full, random_lines(words, 5), header=(10, 5))
    data = full.read_bytes()
    cut = tmp_path / "cut.txt"
    cut.write_bytes(data[: data.index(b"w6 ") + 12])  # the download stopped inside line 8 (w6's line)
    with pytest.raises(InvalidInputError, match=r"line 8: expected a word and 5 numbers, found 1"):
        fastload.read_word2vec_text(cut)


@pytest.mark.parametrize("suffix, opener", [(".gz", gzip.open), (".bz2", bz2.open)])
def test_truncated_compressed_file(tmp_path, suffix, opener):
    path = tmp_path / f"v.txt{suffix}"
    write_lines(path, random_lines([f"w{i}" for i in range(400)], 20), header=(400, 20), opener=opener)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidInputError, match=r"Is the download complete\?|malformed"):
        fastload.read_word2vec_text(path)


def test_load_vectors_reports_the_line_too(tmp_path):
    path = tmp_path / "bad.vec"
    path.write_bytes(b"2 3\nking 0.1 0.2 0.3\nqueen 0.1 oops 0.3\n")
    with pytest.raises(InvalidInputError, match="bad.vec is malformed at line 3: 'oops' is not a number"):
        load_vectors(path)


# ---------------------------------------------------------------- cache


@pytest.fixture()
def sgns_file(tmp_path):
    path = tmp_path / "sgns.test.word"
    write_lines(path, random_lines([f"词{i}" for i in range(300)] + ODD_WORDS, 16, trailing=" "), header=(312, 16))
    return path


def test_cache_round_trip_is_memory_mapped_and_read_only(tmp_path, sgns_file):
    folder = vector_cache.convert(sgns_file, cache_root=tmp_path / "cache")
    assert vector_cache.cache_is_valid(folder, sgns_file)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["count"] == 312 and meta["dims"] == 16 and meta["dtype"] == "float32"
    cached = vector_cache.load_cache(folder)
    assert_same(cached, gensim_load(sgns_file))
    assert isinstance(cached.vectors, np.memmap) and not cached.vectors.flags.writeable
    assert os.path.samefile(cached.vectors.filename, folder / "vectors.npy")
    gensim_kv = gensim_load(sgns_file)
    gensim_kv.fill_norms()
    assert np.array_equal(cached.norms, gensim_kv.norms)
    assert cached.most_similar("词7", topn=5) == gensim_kv.most_similar("词7", topn=5)


def test_load_text_writes_the_cache_once_and_rebuilds_after_a_change(tmp_path, sgns_file):
    root = tmp_path / "cache"
    first = vector_cache.load_text(sgns_file, cache=True, cache_root=root)
    folder = vector_cache.cache_folder(sgns_file, cache_root=root)
    stamp = (folder / "vectors.npy").stat().st_mtime_ns
    again = vector_cache.load_text(sgns_file, cache=True, cache_root=root)
    assert (folder / "vectors.npy").stat().st_mtime_ns == stamp and isinstance(again.vectors, np.memmap)
    assert_same(again, first)
    write_lines(sgns_file, random_lines(["new", "words"], 16, seed=9), header=(2, 16))
    changed = vector_cache.load_text(sgns_file, cache=True, cache_root=root)
    assert changed.index_to_key == ["new", "words"]
    assert_same(changed, gensim_load(sgns_file))


def test_cache_variants_are_kept_apart(tmp_path, sgns_file):
    root = tmp_path / "cache"
    limited = vector_cache.load_text(sgns_file, cache=True, limit=10, cache_root=root)
    assert len(limited) == 10
    half = vector_cache.load_text(sgns_file, cache=True, float16=True, cache_root=root)
    reference = gensim_load(sgns_file)
    assert half.vectors.dtype == np.float32 and not isinstance(half.vectors, np.memmap)
    assert np.array_equal(half.vectors, reference.vectors.astype(np.float16).astype(np.float32))
    assert np.array_equal(half.norms, np.linalg.norm(half.vectors, axis=1))
    assert (vector_cache.cache_folder(sgns_file, float16=True, cache_root=root) / "vectors.npy").stat().st_size < (
        sgns_file.stat().st_size
    )


def test_automatic_cache_only_for_big_files_in_the_models_folder(tmp_path, monkeypatch, sgns_file):
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path / "models"))
    small = load_vectors(sgns_file)
    assert not isinstance(small.vectors, np.memmap) and not (tmp_path / "models" / ".cache").exists()
    monkeypatch.setattr(vector_cache, "CACHE_MIN_BYTES", 1)
    big = load_vectors(sgns_file)
    assert isinstance(big.vectors, np.memmap) and not big.vectors.flags.writeable and not big.norms.flags.writeable
    assert (tmp_path / "models" / ".cache").is_dir()
    assert_same(big, gensim_load(sgns_file))


def test_unwritable_cache_falls_back_to_a_plain_parse(tmp_path, monkeypatch, sgns_file):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setattr(vector_cache, "CACHE_MIN_BYTES", 1)
    kv = vector_cache.load_text(sgns_file, cache_root=blocker / "cache")
    assert_same(kv, gensim_load(sgns_file))
    with pytest.raises(InvalidInputError, match="Cannot write the vector cache"):
        vector_cache.load_text(sgns_file, cache=True, cache_root=blocker / "cache")


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps"), reason="needs Linux /proc")
def test_two_processes_share_one_copy_of_the_cache(tmp_path, sgns_file):
    import subprocess
    import sys

    folder = vector_cache.convert(sgns_file, cache_root=tmp_path / "cache")
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, numpy as np; "  # another server process mapping the same cache file
                f"a = np.load({str(folder / 'vectors.npy')!r}, mmap_mode='r'); float(a.sum()); "
                "print('ready', flush=True); sys.stdin.read()"
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        kv = vector_cache.load_cache(folder)
        float(kv.vectors.sum())  # touch every page
        blocks = open("/proc/self/smaps", encoding="utf-8").read().split("\n")
        start = next(i for i, line in enumerate(blocks) if line.endswith(str(folder / "vectors.npy")))
        fields = dict(line.split(":", 1) for line in blocks[start + 1 : start + 20] if ":" in line)
        assert blocks[start].split()[1] == "r--s"  # a read-only shared mapping of the file
        shared_kb = int(fields["Shared_Clean"].split()[0]) + int(fields["Shared_Dirty"].split()[0])
        assert shared_kb > 0  # the same page-cache pages are mapped by the other process too
    finally:
        child.stdin.close()
        child.wait(timeout=30)


def test_every_format_through_load_vectors(tmp_path, sgns_file):
    """Text (plain, .gz, .bz2, headerless), word2vec binary (plain, .gz) and gensim native all agree."""
    reference = gensim_load(sgns_file)
    files = {"text": sgns_file}
    for suffix, opener in ((".gz", gzip.open), (".bz2", bz2.open)):
        files[suffix] = tmp_path / f"sgns.test.word{suffix}"
        with opener(files[suffix], "wb") as handle:
            handle.write(sgns_file.read_bytes())
    files["headerless"] = tmp_path / "glove.txt"
    files["headerless"].write_bytes(sgns_file.read_bytes().split(b"\n", 1)[1])
    reference.save_word2vec_format(str(tmp_path / "v.bin"), binary=True)
    reference.save_word2vec_format(str(tmp_path / "v.bin.gz"), binary=True)
    reference.save(str(tmp_path / "v.kv"))
    files.update(bin=tmp_path / "v.bin", bingz=tmp_path / "v.bin.gz", native=tmp_path / "v.kv")
    for kind, path in files.items():
        loaded = load_vectors(path)
        assert loaded.index_to_key == reference.index_to_key, kind
        assert np.array_equal(loaded.vectors, reference.vectors), kind
        assert not loaded.vectors.flags.writeable, kind
    data = (tmp_path / "v.bin").read_bytes()
    (tmp_path / "cut.bin").write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(InvalidInputError, match="cut.bin is malformed or truncated"):
        load_vectors(tmp_path / "cut.bin")
