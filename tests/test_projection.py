"""Projection backend: PCA, UMAP and t-SNE on the real minilm-static vectors, checked against
scikit-learn where it computes the same thing; small-set guards; word selection; exports; CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from helpers import PROJECT_ROOT
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors

from embedlab import share
from embedlab.cli import main
from embedlab.errors import InvalidInputError, OutOfVocabularyError
from embedlab.projection import engine as P
from embedlab.projection import word_projection as W
from embedlab.projection.quality import QUALITY_ROWS
from embedlab.result_cache import ResultCache
from embedlab.static import model as static

GROUPS = [
    ["hamlet", "macbeth", "dracula", "frankenstein"],
    ["apple", "banana", "orange", "pear"],
    ["thames", "nile", "danube", "mississippi"],
]
FLAT = [word for group in GROUPS for word in group]


@pytest.fixture(scope="module")
def words60(minilm_static):
    """About 60 real words: the groups plus each word's five nearest neighbours (gensim)."""
    selection = W.select_words(minilm_static, GROUPS, expand=5)
    assert len(selection) >= 50
    return selection


def vectors_of(model, words):
    return np.array(model.kv.vectors[[model.kv.key_to_index[w] for w in words]])


# ------------------------------------------------------------------ PCA, quality, neighbours


@pytest.mark.parametrize("dims", [2, 3])
def test_pca_equals_scikit_learn_up_to_sign(minilm_static, words60, dims):
    ours = W.project_words(minilm_static, words60, method="pca", dims=dims, seed=0).projection
    vectors = vectors_of(minilm_static, words60.words)
    reference = PCA(n_components=dims, svd_solver="full").fit(vectors)
    expected = reference.transform(vectors)
    for axis in range(dims):
        sign = np.sign(ours.coordinates[:, axis] @ expected[:, axis])
        np.testing.assert_allclose(sign * ours.coordinates[:, axis], expected[:, axis], atol=1e-4)
    np.testing.assert_allclose(ours.explained_variance, reference.explained_variance_ratio_, rtol=1e-4)


@pytest.mark.parametrize("method", ["pca", "umap"])
def test_trustworthiness_equals_scikit_learn(minilm_static, words60, method):
    found = W.project_words(minilm_static, words60, method=method, dims=2, seed=0).projection
    vectors = vectors_of(minilm_static, words60.words)
    expected = trustworthiness(vectors, found.coordinates, n_neighbors=5, metric="cosine")
    assert found.quality.rows == len(words60) and found.quality.k == 5
    assert found.trustworthiness == pytest.approx(expected, abs=1e-9)


def test_knn_preservation_matches_a_direct_count(minilm_static, words60):
    found = W.project_words(minilm_static, words60, method="umap", dims=2, seed=0).projection
    vectors = vectors_of(minilm_static, words60.words)
    original = NearestNeighbors(n_neighbors=5, metric="cosine", algorithm="brute").fit(vectors).kneighbors(return_distance=False)
    shown = NearestNeighbors(n_neighbors=5).fit(found.coordinates).kneighbors(return_distance=False)
    expected = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(original, shown)])
    assert found.knn_preservation == pytest.approx(expected)


def test_sampled_quality_estimates_the_exact_score(minilm_static):
    vectors = np.array(minilm_static.kv.vectors[3000:6000])
    coordinates = PCA(n_components=2).fit_transform(vectors)
    exact = P.quality(vectors, coordinates, rows=None)
    sampled = P.quality(vectors, coordinates, rows=600, seed=1)
    assert exact.rows == 3000 and sampled.rows == 600
    assert sampled.trustworthiness == pytest.approx(exact.trustworthiness, abs=0.02)
    assert sampled.knn_preservation == pytest.approx(exact.knn_preservation, abs=0.03)


