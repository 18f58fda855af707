"""ASGI entry for servers: ``uvicorn bmt.api.asgi:app`` (or granian)."""

from bmt.api.app import create_app

app = create_app()
