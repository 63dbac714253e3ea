"""Service configuration: defaults, ``SLANT_*`` environment variables, validation.

Configuration is layered, later layers winning:

1. :data:`DEFAULTS`;
2. environment variables ``SLANT_<KEY>`` for every key in :data:`ENV_KEYS`
   (read by :func:`from_env`);
3. the ``test_config`` mapping passed to :func:`service.create_app`.

The merged result is checked by :func:`validate`, which raises
:class:`ConfigError` with a message naming the offending setting.

Keys
----
``MODEL_DIR`` (``SLANT_MODEL_DIR``)
    Model directory to load; ``None`` (default) means the shipped ``model/``.
``MAX_CONTENT_LENGTH`` (``SLANT_MAX_CONTENT_LENGTH``)
    Largest request body in bytes (default 1,000,000). Flask enforces it.
``MAX_SENTENCES`` (``SLANT_MAX_SENTENCES``)
    Most sentences per request, counted after splitting (default 2,000).
``MAX_SENTENCE_CHARS`` (``SLANT_MAX_SENTENCE_CHARS``)
    Longest pre-split sentence in code points (default 5,000).
``CORS_ORIGINS`` (``SLANT_CORS_ORIGINS``)
    Comma-separated allowed origins, ``*`` for any, empty (default) for no CORS.
``CORS_MAX_AGE`` (``SLANT_CORS_MAX_AGE``)
    Seconds a browser may cache a preflight answer (default 600).
``API_TOKEN`` (``SLANT_API_TOKEN``)
    Bearer token for admin and write endpoints (reload, feedback). Unset
    (default): admin endpoints are disabled (403).
``WRITE_AUTH`` (``SLANT_WRITE_AUTH``)
    ``token`` (default): write endpoints such as feedback need the bearer
    token; ``open``: anyone who can reach the service may write (a demo or a
    service behind the CMS's own authentication). Admin endpoints always need
    the token.
``MAX_SENTENCE_MARKS`` (``SLANT_MAX_SENTENCE_MARKS``)
    Most possible sentence ends (``.``/``?``/``!`` before a space) in ``text``
    input (default 20,000); bounds the splitter's work on hostile text.
``READ_AUTH`` (``SLANT_READ_AUTH``)
    ``open`` (default) or ``token``: ``/v1/classify`` and ``/v1/model`` need the token.
``RATE_LIMIT`` (``SLANT_RATE_LIMIT``)
    Requests per minute per client to ``/v1/*`` (token bucket, per process); 0 (default) = off.
``TRUST_PROXY`` (``SLANT_TRUST_PROXY``)
    ``1``: the client is the last ``X-Forwarded-For`` address; ``0`` (default): the peer address.
``RESULT_CACHE`` (``SLANT_RESULT_CACHE``)
    Sentences whose results each worker keeps, so re-checking an edited article
    classifies only the changed sentences (default 4,096, about 3 MB; at most
    100,000; 0 = off). Sentences of unpublished drafts stay in the worker's memory
    until newer ones push them out.
``FEEDBACK_DB`` (``SLANT_FEEDBACK_DB``)
    Where ``POST /v1/feedback`` stores corrections: a SQLite file path or a
    ``postgresql://`` URL. ``None`` (default): ``instance/feedback.sqlite3`` in
    the project root (see :mod:`service.storage`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

ENV_PREFIX = "SLANT_"

DEFAULTS: dict[str, object] = {
    "MODEL_DIR": None,
    "MAX_CONTENT_LENGTH": 1_000_000,
    "MAX_SENTENCES": 2_000,
    "MAX_SENTENCE_CHARS": 5_000,
    "CORS_ORIGINS": (),
    "CORS_MAX_AGE": 600,
    "API_TOKEN": None,
    "WRITE_AUTH": "token",
    "FEEDBACK_DB": None,
    "MAX_SENTENCE_MARKS": 20_000,
    "READ_AUTH": "open",
    "RATE_LIMIT": 0,
    "TRUST_PROXY": False,
    "RESULT_CACHE": 4_096,
}

INT_KEYS = ("MAX_CONTENT_LENGTH", "MAX_SENTENCES", "MAX_SENTENCE_CHARS", "CORS_MAX_AGE", "MAX_SENTENCE_MARKS")
ENV_KEYS = ("MODEL_DIR", *INT_KEYS, "CORS_ORIGINS", "API_TOKEN", "WRITE_AUTH", "FEEDBACK_DB", "READ_AUTH",
            "RATE_LIMIT", "TRUST_PROXY", "RESULT_CACHE")
READ_AUTH_MODES = ("open", "token")
MAX_RESULT_CACHE = 100_000  # sentences (0.6-0.8 KB each with text, scores and cues: <= ~80 MB per worker)
WRITE_AUTH_MODES = ("token", "open")


class ConfigError(ValueError):
    """A configuration value (environment variable or mapping entry) is invalid."""


def parse_positive_int(name: str, value: object) -> int:
    """Parse ``value`` as a positive integer, or raise :class:`ConfigError` naming ``name``.

    Parameters
    ----------
    name : str
        The setting's name as the operator knows it (e.g. ``SLANT_MAX_SENTENCES``).
    value : object
        An ``int`` or a string of decimal digits; ``_`` separators are allowed.

    Returns
    -------
    int

    Raises
    ------
    ConfigError
        If ``value`` is not an integer >= 1.
    """
    if isinstance(value, bool):
        raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().replace("_", "").isdigit():
        number = int(value.strip().replace("_", ""))
    else:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    if number < 1:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    return number


def parse_origins(name: str, value: object) -> tuple[str, ...] | str:
    """Parse a CORS origin setting.

    Parameters
    ----------
    name : str
        The setting's name, for error messages.
    value : str or iterable of str or None
        ``"*"``, a comma-separated list of origins, a list of origins, or
        empty/``None`` for CORS off.

    Returns
    -------
    str or tuple of str
        ``"*"`` or a tuple of origins (empty when CORS is off).

    Raises
    ------
    ConfigError
        If an origin is not ``scheme://host[:port]``.
    """
    if value is None:
        return ()
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",")]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = [str(part).strip() for part in value]
    else:
        raise ConfigError(f"{name} must be a comma-separated string of origins or '*', got {value!r}")
    items = [item for item in items if item]
    if "*" in items:
        if len(items) > 1:
            raise ConfigError(f"{name}: '*' cannot be combined with explicit origins")
        return "*"
    origins = []
    for item in items:
        scheme, sep, rest = item.partition("://")
        if not sep or scheme not in ("http", "https") or not rest or "/" in rest:
            raise ConfigError(
                f"{name}: {item!r} is not an origin like 'https://example.org' or 'http://localhost:3000'")
        origins.append(item.rstrip("/"))
    return tuple(dict.fromkeys(origins))


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """Read ``SLANT_*`` settings from the environment.

    Parameters
    ----------
    environ : Mapping, optional
        Defaults to :data:`os.environ`.

    Returns
    -------
    dict
        Parsed values for the keys that are set (empty strings count as unset,
        except ``SLANT_CORS_ORIGINS`` where empty means off).

    Raises
    ------
    ConfigError
        If a value cannot be parsed; the message names the variable.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for key in ENV_KEYS:
        name = ENV_PREFIX + key
        raw = environ.get(name)
        if raw is None or (raw.strip() == "" and key != "CORS_ORIGINS"):
            continue
        if key in INT_KEYS:
            values[key] = parse_positive_int(name, raw)
        elif key == "CORS_ORIGINS":
            values[key] = parse_origins(name, raw)
        else:
            values[key] = raw
    return values