def test_nearest_points_equal_brute_force_cosine(minilm_static):
    vectors = np.array(minilm_static.kv.vectors[5000:5400])
    indices, similarities = P.nearest_points(vectors, 6)
    distances, expected = NearestNeighbors(n_neighbors=6, metric="cosine", algorithm="brute").fit(vectors).kneighbors()
    assert (indices[:, 0] == np.arange(400)).all() and (similarities[:, 0] == 1).all()
    np.testing.assert_allclose(1 - similarities[:, 1:], distances, atol=1e-5)
    assert np.mean(indices[:, 1:] == expected) > 0.99  # the rest are near-ties in float32


def test_hover_neighbours_are_the_nearest_drawn_words(minilm_static):
    result = W.project_words(minilm_static, W.select_words(minilm_static, GROUPS), method="pca")
    apple = result.selection.words.index("apple")
    vectors = vectors_of(minilm_static, result.selection.words)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = unit @ unit[apple]
    sims[apple] = -np.inf
    expected = [result.selection.words[i] for i in np.argsort(-sims)[: P.HOVER_NEIGHBORS]]
    assert [n.word for n in result.neighbors_of(apple)] == expected
    assert result.neighbors_of(apple)[0].score == pytest.approx(float(np.max(sims)), abs=1e-5)


# ------------------------------------------------------------------ seeded reproducibility


@pytest.mark.parametrize("method", ["umap", "tsne"])
@pytest.mark.parametrize("dims", [2, 3])
def test_seeded_projection_is_reproducible(minilm_static, words60, method, dims):
    first = W.project_words(minilm_static, words60, method=method, dims=dims, seed=7).projection
    again = W.project_words(minilm_static, words60, method=method, dims=dims, seed=7).projection
    assert first.coordinates.shape == (len(words60), dims)
    np.testing.assert_array_equal(first.coordinates, again.coordinates)
    assert not first.coordinates.flags.writeable
    if method == "umap":  # t-SNE starts from PCA, so its seed changes nothing here
        other = W.project_words(minilm_static, words60, method=method, dims=dims, seed=8).projection
        assert not np.allclose(first.coordinates, other.coordinates)


def test_umap_keeps_the_groups_apart(minilm_static):
    result = W.project_words(minilm_static, W.select_words(minilm_static, GROUPS, expand=3), method="umap", seed=0)
    points = result.projection.coordinates
    groups = np.array(result.selection.groups)
    inside = np.mean([np.linalg.norm(points[groups == g] - points[groups == g].mean(0), axis=1).mean() for g in set(groups)])
    centres = [points[groups == g].mean(0) for g in set(groups)]
    between = np.mean([np.linalg.norm(a - b) for i, a in enumerate(centres) for b in centres[i + 1 :]])
    assert between > 2 * inside
    assert result.projection.trustworthiness > 0.8


# ------------------------------------------------------------------ small sets and bad input


def test_five_words_clip_perplexity_and_n_neighbors_with_notes(minilm_static):
    five = W.select_words(minilm_static, ["apple", "banana", "pear", "thames", "nile"])
    umap = W.project_words(minilm_static, five, method="umap", dims=2, seed=0, n_neighbors=15).projection
    tsne = W.project_words(minilm_static, five, method="tsne", dims=3, seed=0, perplexity=30).projection
    assert umap.parameters["n_neighbors"] == 4
    assert tsne.parameters["perplexity"] == pytest.approx(4 / 3)
    assert ("n_neighbors_clipped", {"asked": 15, "used": 4, "n": 5}) in [(n.code, dict(n.values)) for n in umap.notes]
    assert "perplexity_clipped" in [n.code for n in tsne.notes]
    assert umap.quality.k == 2 and "quality_k_clipped" in [n.code for n in umap.notes]
    assert "lowered from 15 to 4" in str(umap.notes[0])
    for found in (umap, tsne):
        assert np.isfinite(found.coordinates).all()


@pytest.mark.parametrize("count, dims", [(3, 2), (4, 3)])
def test_umap_on_dims_plus_one_points_starts_from_seeded_random_positions(minilm_static, count, dims):
    chosen = W.select_words(minilm_static, FLAT[4 : 4 + count])
    found = W.project_words(minilm_static, chosen, method="umap", dims=dims, seed=2).projection
    again = W.project_words(minilm_static, chosen, method="umap", dims=dims, seed=2).projection
    assert "spectral_fallback" in [n.code for n in found.notes]
    assert np.isfinite(found.coordinates).all()
    np.testing.assert_array_equal(found.coordinates, again.coordinates)


