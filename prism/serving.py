"""The ASGI entry point uvicorn imports: settings come from `PRISM_*` environment variables."""

from __future__ import annotations

from fastapi import FastAPI

from prism.app import create_app
from prism.settings import load_settings


def app() -> FastAPI:
    """Build the app from the environment (uvicorn calls this once per worker process)."""
    return create_app(load_settings())