def validate(config: Mapping[str, object]) -> dict[str, object]:
    """Check and normalise the merged configuration.

    Parameters
    ----------
    config : Mapping
        The application's configuration after all layers were applied.

    Returns
    -------
    dict
        Normalised values to write back (ints, origin tuple).

    Raises
    ------
    ConfigError
        If a value is invalid.
    """
    values = {key: parse_positive_int(key, config[key]) for key in INT_KEYS}
    values["CORS_ORIGINS"] = parse_origins("CORS_ORIGINS", config.get("CORS_ORIGINS"))
    mode = str(config.get("WRITE_AUTH") or "token").strip().lower()
    if mode not in WRITE_AUTH_MODES:
        raise ConfigError(f"SLANT_WRITE_AUTH must be one of {', '.join(WRITE_AUTH_MODES)}, got {mode!r}")
    values["WRITE_AUTH"] = mode
    token = config.get("API_TOKEN")
    if token is not None and (not isinstance(token, str) or len(token.strip()) < 16):
        raise ConfigError("SLANT_API_TOKEN must be a string of at least 16 characters")
    values["API_TOKEN"] = token.strip() if token else None
    read = str(config.get("READ_AUTH") or "open").strip().lower()
    if read not in READ_AUTH_MODES:
        raise ConfigError(f"SLANT_READ_AUTH must be one of {', '.join(READ_AUTH_MODES)}, got {read!r}")
    if read == "token" and not values["API_TOKEN"]:
        raise ConfigError("SLANT_READ_AUTH=token needs SLANT_API_TOKEN")
    values["READ_AUTH"] = read
    rate = config.get("RATE_LIMIT") or 0
    values["RATE_LIMIT"] = 0 if rate in (0, "0") else parse_positive_int("SLANT_RATE_LIMIT", rate)
    cache = config.get("RESULT_CACHE", DEFAULTS["RESULT_CACHE"])
    values["RESULT_CACHE"] = 0 if cache in (0, "0") else parse_positive_int("SLANT_RESULT_CACHE", cache)
    if values["RESULT_CACHE"] > MAX_RESULT_CACHE:
        raise ConfigError(f"SLANT_RESULT_CACHE must be at most {MAX_RESULT_CACHE} sentences, got {cache!r}")
    proxy = config.get("TRUST_PROXY")
    if isinstance(proxy, str):
        if proxy.strip().lower() not in ("0", "1", "true", "false", "yes", "no", ""):
            raise ConfigError(f"SLANT_TRUST_PROXY must be 0 or 1, got {proxy!r}")
        proxy = proxy.strip().lower() in ("1", "true", "yes")
    values["TRUST_PROXY"] = bool(proxy)
    return values
