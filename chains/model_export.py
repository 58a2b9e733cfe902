"""One-time exports of the packaged model: ONNX with torch, and the audit's quantised and static models.

Only these functions import torch (inside ``_export_model_onnx``); everything that answers a query or
audits a file loads what they wrote through ``chains.embeddings``, ``chains.audit_models`` and never
imports torch. ``export_onnx`` returns at once, without torch, when the export already exists.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from chains.embeddings import (
    EXPORT_FORMAT,
    MANIFEST_FILENAME,
    ONNX_DATA_FILENAME,
    ONNX_FILENAME,
    ONNX_OPSET,
    _export_complete,
    _load_tokenizer,
    _max_seq_length,
    _pad_batch,
    _read_json,
    _resolve_settings,
    model_fingerprint,
)

if TYPE_CHECKING:  # pragma: no cover
    from chains.settings import Settings

logger = logging.getLogger(__name__)

__all__ = ["audit_models_dir", "export_audit_models", "export_onnx"]

#: Files copied next to model.onnx (those that exist in the model directory).
_EXPORT_COPIED_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
    "sentence_bert_config.json",
    "modules.json",
    "1_Pooling/config.json",
)


def _check_pooling(model_dir: Path) -> None:
    """The ONNX embedder implements mean pooling only; refuse a model configured otherwise."""
    pooling = model_dir / "1_Pooling" / "config.json"
    if not pooling.is_file():
        return
    config = _read_json(pooling)
    other_modes = [k for k, v in config.items() if k.startswith("pooling_mode_") and v and k != "pooling_mode_mean_tokens"]
    if not config.get("pooling_mode_mean_tokens", False) or other_modes:
        raise ValueError(f"{pooling}: only mean pooling is supported by the ONNX embedder, got {config}")


def _export_model_onnx(model_path: Path, target: Path, max_length: int) -> dict:
    """Trace the HF encoder into target/model.onnx with torch, check it against torch; return facts."""
    import torch
    from transformers import AutoModel

    class _EncoderForExport(torch.nn.Module):
        """Calls the HF model with keyword arguments (positional ones collide with use_cache)."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
                return_dict=True,
            )
            return out.last_hidden_state

    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except Exception:  # pragma: no cover - cosmetic only
        pass
    model = AutoModel.from_pretrained(str(model_path), local_files_only=True)
    model.eval()
    wrapper = _EncoderForExport(model).eval()

    # Dummy batch with padding, so the traced graph keeps the attention mask.
    tokenizer = _load_tokenizer(model_path, max_length)
    dummy = ["A short one.", "A somewhat longer sentence, so that the batch has to be padded on the right."]
    ids, mask = _pad_batch([np.asarray(e.ids, dtype=np.int64) for e in tokenizer.encode_batch(dummy)])
    token_types = np.zeros_like(ids)
    args = (torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(token_types))
    traced_path = target / "traced.onnx"
    onnx_path = target / ONNX_FILENAME
    with torch.inference_mode(), warnings.catch_warnings():
        # The tracer warns about shape-dependent Python branches in transformers' mask code; they
        # only concern causal or cached attention, never this encoder.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        # aten::index in the mask code indexes with aranges (never negative); the result is
        # checked against torch below anyway.
        warnings.filterwarnings("ignore", message="Exporting aten::index operator")
        expected = wrapper(*args).numpy()
        torch.onnx.export(
            wrapper,
            args,
            str(traced_path),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "token_type_ids": {0: "batch", 1: "sequence"},
                "last_hidden_state": {0: "batch", 1: "sequence"},
            },
            opset_version=ONNX_OPSET,
            do_constant_folding=True,
            dynamo=False,
        )

    # Move the weights to an external data file (mapped by onnxruntime rather than copied).
    import onnx

    graph = onnx.load(str(traced_path))
    onnx.save_model(
        graph,
        str(onnx_path),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=ONNX_DATA_FILENAME,
        size_threshold=1024,
    )
    del graph
    traced_path.unlink()
    os.chmod(target / ONNX_DATA_FILENAME, 0o644)

    # Verify with onnxruntime before the export is published.
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": token_types})[0]
    valid = mask.astype(bool)
    max_diff = float(np.abs(got[valid] - expected[valid]).max())
    if not max_diff < 1e-3:
        raise RuntimeError(f"ONNX export disagrees with torch (max abs diff {max_diff:.2e})")
    del session
    return {"torch_version": torch.__version__, "max_abs_diff_vs_torch": max_diff}


@contextlib.contextmanager
def _building(final_dir: Path):
    """A temporary sibling of final_dir to write in; renamed into place (replacing an incomplete or outdated
    final_dir) when the block succeeds, removed when it fails, so nothing half-written is ever published."""
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".tmp-{final_dir.name}-", dir=final_dir.parent))
    try:
        yield tmp_dir
        os.chmod(tmp_dir, 0o755)  # mkdtemp creates 0700
        if final_dir.exists():
            stale = Path(tempfile.mkdtemp(prefix=f".tmp-{final_dir.name}-old-", dir=final_dir.parent))
            final_dir.rename(stale / "old")
            shutil.rmtree(stale, ignore_errors=True)
        os.rename(tmp_dir, final_dir)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise


