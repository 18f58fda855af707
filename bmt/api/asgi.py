"""ASGI entry for servers: ``granian --interface asgi bmt.api.asgi:app`` (what ``bmt serve`` runs) or uvicorn."""

from bmt.api.app import create_app

app = create_app()
