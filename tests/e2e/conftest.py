"""A real server (uvicorn in a thread, fresh SQLite) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, TODAY, make_world, run

CHROMIUM = os.environ.get("BMT_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    import uvicorn

    from bmt.api.app import create_app
    from bmt.config import Settings
    from bmt.persistence.migrate import upgrade

    tmp = Path(tmp_path_factory.mktemp("e2e"))
    url = f"sqlite+aiosqlite:///{tmp / 'e2e.sqlite3'}"
    upgrade(url.replace("+aiosqlite", ""))
    world = run(make_world(url))
    app = create_app(Settings(database_url=url, secret_key="e" * 32, audit_key="test-audit-key", var_dir=tmp), today=TODAY)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", world
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None and not os.access(CHROMIUM, os.X_OK):
        pytest.skip("Debian chromium is not installed (make test installs it when it may)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield b
        b.close()


def login(page, base: str, username: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def menu(page, label: str) -> None:  # noqa: ANN001
    """Click a main-menu entry as a user does: open its group first when the entry sits in one."""
    nav = page.locator("nav.mainnav")
    link = nav.locator(f'a:text-is("{label}")')
    if not link.is_visible():
        nav.locator(f'details:has(a:text-is("{label}")) > summary').click()
    link.click()