def test_large_enough_sets_are_not_clipped(minilm_static, words60):
    found = W.project_words(minilm_static, words60, method="umap", n_neighbors=15, seed=0).projection
    assert found.parameters == {"n_neighbors": 15, "min_dist": 0.1} and found.notes == ()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"method": "mds"}, "Unknown method"),
        ({"dims": 4}, "Unknown dims"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"n_neighbors": 1}, "n_neighbors"),
        ({"min_dist": 2.0}, "min_dist"),
        ({"perplexity": float("nan")}, "perplexity"),
    ],
)
def test_bad_parameters_are_named(minilm_static, kwargs, message):
    vectors = vectors_of(minilm_static, FLAT)
    with pytest.raises(InvalidInputError, match=message):
        P.project(vectors, **kwargs)


def test_too_few_points_zero_and_nan_vectors_are_refused(minilm_static):
    vectors = vectors_of(minilm_static, FLAT[:3])
    with pytest.raises(InvalidInputError, match="at least 4 points"):
        P.project(vectors, dims=3)
    with pytest.raises(InvalidInputError, match="zero vectors"):
        P.project(np.vstack([vectors, np.zeros(vectors.shape[1])]))
    broken = vectors.copy()
    broken[1, 2] = np.nan
    with pytest.raises(InvalidInputError, match="NaN"):
        P.project(broken)


def test_too_many_points_are_refused():
    with pytest.raises(InvalidInputError, match="at most 50,000"):
        P.project(np.ones((P.MAX_POINTS + 1, 2), dtype=np.float32))


# ------------------------------------------------------------------ choosing words


def test_unknown_words_raise_naming_every_one_with_suggestions(minilm_static):
    with pytest.raises(OutOfVocabularyError) as caught:
        W.select_words(minilm_static, [["apple", "bananna"], ["thames", "nilee"]])
    assert list(caught.value.missing) == ["bananna", "nilee"]
    assert "banana" in caught.value.missing["bananna"]


def test_skipping_unknown_words_says_which(minilm_static):
    chosen = W.select_words(minilm_static, [["apple", "bananna", "pear"], ["thames", "nilee"]], skip_missing=True)
    assert chosen.words == ("apple", "pear", "thames")
    assert chosen.groups == ("apple", "apple", "thames")
    assert chosen.skipped == ("bananna", "nilee")
    assert "bananna, nilee" in str(chosen.notes[0])


def test_skipping_never_hides_malformed_words(minilm_static):
    with pytest.raises(InvalidInputError, match="too long"):
        W.select_words(minilm_static, [["apple", "x" * 500]], skip_missing=True)
    with pytest.raises(InvalidInputError, match="None of these words"):
        W.select_words(minilm_static, [["qqqzzz", "zzzqqq"]], skip_missing=True)


def test_expand_adds_gensim_neighbours_to_each_group(minilm_static):
    chosen = W.select_words(minilm_static, [["king"], ["apple"]], expand=3)
    expected_king = [n.word for n in static.neighbors(minilm_static, "king", topn=3)]
    assert chosen.words[:2] == ("king", "apple")
    added = {w: (g, o) for w, g, o in zip(chosen.words, chosen.groups, chosen.origins) if o}
    for word in expected_king:
        assert added[word] == ("king", "king")


def test_a_word_typed_twice_is_drawn_once_in_its_first_group(minilm_static):
    chosen = W.select_words(minilm_static, [["apple", "pear"], ["apple", "nile"], ["pear"]])
    assert chosen.words == ("apple", "pear", "nile")
    assert chosen.groups == ("apple", "apple", "nile")
    assert [n.code for n in chosen.notes] == ["duplicates"]


def test_frequent_words_are_the_first_of_the_vocabulary(minilm_static):
    chosen = W.frequent_words(minilm_static, 500)
    assert chosen.words == tuple(minilm_static.kv.index_to_key[:500])
    with pytest.raises(InvalidInputError):
        W.frequent_words(minilm_static, P.MAX_POINTS + 1)


