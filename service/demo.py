"""The browser side: ``GET /`` demo page, ``GET /static/slant.js``, ``GET /docs/embedding``.

``slant.js`` is the one-file embedding script (no build step, no dependencies);
see ``docs/embedding.md``. Only that file is served (no general static folder).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, send_from_directory

bp = Blueprint("demo", __name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
DOCS_DIR = Path(__file__).resolve().parents[1] / "docs"


@bp.get("/")
def demo_page():
    """A textarea with an example commentary, annotated live by ``slant.js``."""
    return render_template("demo.html")


@bp.get("/static/slant.js")
def slant_js():
    """The embedding script."""
    response = send_from_directory(STATIC_DIR, "slant.js", mimetype="text/javascript", max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"  # a plain script: safe for any page to load
    return response


@bp.get("/docs/embedding")
def embedding_docs():
    """The embedding guide (``docs/embedding.md``) as plain text."""
    if not (DOCS_DIR / "embedding.md").is_file():
        abort(404)
    return send_from_directory(DOCS_DIR, "embedding.md", mimetype="text/plain", max_age=300)


def _page(operation_id: str, summary: str, media: str) -> dict:
    return {"get": {"operationId": operation_id, "tags": ["browser"], "summary": summary,
                    "responses": {"200": {"description": summary, "content": {media: {"schema": {
                        "type": "string"}}}}}}}


def openapi_paths() -> dict:
    """OpenAPI path items of this blueprint (merged by :mod:`service.openapi`)."""
    return {"/": _page("demoPage", "Demo page: an example commentary annotated in the browser", "text/html"),
            "/static/slant.js": _page("slantScript", "The embedding script (see docs/embedding.md)",
                                      "text/javascript"),
            "/docs/embedding": _page("embeddingDocs", "The embedding guide (Markdown)", "text/plain")}
