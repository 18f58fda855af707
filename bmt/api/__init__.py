"""The web entrypoint: the Litestar app (JSON API under /api/v1, web forms in Bahasa Indonesia)."""