def export_onnx(settings: Settings | None = None) -> Path:
    """Export the model at settings.model_path to settings.onnx_dir/<fingerprint>/ once; return that dir.

    The directory holds model.onnx (dynamic batch and sequence axes; output last_hidden_state)
    with its weights in model.onnx.data, the tokenizer and config files, and manifest.json. It is
    written in a temporary sibling directory and renamed into place, so an interrupted export
    leaves nothing half-finished; a file lock keeps concurrent exporters from doing the work
    twice. When the export already exists this returns at once, without importing torch.
    """
    settings = _resolve_settings(settings)
    model_path = Path(settings.model_path).resolve()
    fingerprint = model_fingerprint(model_path)
    onnx_root = Path(settings.onnx_dir)
    final_dir = onnx_root / fingerprint
    if _export_complete(final_dir, fingerprint):
        logger.debug("ONNX export already present at %s", final_dir)
        return final_dir

    from filelock import FileLock

    onnx_root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(onnx_root / f".{fingerprint}.lock")):
        if _export_complete(final_dir, fingerprint):  # another process finished meanwhile
            return final_dir
        # Holding the lock, any temporary dir for this fingerprint is left over from a killed export.
        for stale in onnx_root.glob(f".tmp-{fingerprint}-*"):
            shutil.rmtree(stale, ignore_errors=True)

        _check_pooling(model_path)
        max_length = _max_seq_length(model_path)
        logger.info("Exporting %s to ONNX under %s (one-time, needs torch)...", model_path, final_dir)
        started = time.perf_counter()
        with _building(final_dir) as tmp_dir:
            facts = _export_model_onnx(model_path, tmp_dir, max_length)
            for name in _EXPORT_COPIED_FILES:
                source = model_path / name
                if source.is_file():
                    (tmp_dir / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, tmp_dir / name)
            manifest = {
                "format": EXPORT_FORMAT,
                "fingerprint": fingerprint,
                "model_path": str(model_path),
                "max_seq_length": max_length,
                "opset": ONNX_OPSET,
                "exported_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                **facts,
            }
            (tmp_dir / MANIFEST_FILENAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    logger.info("ONNX export written to %s in %.1f s", final_dir, time.perf_counter() - started)
    return final_dir


# --------------------------------------------------------------------------------------------
# The audit's models: an int8 copy of the ONNX graph and a static token table
# --------------------------------------------------------------------------------------------

AUDIT_FORMAT = 1
QUICK_DIR = "int8"
TOKEN_TABLE = "tokens.npy"
_QUICK_COPIED = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
    "sentence_bert_config.json",
)


def audit_models_dir(settings: Settings | None = None) -> Path:
    """Where the audit's models for the current model fingerprint live (whether or not they exist yet)."""
    settings = _resolve_settings(settings)
    return Path(settings.data_dir) / "audit_models" / model_fingerprint(settings.model_path)


def audit_models_complete(target: Path) -> bool:
    try:
        manifest = _read_json(target / MANIFEST_FILENAME)
    except (OSError, ValueError):
        return False
    return (
        manifest.get("format") == AUDIT_FORMAT
        and (target / QUICK_DIR / ONNX_FILENAME).is_file()
        and (target / TOKEN_TABLE).is_file()
    )


def export_audit_models(settings: Settings | None = None) -> Path:
    """Write the near-duplicate search's two quick models once, beside nothing else; return their directory.

    int8/: the ONNX export with its weights quantised to int8 per channel (onnxruntime's dynamic
    quantisation), about three times as fast as float32 here. tokens.npy: one vector per word piece, the
    MiniLM output for "[CLS] piece [SEP]" mean-pooled (model2vec's recipe for a static model, without its
    PCA), float16. Needs the ONNX export (made first if missing); never imports torch when it exists.
    """
    settings = _resolve_settings(settings)
    source = export_onnx(settings)
    target = audit_models_dir(settings)
    if audit_models_complete(target):
        return target
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / f".{target.name}.lock")):
        if audit_models_complete(target):
            return target
        started = time.perf_counter()
        with _building(target) as tmp:
            _quantise(source, tmp / QUICK_DIR)
            np.save(tmp / TOKEN_TABLE, _token_table(source).astype(np.float16))
            (tmp / MANIFEST_FILENAME).write_text(json.dumps({"format": AUDIT_FORMAT, "source": str(source)}), "utf-8")
    logger.info("Audit models written to %s in %.1f s", target, time.perf_counter() - started)
    return target


def _quantise(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.mkdir(parents=True)
    for name in _QUICK_COPIED:
        if (source / name).is_file():
            shutil.copy2(source / name, target / name)
    quantize_dynamic(str(source / ONNX_FILENAME), str(target / ONNX_FILENAME), weight_type=QuantType.QInt8, per_channel=True)


def _token_table(source: Path, batch: int = 2048) -> np.ndarray:
    """(vocabulary size, dimension) float32: each word piece's MiniLM output, mean over [CLS] piece [SEP]."""
    from chains.embeddings import OnnxEmbedder

    embedder = OnnxEmbedder(source)
    vocab = embedder.tokenizer.get_vocab()
    size = embedder.tokenizer.get_vocab_size()
    cls, sep = vocab.get("[CLS]", 101), vocab.get("[SEP]", 102)
    table = np.empty((size, embedder.dimension), dtype=np.float32)
    for lo in range(0, size, batch):
        ids = np.arange(lo, min(size, lo + batch), dtype=np.int64)
        rows = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], axis=1)
        feed = {"input_ids": rows, "attention_mask": np.ones_like(rows)}
        if "token_type_ids" in embedder._input_names:
            feed["token_type_ids"] = np.zeros_like(rows)
        table[lo : lo + len(ids)] = embedder.session.run(None, feed)[0].mean(axis=1)
    return table