def test_progress_reports_stages_up_to_done(minilm_static):
    seen = []
    chosen = W.frequent_words(minilm_static, 300)
    W.project_words(minilm_static, chosen, method="umap", seed=0, progress=lambda d, n, stage="": seen.append((d / n, stage)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    stages = list(dict.fromkeys(stage for _, stage in seen))
    assert stages == ["neighbors", "umap", "quality", "done"]
    assert any(0.3 < f < 0.9 for f, stage in seen if stage == "umap")  # epochs are reported as they run


# ------------------------------------------------------------------ cache


def test_cache_returns_the_same_result_for_the_same_inputs(minilm_static):
    cache = ResultCache(max_entries=2)
    chosen = W.select_words(minilm_static, GROUPS)
    first = W.project_words(minilm_static, chosen, method="pca", cache=cache)
    assert W.project_words(minilm_static, chosen, method="pca", cache=cache) is first
    other_seed = W.project_words(minilm_static, chosen, method="pca", seed=1, cache=cache)
    assert other_seed is not first
    W.project_words(minilm_static, chosen, method="pca", dims=3, cache=cache)
    assert len(cache) == 2  # bounded: the least recently used went
    assert W.project_words(minilm_static, chosen, method="pca", cache=cache) is not first


# ------------------------------------------------------------------ exports


def test_csv_has_word_group_and_coordinates(minilm_static):
    chosen = W.select_words(minilm_static, GROUPS)
    result = W.project_words(minilm_static, chosen, method="pca", dims=3)
    rows = list(csv.reader(io.StringIO(W.to_csv(result))))
    assert rows[0] == ["word", "group", "x", "y", "z", "kept"]
    assert [r[0] for r in rows[1:]] == list(chosen.words)
    np.testing.assert_allclose(
        np.array([r[2:5] for r in rows[1:]], dtype=float), result.projection.coordinates, rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose([float(r[5]) for r in rows[1:]], result.distortion.kept(10), atol=1e-4)


def test_csv_quotes_words_with_commas(minilm_static):
    result = W.project_words(minilm_static, W.select_words(minilm_static, GROUPS), method="pca")
    tricky = W.WordProjection(
        result.model_id,
        W.Selection(('a,"b"',) + result.selection.words[1:], result.selection.groups, result.selection.origins),
        result.projection,
    )
    rows = list(csv.reader(io.StringIO(W.to_csv(tricky))))
    assert rows[1][0] == 'a,"b"' and len(rows[1]) == 5


def test_projector_tsv_files(minilm_static):
    chosen = W.select_words(minilm_static, GROUPS)
    vectors = np.loadtxt(io.StringIO(W.projector_vectors(minilm_static, chosen)), delimiter="\t")
    np.testing.assert_allclose(vectors, vectors_of(minilm_static, chosen.words), rtol=1e-5, atol=1e-7)
    metadata = W.projector_metadata(chosen).splitlines()
    assert metadata[0] == "word\tgroup" and len(metadata) == len(chosen) + 1
    assert metadata[1] == "hamlet\thamlet"
    odd = W.Selection(("tab\there", "new\nline"), ("g", "g"), ("", ""))
    assert W.projector_metadata(odd).splitlines()[1:] == ["tab here\tg", "new line\tg"]


# ------------------------------------------------------------------ share-link decoders


def test_groups_decoder_round_trips():
    assert share.parse_groups("a,b,c|d,e| |f，g", "groups") == [["a", "b", "c"], ["d", "e"], ["f", "g"]]
    assert share.parse_groups("苹果、香蕉\n长江,黄河", "groups") == [["苹果", "香蕉"], ["长江", "黄河"]]
    assert share.join_groups([["a", "b"], ["c"]]) == "a,b|c"
    with pytest.raises(InvalidInputError, match="at most 200"):
        share.parse_groups("|".join(",".join(f"w{i}x{j}" for j in range(50)) for i in range(5)), "groups")


@pytest.mark.parametrize("raw", ["abc", "nan", "inf", "5", "-0.1"])
def test_float_decoder_rejects_bad_values(raw):
    with pytest.raises(InvalidInputError, match="min_dist"):
        share.parse_float(raw, "min_dist", low=0.0, high=1.0)


# ------------------------------------------------------------------ warm-up and numba cache


def test_numba_cache_folder_is_configured_before_umap_loads(tmp_path):
    code = (
        "import os; [os.environ.pop(v, None) for v in ('NUMBA_CACHE_DIR', 'EMBEDLAB_CACHE_DIR', 'XDG_CACHE_HOME')];"
        "os.environ['HOME'] = os.environ['TEST_HOME'];"
        "from embedlab.projection import engine as projection; print(projection.configure_numba_cache());"
        "import numba; print(numba.config.CACHE_DIR)"
    )
    env = dict(os.environ, TEST_HOME=str(tmp_path), PYTHONPATH=str(PROJECT_ROOT))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(tmp_path / ".cache" / "embedlab" / "numba")] * 2


def test_warm_up_runs_once(minilm_static):
    seconds = P.warm_up()
    assert seconds > 0 and P.warm_up() == seconds


# ------------------------------------------------------------------ CLI


def test_cli_writes_the_csv_the_backend_computes(minilm_static, tmp_path, capsys):
    out = tmp_path / "coords.csv"
    code = main(
        [
            "project",
            "--model",
            "minilm-static",
            "--groups",
            "apple,banana,pear|thames,nile,danube",
            "--method",
            "pca",
            "--dims",
            "3",
            "--seed",
            "0",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["word", "group", "x", "y", "z", "kept"]
    expected = W.project_words(
        minilm_static,
        W.select_words(minilm_static, [["apple", "banana", "pear"], ["thames", "nile", "danube"]]),
        method="pca",
        dims=3,
    )
    assert [(r["word"], r["group"]) for r in rows] == list(zip(expected.selection.words, expected.selection.groups))
    np.testing.assert_allclose(
        [[float(r[a]) for a in "xyz"] for r in rows], expected.projection.coordinates, rtol=1e-5, atol=1e-6
    )
    assert "trustworthiness" in capsys.readouterr().out


def test_cli_words_json_and_projector_files(tmp_path, capsys):
    code = main(
        [
            "project",
            "--words",
            "apple,banana,pear,thames,nile",
            "--method",
            "umap",
            "--seed",
            "3",
            "--projector",
            str(tmp_path),
            "--json",
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["parameters"]["n_neighbors"] == 4 and len(result["points"]) == 5
    assert set(result["points"][0]) == {"word", "group", "origin", "x", "y"}
    assert (tmp_path / "vectors.tsv").is_file() and (tmp_path / "metadata.tsv").read_text().startswith("word\tgroup\n")


def test_cli_out_of_vocabulary_exits_2(capsys):
    assert main(["project", "--words", "apple,bananna,pear"]) == 2
    assert "bananna" in capsys.readouterr().err


def test_cli_prints_csv_without_out(capsys):
    assert main(["project", "--words", "apple,banana,pear,nile", "--method", "tsne", "--seed", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "word,group,x,y,kept" and len(lines) == 5


@pytest.mark.slow
def test_the_whole_vocabulary_projects_with_progress(minilm_static):
    chosen = W.frequent_words(minilm_static, P.MAX_POINTS)  # every one of its ~22.6k words
    seen = []
    found = W.project_words(
        minilm_static, chosen, method="umap", seed=0, progress=lambda d, n, stage="": seen.append(stage)
    ).projection
    assert len(chosen) == minilm_static.vocab_size and np.isfinite(found.coordinates).all()
    assert found.quality.rows == QUALITY_ROWS and "quality_sampled" in [n.code for n in found.notes]
    assert seen.count("neighbors") > 3 and seen.count("umap") > 5  # the bar moves during the long stages


# ------------------------------------------------------------------ per-point honesty (issue 13)

from embedlab.projection import distortion as D  # noqa: E402
from embedlab.projection import knn  # noqa: E402


def brute_force_kept(vectors: np.ndarray, coordinates: np.ndarray, k: int) -> np.ndarray:
    """Each point's share of its k nearest by cosine that are among its k nearest by distance in the picture, in plain numpy."""
    unit = vectors.astype(np.float64) / np.linalg.norm(vectors.astype(np.float64), axis=1, keepdims=True)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -np.inf)
    distances = np.linalg.norm(coordinates[:, None, :] - coordinates[None, :, :], axis=2)
    np.fill_diagonal(distances, np.inf)
    original = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    shown = np.argsort(distances, axis=1, kind="stable")[:, :k]
    return np.array([len(set(a) & set(b)) / k for a, b in zip(original, shown)])


@pytest.mark.parametrize("method, dims", [("pca", 2), ("umap", 2), ("tsne", 3)])
@pytest.mark.parametrize("k", [5, 10, 20])
def test_per_point_kept_equals_a_brute_force_numpy_count(minilm_static, words60, method, dims, k):
    result = W.project_words(minilm_static, words60, method=method, dims=dims, seed=0)
    vectors = vectors_of(minilm_static, words60.words)
    expected = brute_force_kept(vectors, np.asarray(result.projection.coordinates), k)
    np.testing.assert_array_equal(result.distortion.kept(k), expected)
    assert result.distortion.mean_kept(k) == pytest.approx(expected.mean())
    assert 0 < expected.mean() < 1  # neither trivially kept nor lost: the check can fail


def test_mean_kept_at_five_is_the_quality_score(minilm_static, words60):
    result = W.project_words(minilm_static, words60, method="umap", seed=0)
    assert result.distortion.mean_kept(5) == pytest.approx(result.projection.knn_preservation)


def test_true_neighbours_are_gensims_most_similar_among_the_first_n_words(minilm_static):
    result = W.project_words(minilm_static, W.frequent_words(minilm_static, 600), method="pca")
    words = result.selection.words
    for row in (120, 300, 450, 599):
        word = words[row]
        listed = D.true_neighbours(words, result.projection.coordinates, result.distortion, row, 10)
        expected = minilm_static.kv.most_similar(word, topn=10, restrict_vocab=600)  # the drawn words are the first 600
        assert [n.word for n in listed] == [w for w, _ in expected]
        np.testing.assert_allclose([n.cosine for n in listed], [s for _, s in expected], atol=1e-5)


def test_true_neighbours_of_typed_groups_equal_gensim_on_the_drawn_words(minilm_static, words60):
    from gensim.models import KeyedVectors

    result = W.project_words(minilm_static, words60, method="umap", seed=0)
    drawn = KeyedVectors(minilm_static.dims)
    drawn.add_vectors(list(words60.words), vectors_of(minilm_static, words60.words))
    points = np.asarray(result.projection.coordinates)
    for word in ["apple", "thames", "dracula"]:
        row = words60.words.index(word)
        listed = D.true_neighbours(words60.words, points, result.distortion, row, 10)
        expected = drawn.most_similar(word, topn=10)
        assert [n.word for n in listed] == [w for w, _ in expected]
        np.testing.assert_allclose([n.cosine for n in listed], [s for _, s in expected], atol=1e-5)
        distances = np.linalg.norm(points - points[row], axis=1)
        for n in listed:  # the rank in the picture, and near exactly when among the k nearest there
            assert n.picture_rank == 1 + np.sum(np.delete(distances, row) < distances[n.row])
            assert n.near == (n.picture_rank <= 10)
        assert sum(n.near for n in listed) == result.distortion.kept_counts(10)[row]


def test_exact_neighbours_across_blocks_equal_brute_force(minilm_static):
    vectors = np.array(minilm_static.kv.vectors[2000:6500])  # 4,500 rows: three blocks of the search
    indices, similarities = knn.nearest(vectors, 12)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -np.inf)
    expected = np.argsort(-sims, axis=1, kind="stable")[:, :12]
    assert (indices[:, 0] == np.arange(4500)).all() and (similarities[:, 0] == 1).all()
    np.testing.assert_allclose(similarities[:, 1:], np.take_along_axis(sims, expected, axis=1), atol=1e-5)
    assert np.mean(indices[:, 1:] == expected) > 0.999  # the rest are near-ties in float32


def test_distortion_refuses_a_k_it_does_not_hold(minilm_static):
    result = W.project_words(minilm_static, W.select_words(minilm_static, GROUPS), method="pca")
    assert result.distortion.max_k == 11
    with pytest.raises(InvalidInputError, match="from 1 to 11"):
        result.distortion.kept(12)


def test_cli_kept_column_is_the_share_of_ten_true_neighbours_kept(minilm_static, tmp_path):
    out = tmp_path / "coords.csv"
    assert (
        main(["project", "--model", "minilm-static", "--top", "300", "--method", "umap", "--seed", "2", "--out", str(out)]) == 0
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["word", "group", "x", "y", "kept"]
    words = [r["word"] for r in rows]
    coordinates = np.array([[float(r["x"]), float(r["y"])] for r in rows])
    expected = brute_force_kept(vectors_of(minilm_static, words), coordinates, 10)
    assert np.mean(np.isclose([float(r["kept"]) for r in rows], expected)) > 0.99  # coordinates are rounded in the CSV


# ------------------------------------------------------------------ one shared neighbour graph, the fast layout (issue 14)

from embedlab.projection import graph as G  # noqa: E402
from embedlab.projection import umap_layout  # noqa: E402


def brute_force_neighbours(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's k most cosine-similar other rows and their similarities, in plain numpy (float64)."""
    unit = vectors.astype(np.float64) / np.linalg.norm(vectors.astype(np.float64), axis=1, keepdims=True)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -np.inf)
    order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(sims, order, axis=1)


def test_the_shared_graph_below_the_threshold_is_the_exact_neighbours(minilm_static):
    vectors = np.array(minilm_static.kv.vectors[4000:6500])
    found = G.neighbour_graph(vectors, 30)
    expected, sims = brute_force_neighbours(vectors, 30)
    assert len(vectors) <= G.EXACT_ROWS and found.exact
    assert (found.indices[:, 0] == np.arange(len(vectors))).all() and (found.similarities[:, 0] == 1).all()
    np.testing.assert_allclose(found.similarities[:, 1:], sims, atol=1e-5)
    assert np.mean(found.indices[:, 1:] == expected) > 0.999  # the rest are near-ties in float32


def test_a_projection_reads_every_neighbour_list_from_the_one_graph(minilm_static, monkeypatch):
    vectors = np.array(minilm_static.kv.vectors[4000:4800])
    searches = []
    real = G.neighbour_graph
    monkeypatch.setattr("embedlab.projection.engine.neighbour_graph", lambda *a, **kw: searches.append(a[1]) or real(*a, **kw))
    found = P.project(vectors, method="umap", seed=0)
    expected, sims = brute_force_neighbours(vectors, P.KEPT_NEIGHBORS)
    assert searches == [P.KEPT_NEIGHBORS]  # one search, for UMAP's 15 and the 30 kept
    assert np.mean(found.neighbors == expected) > 0.999
    np.testing.assert_allclose(found.neighbor_similarities, sims, atol=1e-5)
    expected_trust = trustworthiness(vectors, found.coordinates, n_neighbors=5, metric="cosine")
    assert found.trustworthiness == pytest.approx(expected_trust, abs=1e-5)  # float32 cosines: a near-tie may rank apart


def test_above_the_threshold_the_graph_is_nn_descent_and_nearly_exact(minilm_static):
    vectors = np.array(minilm_static.kv.vectors[4000:6500])
    found = G.neighbour_graph(vectors, 30, exact_rows=1000)
    again = G.neighbour_graph(vectors, 30, exact_rows=1000)
    expected, _ = brute_force_neighbours(vectors, 30)
    assert not found.exact and found.indices.shape == (2500, 31)
    np.testing.assert_array_equal(found.indices, again.indices)  # seeded: the same lists every time
    assert (found.indices[:, 0] == np.arange(2500)).all() and (found.similarities[:, 0] == 1).all()
    recall = np.mean([len(set(a) & set(b)) / 30 for a, b in zip(found.indices[:, 1:], expected)])
    assert recall > 0.95
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    listed = np.einsum("ij,ikj->ik", unit, unit[found.indices[:, 1:]])
    np.testing.assert_allclose(found.similarities[:, 1:], listed, atol=1e-5)  # the similarities are those rows' cosines
    assert (np.diff(found.similarities, axis=1) <= 1e-6).all()  # most similar first


def test_our_umap_pipeline_is_umap_learns_bit_for_bit_with_its_own_descent(minilm_static):
    import umap

    vectors = np.array(minilm_static.kv.vectors[4000:4600])
    graph = G.neighbour_graph(vectors, 14)
    distances = np.maximum(1 - graph.similarities, 0)
    distances[:, 0] = 0
    options = dict(n_neighbors=15, metric="cosine", random_state=3, n_jobs=1, precomputed_knn=(graph.indices, distances))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no search index: transform unavailable"
        expected = umap.UMAP(**options).fit_transform(vectors)
        ours = umap_layout.umap_class()(**options)
        ours.layout = "umap-learn"
        np.testing.assert_array_equal(ours.fit_transform(vectors), expected)


@pytest.mark.parametrize("dims", [2, 3])
def test_the_fast_descent_keeps_umap_learns_trustworthiness(minilm_static, dims):
    import umap

    vectors = np.array(minilm_static.kv.vectors[4000:7000])  # above PARALLEL_ROWS: two halves
    graph = G.neighbour_graph(vectors, 14)
    distances = np.maximum(1 - graph.similarities, 0)
    distances[:, 0] = 0
    options = dict(
        n_components=dims, n_neighbors=15, metric="cosine", random_state=0, n_jobs=1, precomputed_knn=(graph.indices, distances)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = umap.UMAP(**options).fit_transform(vectors)
        ours = umap_layout.umap_class()(**options).fit_transform(vectors)
    assert len(vectors) >= umap_layout.PARALLEL_ROWS
    scores = [P.quality(vectors, picture, rows=None).trustworthiness for picture in (ours, theirs)]
    assert scores[0] == pytest.approx(scores[1], abs=0.01)
    assert not np.allclose(ours, theirs)  # a different descent: the check is not trivially true


def test_the_two_halves_give_the_same_picture_on_one_thread_or_two(minilm_static, monkeypatch):
    vectors = np.array(minilm_static.kv.vectors[4000:6500])
    two = P.project(vectors, method="umap", seed=5).coordinates
    monkeypatch.setattr(umap_layout.os, "cpu_count", lambda: 1)  # both halves in turn on the calling thread
    one = P.project(vectors, method="umap", seed=5).coordinates
    np.testing.assert_array_equal(one, two)


def test_tsne_on_the_shared_graph_is_reproducible_and_faithful(minilm_static):
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    vectors = np.array(minilm_static.kv.vectors[4000:4600])
    first = P.project(vectors, method="tsne", seed=4)
    again = P.project(vectors, method="tsne", seed=4)
    np.testing.assert_array_equal(first.coordinates, again.coordinates)
    with threadpool_limits(limits=1, user_api="openmp"):
        plain = TSNE(metric="cosine", init="pca", random_state=4).fit_transform(vectors)
    # scikit-learn's own score moves by about 0.01 when the input changes by 1e-6: the pictures differ, the faithfulness not
    assert first.trustworthiness == pytest.approx(P.quality(vectors, plain).trustworthiness, abs=0.02)


def test_tsne_on_two_threads_is_reproducible(minilm_static, monkeypatch):
    monkeypatch.setattr(P, "TSNE_TWO_THREADS_FROM", 1)  # two threads even on a 2-core machine
    assert P.tsne_threads() == 2
    vectors = np.array(minilm_static.kv.vectors[4000:4200])
    first = P.project(vectors, method="tsne", seed=4)
    np.testing.assert_array_equal(P.project(vectors, method="tsne", seed=4).coordinates, first.coordinates)
