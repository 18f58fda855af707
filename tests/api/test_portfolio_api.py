"""The portfolio report and the manager's close-of-day through HTTP."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from litestar.testing import TestClient

from bmt.config import Settings
from tests.api.test_platform_api import token
from tests.conftest import PASSWORD, make_world, run
from tests.integration.test_close_day import D0, EXAMPLE_F, _contract, _member, _set_policy


def test_the_portfolio_after_a_close_shows_example_f(db_url: str, tmp_path: Path) -> None:
    from bmt.api.app import create_app

    w = run(make_world(db_url))
    _set_policy(w, "cooperative_days")
    mid = _member(w)
    for o, dpd, col in EXAMPLE_F:
        run(_contract(w, mid, o, dpd, col, D0))
    app = create_app(Settings(database_url=db_url, secret_key="s" * 32, audit_key="test-audit-key", var_dir=tmp_path), today=D0)
    with TestClient(app) as c:
        mgr, teller = token(c, w, "manager"), token(c, w, "teller")
        assert c.post("/api/v1/portfolio/close-day", headers=teller).status_code == 403
        r = c.post("/api/v1/portfolio/close-day", params={"business_date": D0.isoformat()}, headers=mgr)
        assert r.status_code == 200 and r.json()[0]["ppap_posted"] == "10725000"
        again = c.post("/api/v1/portfolio/close-day", params={"business_date": D0.isoformat()}, headers=mgr).json()
        assert again[0]["already_closed"] is True
        p = c.get("/api/v1/portfolio/", headers=mgr).json()
        assert p["npf_gross_percent"] == "35.00" and p["outstanding"] == "100000000" and p["ppap_formed"] == "10725000"
        assert [v["days_past_due"] for v in p["visits"]] == [400, 250, 120, 45]
        assert {x["class"]: x["ppap"] for x in p["collectibility"]} == {"L": "325000", "KL": "900000", "D": "3500000", "M": "6000000"}
        c.get("/login")
        c.post("/login", data={"username": w.actor("manager").username, "password": PASSWORD, "_csrf_token": c.cookies.get("csrftoken")})
        page = c.get("/portofolio")
        assert page.status_code == 200 and "35,00%" in page.text and "<svg" in page.text
        pdf = c.get("/portofolio/pdf")
        assert pdf.content.startswith(b"%PDF-")
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
            assert "35,00%" in text and "Rp10.725.000" in text
        assert "sudah ditutup" in c.get("/tutup-hari").text or c.get("/tutup-hari").status_code == 200
    run(w.engine.dispose())
