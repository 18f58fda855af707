"""Statements, period close, SHU and the DPS review through HTTP, on SQLite and PostgreSQL: JSON (problem
details for refusals), the screens with their drill-down links, the PDF read back with pdftotext, the xlsx."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from litestar.testing import TestClient

from bmt.config import Settings
from tests.api.test_teller_pages import bearer, web_login
from tests.conftest import World, make_world, run
from tests.integration.statements_seed import SHU_2024, seed

TODAY_2025 = date(2025, 2, 10)


@pytest.fixture
def books(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World, object]]:
    """The app on 10 February 2025 over the seeded 2023–2024 cooperative."""
    from bmt.api.app import create_app

    w = run(make_world(db_url))
    s = run(seed(w))
    app = create_app(Settings(database_url=db_url, secret_key="s" * 32, audit_key="test-audit-key", var_dir=tmp_path), today=TODAY_2025)
    with TestClient(app) as c:
        yield c, w, s
    run(w.engine.dispose())


def _line(statement: dict, label: str) -> list[str | None]:
    for b in statement["blocks"]:
        for ln in b["lines"]:
            if ln["label"] == label:
                return ln["amounts"]
    raise KeyError(label)


def test_the_statements_of_a_year_tie_and_show_the_year_before_beside_it(books) -> None:
    c, w, _ = books
    r = c.get("/api/v1/statements/", params={"period": "2024"}, headers=bearer(c, w, "accountant"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] is True and body["prior_period"] == "2023" and body["since"] == "2024-01-01"
    by_slug = {s["slug"]: s for s in body["statements"]}
    assert list(by_slug) == ["posisi-keuangan", "hasil-usaha", "perubahan-ekuitas", "arus-kas", "rekonsiliasi-bagi-hasil", "dana-zakat", "dana-kebajikan"]
    assert all(t["ok"] for s in body["statements"] for t in s["ties"])
    assert _line(by_slug["hasil-usaha"], "SHU periode berjalan") == [str(SHU_2024), "300000"]
    assert _line(by_slug["posisi-keuangan"], "Jumlah aset") == ["5710000", "400000"]
    assert _line(by_slug["posisi-keuangan"], "Penyisihan penghapusan aset produktif (PPAP)") == ["-50000", "0"]
    assert _line(by_slug["dana-zakat"], "Saldo akhir dana zakat") == ["2500000", "0"]


def test_a_branch_sees_only_its_own_entries_and_its_statements_still_tie(books) -> None:
    c, w, s = books
    r = c.get("/api/v1/statements/hasil-usaha", params={"period": "2024", "branch_id": s.branch2}, headers=bearer(c, w, "manager"))
    assert r.status_code == 200, r.text
    assert _line(r.json(), "SHU periode berjalan") == ["50000", "0"]
    whole = c.get("/api/v1/statements/", params={"period": "2024", "branch_id": s.branch2}, headers=bearer(c, w, "manager")).json()
    assert whole["ok"] and whole["branch"] == "Cabang Pangalengan"


@pytest.mark.parametrize(("params", "status"), [({"period": "2024-13"}, 400), ({"period": "kemarin"}, 400)])
def test_a_bad_period_is_a_problem_not_a_crash(books, params: dict, status: int) -> None:
    c, w, _ = books
    r = c.get("/api/v1/statements/", params=params, headers=bearer(c, w, "manager"))
    assert r.status_code == status and r.headers["content-type"].startswith("application/problem+json")


def test_an_unknown_statement_is_404_and_no_token_is_401(books) -> None:
    c, w, _ = books
    assert c.get("/api/v1/statements/neraca-lajur", params={"period": "2024"}, headers=bearer(c, w, "manager")).status_code == 404
    assert c.get("/api/v1/statements/", params={"period": "2024"}).status_code == 401


def test_the_screen_links_every_account_line_to_its_general_ledger_for_the_period(books) -> None:
    c, w, _ = books
    web_login(c, w, "manager")
    r = c.get("/laporan-keuangan", params={"periode": "2024", "laporan": "hasil-usaha"})
    assert r.status_code == 200, r.text
    assert 'href="/buku-besar?akun=5101&amp;dari=2024-01-01&amp;sampai=2024-12-31"' in r.text
    assert "semua pemeriksaan cocok" in r.text
    gl = c.get("/buku-besar", params={"akun": "5101", "dari": "2024-01-01", "sampai": "2024-12-31"})
    assert gl.status_code == 200 and "Pendapatan margin murabahah" in gl.text and "1.200.000" in gl.text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_report_reads_back_with_every_statement_and_its_figures(books) -> None:
    c, w, _ = books
    web_login(c, w, "manager")
    r = c.get("/laporan-keuangan.pdf", params={"periode": "2024"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
    for title in ("Laporan Posisi Keuangan", "Perhitungan Hasil Usaha", "Laporan Perubahan Ekuitas", "Laporan Arus Kas", "Rekonsiliasi Pendapatan dan Bagi Hasil", "Sumber dan Penggunaan Dana Zakat", "Sumber dan Penggunaan Dana Kebajikan", "Opini Dewan Pengawas Syariah"):
        assert title in text, title
    assert "Rp5.710.000" in text and "Rp900.000" in text and "Dana syirkah temporer" in text
    assert "TIDAK COCOK" not in text


def test_the_xlsx_has_one_sheet_per_statement_with_numbers(books) -> None:
    from openpyxl import load_workbook

    c, w, _ = books
    web_login(c, w, "manager")
    r = c.get("/laporan-keuangan.xlsx", params={"periode": "2024"})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Posisi keuangan", "Hasil usaha", "Perubahan ekuitas", "Arus kas", "Rekonsiliasi bagi hasil", "Dana zakat", "Dana kebajikan"]
    rows = {row[0].strip(): row[1] for row in wb["Hasil usaha"].iter_rows(values_only=True) if row and isinstance(row[0], str)}
    assert Decimal(str(rows["SHU periode berjalan"])) == SHU_2024


def test_a_month_that_is_not_closed_day_by_day_is_refused_with_the_list_of_what_fails(books) -> None:
    c, w, _ = books
    h = bearer(c, w, "manager")
    checks = c.get("/api/v1/periods/checks", params={"period": "2025-01"}, headers=h).json()
    assert {x["code"]: x["ok"] for x in checks}["days"] is False
    r = c.post("/api/v1/periods/close-month", json={"period": "2025-01"}, headers=h)
    assert r.status_code == 409
    problem = r.json()
    assert problem["checks"][0]["code"] == "days" and "31 hari belum ditutup" in problem["checks"][0]["detail"]
    assert {x["code"] for x in problem["checks"]} <= {"days", "profit_sharing"}  # the month's sharing, once that module exists
    assert c.post("/api/v1/periods/close-month", json={"period": "2025-01"}, headers=bearer(c, w, "teller")).status_code == 403
    assert c.post("/api/v1/periods/reopen", json={"back_to": "2024-12-31", "reason": "x"}, headers=h).status_code == 403


def test_the_dps_signs_an_opinion_that_lands_in_the_period_pdf(books) -> None:
    c, w, _ = books
    dps = bearer(c, w, "dps")
    findings = c.get("/api/v1/dps/findings", params={"period": "2024"}, headers=dps)
    assert findings.status_code == 200 and "GOV-02" in {f["rule"] for f in findings.json()["findings"]}  # zakat collected, no licence on file
    assert c.post("/api/v1/dps/opinions", json={"period": "2024", "conclusion": "sesuai", "text": "terlalu pendek"}, headers=dps).status_code == 400
    r = c.post("/api/v1/dps/opinions", json={"period": "2024", "conclusion": "sesuai_dengan_catatan", "text": "Kegiatan usaha tahun 2024 sesuai prinsip syariah, dengan catatan izin UPZ."}, headers=dps)
    assert r.status_code == 201, r.text
    digest = r.json()["report_hash"]
    assert len(digest) == 64
    assert c.post("/api/v1/dps/opinions", json={"period": "2024", "conclusion": "sesuai", "text": "Opini kedua untuk periode yang sama."}, headers=dps).status_code == 409
    assert c.post("/api/v1/dps/opinions", json={"period": "2024", "conclusion": "sesuai", "text": "Manajer bukan anggota DPS sama sekali."}, headers=bearer(c, w, "manager")).status_code == 403
    listed = c.get("/api/v1/dps/opinions", params={"period": "2024"}, headers=dps).json()
    assert listed[0]["report_hash"] == digest and listed[0]["still_matches"] is True
    if shutil.which("pdftotext"):
        web_login(c, w, "dps")
        pdf = c.get("/laporan-keuangan.pdf", params={"periode": "2024"}).content
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert "dengan catatan izin UPZ" in text and digest in text.replace("\n", "")


def test_shu_needs_a_closed_year_and_the_articles_must_sum_to_100(books) -> None:
    c, w, _ = books
    h = bearer(c, w, "manager")
    r = c.post("/api/v1/shu/2024/runs", json={"target": "savings"}, headers=h)
    assert r.status_code == 409 and "belum ditutup" in r.json()["title"]
    bad = {"percentages": {"cadangan": "50", "jasa_modal": "20", "jasa_usaha": "20", "pengurus": "5", "karyawan": "5", "pendidikan": "5", "sosial": "2.5", "pembangunan_daerah": "2.5"}}
    r = c.put("/api/v1/shu/policy", json=bad, headers=h)
    assert r.status_code == 400 and "100" in r.json()["title"]
    assert c.get("/api/v1/shu/policy", headers=h).json()["percentages"]["cadangan"] == "40"


def _form(c: TestClient, url: str, **fields: str):  # noqa: ANN202
    return c.post(url, data={**fields, "_csrf_token": c.cookies.get("csrftoken")}, follow_redirects=False)


def test_the_close_and_shu_forms_show_what_is_wrong_on_the_page(books) -> None:
    c, w, _ = books
    web_login(c, w, "manager")
    assert c.get("/tutup-buku", params={"periode": "2025-01"}).status_code == 200
    r = _form(c, "/tutup-buku/bulan", periode="2025-01")
    assert r.status_code == 409 and "31 hari belum ditutup" in r.text and "belum dapat ditutup" in r.text
    r = _form(c, "/tutup-buku/tahun", tahun="dua ribu")
    assert r.status_code == 400 and "tahun harus angka" in r.text
    pct = {f"pct_{k}": v for k, v in (("cadangan", "45"), ("jasa_modal", "20"), ("jasa_usaha", "20"), ("pengurus", "5"), ("karyawan", "5"), ("pendidikan", "5"), ("sosial", "2.5"), ("pembangunan_daerah", "2.5"))}
    r = _form(c, "/shu/kebijakan", tahun="2024", zakat_percent="0", **pct)
    assert r.status_code == 400 and "harus 100%" in r.text
    pct["pct_cadangan"] = "40"
    r = _form(c, "/shu/kebijakan", tahun="2024", zakat_percent="2.5", **pct)
    assert r.status_code in (302, 303)
    assert c.get("/api/v1/shu/policy", headers=bearer(c, w, "manager")).json()["zakat_percent"] == "2.5"
    r = _form(c, "/shu/hitung", tahun="2024")
    assert r.status_code == 409 and "belum ditutup" in r.text


def test_the_dps_pages_are_for_the_board_and_management_and_the_form_signs(books) -> None:
    c, w, _ = books
    web_login(c, w, "teller")
    assert c.get("/dps", params={"periode": "2024"}).status_code == 403
    c.cookies.clear()
    web_login(c, w, "dps")
    page_ = c.get("/dps", params={"periode": "2024"})
    assert page_.status_code == 200 and 'id="rule-GOV-02"' in page_.text and "Tandatangani opini" in page_.text
    r = _form(c, "/dps/opini", periode="2024", conclusion="sesuai", text="pendek")
    assert r.status_code == 400 and "opini minimal 20 huruf" in r.text
    r = _form(c, "/dps/opini", periode="2024", conclusion="sesuai", text="Seluruh akad tahun 2024 yang ditelaah sesuai fatwa DSN-MUI.")
    assert r.status_code in (302, 303)
    after = c.get(r.headers["location"])
    assert "fatwa DSN-MUI" in after.text and "laporan tidak berubah" in after.text and "Tandatangani opini" not in after.text


def test_the_dps_sample_links_each_akad_to_its_pdf_on_the_contract_pages(books) -> None:
    from bmt.api.controllers._dps import akad_links, link_for

    c, _, _ = books
    links = akad_links([r.path for r in c.app.routes])
    assert link_for(links, "murabahah", 7).startswith("/pembiayaan/murabahah/")
    assert link_for(links, "musyarakah_mutanaqisah", 7) == "/pembiayaan/mmq/7/akad.pdf"
    assert all(not t.startswith("/api/") for t in links.values())
    for kind in ("murabahah", "mudharabah", "musyarakah", "musyarakah_mutanaqisah", "qardh"):
        href = link_for(links, kind, 7)
        assert href is not None and href.endswith("/7/akad.pdf"), kind
