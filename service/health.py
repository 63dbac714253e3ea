"""Liveness, readiness and model metadata: ``/healthz``, ``/readyz``, ``/v1/model``."""

from __future__ import annotations

import copy

from flask import Blueprint, current_app, jsonify

from service.errors import APIError

bp = Blueprint("health", __name__)

#: Manifest keys published by ``GET /v1/model`` (an allow-list, so a key added
#: to the manifest later is not exposed by accident).
PUBLIC_MANIFEST_KEYS = ("name", "version", "format", "labels", "decision_rule", "created",
                        "training", "metrics", "evaluation", "versions", "files")


def public_manifest(manifest: dict) -> dict:
    """A deep copy of the publishable part of a model manifest.

    Parameters
    ----------
    manifest : dict
        The verified ``manifest.json`` of the loaded model.

    Returns
    -------
    dict
        The keys in :data:`PUBLIC_MANIFEST_KEYS` that are present; for
        ``files`` only each file's ``sha256`` and ``bytes``.
    """
    public = {key: copy.deepcopy(manifest[key]) for key in PUBLIC_MANIFEST_KEYS if key in manifest}
    if isinstance(public.get("files"), dict):
        public["files"] = {
            name: {k: v for k, v in entry.items() if k in ("sha256", "bytes")}
            for name, entry in public["files"].items() if isinstance(entry, dict)
        }
    return public


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers HTTP."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """Readiness: a verified model is loaded and can serve requests."""
    model = current_app.extensions.get("slant_model")
    if model is None:
        return jsonify({"status": "unavailable", "reason": "model not loaded"}), 503
    return jsonify({"status": "ready", "model": model.info()})


@bp.get("/v1/model")
def model_info():
    """Metadata of the loaded model: the manifest without anything private."""
    model = current_app.extensions.get("slant_model")
    if model is None:
        raise APIError(503, "model_unavailable", "model not loaded")
    return jsonify(public_manifest(model.manifest))
