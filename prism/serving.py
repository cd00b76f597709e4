"""The ASGI entry point uvicorn imports: settings come from `PRISM_*` environment variables."""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import threading

from fastapi import FastAPI

from prism.app import create_app
from prism.db import Database
from prism.embeddings import default_embedder
from prism.search import vectors
from prism.settings import load_settings

log = logging.getLogger(__name__)
M_ARENA_MAX = -8  # glibc's mallopt parameter, from <malloc.h>
MALLOC_ARENAS = 2


def app() -> FastAPI:
    """Build the app from the environment (uvicorn calls this once per worker process)."""
    bound_malloc_arenas()
    built = create_app(load_settings())
    warm_up(built.state.database)
    return built


def warm_up(database: Database | None = None) -> threading.Thread:
    """Load the sentence model and the vector index in the background as the server starts, so
    the first search does not wait for them (~200 ms for the model, or on a fresh install its
    one-off export; the index's saved graph, or its building from every stored vector)."""

    def load() -> None:
        try:
            embedder = default_embedder()
            embedder.embed(["warm up"])
            if database is not None:
                with database.session_scope(writes=False) as session:
                    vectors.index_for(session, embedder.dimensions)
        except Exception:  # the first search will load them, and report what is wrong
            log.exception("The sentence model or the vector index could not be loaded.")

    thread = threading.Thread(target=load, name="prism-warm-up", daemon=True)
    thread.start()
    return thread


def bound_malloc_arenas() -> bool:
    """Let glibc keep two malloc arenas instead of eight per core.

    Every thread of the request pool otherwise gets an arena of its own, and each keeps the
    high-water mark of what its requests once held: in the soak benchmark resident memory rose
    from 383 to 606 MB in four minutes, with the Python heap flat. With two arenas it stays
    near 430 MB. An operator's own `MALLOC_ARENA_MAX` wins; elsewhere than glibc this does
    nothing. Called before the app starts its threads; True when the limit was set here."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # musl and others: no arenas of this kind
        return False
    return bool(libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS))
