"""The teller's web screens through HTTP (session cookie + CSRF), on SQLite and PostgreSQL: the drawer, opening
accounts, deposits and withdrawals, refusals shown on the page, idempotent double submits, maker–checker,
statements and the printed documents."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from bmt.config import Settings
from bmt.persistence.models import JournalEntry
from bmt.reports.formatting import format_rupiah
from tests.api.test_platform_api import count, new_member
from tests.conftest import PASSWORD, TODAY, World, make_world, run

PRODUCTS = (
    {"code": "TW", "name": "Tabungan Wadiah", "kind": "wadiah", "min_opening": "10000", "min_balance": "10000", "approval_threshold": "5000000"},
    {"code": "TM", "name": "Tabungan Mudharabah", "kind": "mudharabah", "nisbah_member_percent": "30", "min_opening": "20000", "min_balance": "20000"},
    {"code": "D3", "name": "Deposito 3 bulan", "kind": "deposito", "nisbah_member_percent": "45", "tenor_months": 3, "min_opening": "1000000"},
)


@pytest.fixture
def desk(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World, dict]]:
    """The app, a cooperative with products TW/TM/D3, and another cooperative."""
    from bmt.api.app import create_app

    w, other = run(make_world(db_url)), run(make_world(db_url))
    app = create_app(Settings(database_url=db_url, secret_key="s" * 32, audit_key="test-audit-key", var_dir=tmp_path), today=TODAY)
    with TestClient(app) as c:
        mgr = bearer(c, w, "manager")
        prods = {}
        for body in PRODUCTS:
            r = c.post("/api/v1/savings/products", json=body, headers=mgr)
            assert r.status_code == 201, r.text
            prods[body["code"]] = r.json()["id"]
        yield c, w, {"products": prods, "other": other}
    run(w.engine.dispose())
    run(other.engine.dispose())


def bearer(c: TestClient, w: World, role: str) -> dict[str, str]:
    """An API token (unlike tests.api.test_platform_api.token, it leaves the drawer alone)."""
    r = c.post("/api/v1/auth/token", json={"username": w.actor(role).username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def web_login(c: TestClient, w: World, role: str) -> None:
    c.get("/login")
    r = c.post("/login", data={"username": w.actor(role).username, "password": PASSWORD, "_csrf_token": c.cookies.get("csrftoken")}, follow_redirects=False)
    assert r.status_code in (302, 303), r.text


def submit(c: TestClient, url: str, **fields: str):  # noqa: ANN201 - an httpx response
    return c.post(url, data={**fields, "_csrf_token": c.cookies.get("csrftoken")})


def rp(amount: int | str) -> str:
    return format_rupiah(amount)


def by_id(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert m, f"#{element_id} not on the page"
    return m.group(1).strip()


def keys_on(html: str) -> list[str]:
    return re.findall(r'name="idempotency_key" value="([^"]+)"', html)


def open_drawer(c: TestClient, amount: str = "1.000.000") -> None:
    r = submit(c, "/teller/laci/buka", float_amount=amount)
    assert r.status_code == 200 and "dibuka dengan modal awal" in r.text, r.text


def open_account(c: TestClient, member_id: int, product_id: int, amount: str, key: str = "", **extra: str) -> tuple[int, str]:
    r = submit(c, "/tabungan/buka", member_id=str(member_id), product_id=str(product_id), initial_deposit=amount, idempotency_key=key or f"buka-{member_id}-{product_id}", **extra)
    assert r.status_code == 200 and "dibuka dengan setoran awal" in r.text, r.text
    return int(r.url.path.rsplit("/", 1)[1]), r.text


def pdf_text(content: bytes) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def test_a_teller_opens_the_drawer_and_an_account_then_deposits_and_withdraws_on_the_web(desk) -> None:
    c, w, s = desk
    web_login(c, w, "teller")
    home = c.get("/teller")
    assert home.status_code == 200 and "Laci kas belum dibuka" in home.text and 'href="/teller"' in home.text
    open_drawer(c, "1.000.000")
    m = new_member(c, bearer(c, w, "teller"), 201)  # simpanan pokok Rp100.000 into the drawer
    form = c.get("/tabungan/buka", params={"anggota": m["member_no"]})
    assert form.status_code == 200 and m["name"] in form.text and "Tabungan Wadiah" in form.text
    acc_id, page = open_account(c, m["id"], s["products"]["TW"], "50.000")
    assert by_id(page, "account-balance") == rp(50_000) and "Cetak bukti" in page
    r = submit(c, f"/tabungan/{acc_id}/setor", amount="250.000", idempotency_key="k-setor-1")
    assert r.status_code == 200 and by_id(r.text, "account-balance") == rp(300_000)
    r = submit(c, f"/tabungan/{acc_id}/tarik", amount="100.000", idempotency_key="k-tarik-1")
    assert r.status_code == 200 and by_id(r.text, "account-balance") == rp(200_000)
    receipt = re.search(r'href="(/tabungan/bukti/\d+/pdf)"[^>]*id="print-receipt"', r.text)
    assert receipt, "the page offers the receipt of the withdrawal"
    pdf = c.get(receipt.group(1))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    if (text := pdf_text(pdf.content)) is not None:
        assert "Rp100.000" in text and "seratus ribu rupiah" in text.lower()
    expected = 1_000_000 + 100_000 + 50_000 + 250_000 - 100_000
    assert by_id(r.text, "drawer-balance") == rp(expected)
    assert by_id(c.get("/teller").text, "drawer-balance") == rp(expected)
    assert c.get("/api/v1/teller/drawer", headers=bearer(c, w, "teller")).json()["balance"] == str(expected)
    detail = c.get(f"/anggota/{m['id']}")
    assert f'href="/tabungan/{acc_id}"' in detail.text and "Buka rekening" in detail.text


def test_a_withdrawal_below_the_minimum_balance_is_refused_on_the_page_and_writes_nothing(desk) -> None:
    c, w, s = desk
    web_login(c, w, "teller")
    open_drawer(c)
    m = new_member(c, bearer(c, w, "teller"), 202)
    acc_id, _ = open_account(c, m["id"], s["products"]["TW"], "50.000")
    before = count(w, JournalEntry)
    r = submit(c, f"/tabungan/{acc_id}/tarik", amount="45.000", idempotency_key="k-tarik-min")
    assert r.status_code == 409
    assert "saldo tidak cukup: dapat ditarik 40000 (saldo minimum 10000)" in r.text
    assert by_id(r.text, "account-balance") == rp(50_000)
    assert 'value="45.000"' in r.text  # the teller's entry is kept for correction
    r = submit(c, f"/tabungan/{acc_id}/tarik", amount="abc", idempotency_key="k-tarik-abc")
    assert r.status_code == 400 and 'aria-invalid="true"' in r.text
    assert count(w, JournalEntry) == before


def test_a_double_submit_with_the_same_idempotency_key_posts_once(desk) -> None:
    c, w, s = desk
    web_login(c, w, "teller")
    open_drawer(c)
    m = new_member(c, bearer(c, w, "teller"), 203)
    acc_id, _ = open_account(c, m["id"], s["products"]["TM"], "100.000", key="buka-203")
    n_entries = count(w, JournalEntry)
    again_id, _ = open_account(c, m["id"], s["products"]["TM"], "100.000", key="buka-203")
    assert again_id == acc_id and count(w, JournalEntry) == n_entries
    page = c.get(f"/tabungan/{acc_id}").text
    keys = keys_on(page)
    assert len(keys) == 4 and len(set(keys)) == 4 and not set(keys) & set(keys_on(c.get(f"/tabungan/{acc_id}").text))
    first = submit(c, f"/tabungan/{acc_id}/setor", amount="70.000", idempotency_key=keys[0])
    second = submit(c, f"/tabungan/{acc_id}/setor", amount="70.000", idempotency_key=keys[0])
    assert first.status_code == second.status_code == 200
    assert count(w, JournalEntry) == n_entries + 1
    assert by_id(second.text, "account-balance") == rp(170_000)
    assert submit(c, f"/tabungan/{acc_id}/setor", amount="1", idempotency_key=keys[0]).status_code == 409  # same key, other request


def test_the_statement_page_ties_to_the_api_statement_and_the_pdfs_carry_the_amounts(desk) -> None:
    c, w, s = desk
    web_login(c, w, "teller")
    open_drawer(c)
    m = new_member(c, bearer(c, w, "teller"), 204)
    acc_id, _ = open_account(c, m["id"], s["products"]["TM"], "1.500.000")
    submit(c, f"/tabungan/{acc_id}/setor", amount="1.234.567", idempotency_key="st-1")
    submit(c, f"/tabungan/{acc_id}/tarik", amount="300.000", idempotency_key="st-2")
    period = {"dari": "2025-06-01", "sampai": "2025-06-30"}
    html = c.get(f"/tabungan/{acc_id}", params=period).text
    api = c.get(f"/api/v1/savings/accounts/{acc_id}/statement", params={"since": "2025-06-01", "through": "2025-06-30"}, headers=bearer(c, w, "teller")).json()
    assert by_id(html, "statement-opening") == rp(api["opening_balance"]) and by_id(html, "statement-closing") == rp(api["closing_balance"])
    table = html[html.index('id="statement"') :]
    balances = re.findall(r'<td class="num">(Rp[\d.]+)</td><td><a href="/tabungan/bukti/', table)
    assert balances == [rp(x["balance"]) for x in api["lines"]] and len(balances) == 3
    assert api["closing_balance"] == str(1_500_000 + 1_234_567 - 300_000)
    before = c.get(f"/tabungan/{acc_id}", params={"dari": "2025-07-01", "sampai": "2025-07-31"}).text
    assert by_id(before, "statement-opening") == rp(api["closing_balance"]) and "Tidak ada transaksi" in before
    bad = c.get(f"/tabungan/{acc_id}", params={"dari": "2025-06-30", "sampai": "2025-06-01"})
    assert bad.status_code == 200 and "tanggal akhir sebelum tanggal awal" in bad.text

    statement = c.get(f"/tabungan/{acc_id}/rekening-koran/pdf", params=period)
    passbook = c.get(f"/tabungan/{acc_id}/buku/pdf")
    for pdf in (statement, passbook):
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    if (text := pdf_text(statement.content)) is not None:
        assert all(x in text for x in ("Rp1.500.000", "Rp1.234.567", "Rp300.000", "Rp2.434.567", m["name"]))
    if (text := pdf_text(passbook.content)) is not None:
        rows = [ln.split() for ln in text.splitlines() if re.match(r"\s*\d+\s+\d\d-\d\d-\d{4}", ln)]
        assert [(r[0], r[2], r[-1]) for r in rows] == [("1", "SA", "Rp1.500.000"), ("2", "ST", "Rp2.734.567"), ("3", "TT", "Rp2.434.567")]


def test_refusals_closed_accounts_no_drawer_and_other_cooperatives_are_shown_clearly(desk) -> None:
    c, w, s = desk
    web_login(c, w, "teller")
    m = new_member(c, bearer(c, w, "manager"), 205)  # the manager takes the pokok into the main cash
    r = submit(c, "/tabungan/buka", member_id=str(m["id"]), product_id=str(s["products"]["TW"]), initial_deposit="20.000", idempotency_key="no-drawer")
    assert r.status_code == 409 and "laci kas belum dibuka" in r.text
    open_drawer(c)
    acc_id, _ = open_account(c, m["id"], s["products"]["TW"], "20.000")
    r = submit(c, f"/tabungan/{acc_id}/tutup", idempotency_key="tutup-0")
    assert r.status_code == 400 and "konfirmasi" in r.text
    r = submit(c, f"/tabungan/{acc_id}/tutup", idempotency_key="tutup-1", confirm="1")
    assert r.status_code == 200 and "ditutup; dibayarkan tunai Rp20.000" in r.text and by_id(r.text, "account-status") == "Ditutup"
    assert 'id="form-setor"' not in r.text
    r = submit(c, f"/tabungan/{acc_id}/setor", amount="5.000", idempotency_key="after-close")
    assert r.status_code == 409 and "sudah ditutup" in r.text
    web_login(c, s["other"], "teller")
    assert c.get(f"/tabungan/{acc_id}").status_code == 404
    r = submit(c, f"/tabungan/{acc_id}/setor", amount="5.000", idempotency_key="other-coop")
    assert r.status_code == 404 and "Rp20.000" not in r.text


def test_a_large_withdrawal_waits_for_the_manager_who_approves_it_on_the_counter_page(desk) -> None:
    c, w, s = desk
    web_login(c, w, "teller")
    open_drawer(c, "10.000.000")
    m = new_member(c, bearer(c, w, "teller"), 206)
    acc_id, _ = open_account(c, m["id"], s["products"]["TW"], "9.000.000")
    r = submit(c, f"/tabungan/{acc_id}/tarik", amount="6.000.000", idempotency_key="besar-1")
    assert r.status_code == 200 and "melebihi batas teller" in r.text and by_id(r.text, "account-balance") == rp(9_000_000)
    assert "pending-withdrawals" not in c.get("/teller").text  # a teller sees no approvals
    request_id = re.search(r"permintaan #(\d+)", r.text).group(1)
    assert submit(c, f"/teller/penarikan/{request_id}/setujui").status_code == 403
    web_login(c, w, "manager")
    counter = c.get("/teller")
    assert f"#{request_id}" in counter.text and rp(6_000_000) in counter.text
    r = submit(c, f"/teller/penarikan/{request_id}/setujui")
    assert r.status_code == 200 and "disetujui dan dibukukan" in r.text and 'id="print-receipt"' in r.text
    assert c.get(f"/api/v1/savings/accounts/{acc_id}", headers=bearer(c, w, "manager")).json()["balance"] == "3000000"
    r = submit(c, f"/teller/penarikan/{request_id}/setujui")
    assert r.status_code == 409 and "sudah approved" in r.text
    web_login(c, w, "teller")
    submit(c, f"/tabungan/{acc_id}/setor", amount="5.000.000", idempotency_key="besar-setor")
    r = submit(c, f"/tabungan/{acc_id}/tarik", amount="5.500.000", idempotency_key="besar-2")
    assert "melebihi batas teller" in r.text and by_id(r.text, "account-balance") == rp(8_000_000)
    second = re.search(r"permintaan #(\d+)", r.text).group(1)
    web_login(c, w, "manager")
    n_entries = count(w, JournalEntry)
    r = submit(c, f"/teller/penarikan/{second}/tolak", note="tanda tangan tidak cocok")
    assert r.status_code == 200 and f"#{second} ditolak" in r.text and f"/teller/penarikan/{second}/setujui" not in r.text
    assert count(w, JournalEntry) == n_entries
    assert by_id(c.get(f"/tabungan/{acc_id}").text, "account-balance") == rp(8_000_000)


def test_a_dormant_account_takes_deposits_but_pays_out_only_after_a_manager_reactivates_it(desk) -> None:
    from datetime import timedelta

    from bmt.services import savings

    c, w, s = desk
    web_login(c, w, "teller")
    open_drawer(c)
    m = new_member(c, bearer(c, w, "teller"), 208)
    acc_id, _ = open_account(c, m["id"], s["products"]["TM"], "200.000")

    async def go_dormant() -> int:
        async with w.factory() as uow:
            return await savings.mark_dormant(uow, w.actor("manager"), TODAY + timedelta(days=400))

    assert run(go_dormant()) == 1
    page = c.get(f"/tabungan/{acc_id}").text
    assert by_id(page, "account-status") == "Dorman" and "/aktifkan" not in page  # only a manager sees the button
    r = submit(c, f"/tabungan/{acc_id}/tarik", amount="50.000", idempotency_key="dorman-1")
    assert r.status_code == 409 and "dorman; minta manajer mengaktifkan kembali" in r.text
    assert submit(c, f"/tabungan/{acc_id}/aktifkan").status_code == 403
    web_login(c, w, "manager")
    r = submit(c, f"/tabungan/{acc_id}/aktifkan")
    assert r.status_code == 200 and "diaktifkan kembali" in r.text and by_id(r.text, "account-status") == "Aktif"
    web_login(c, w, "teller")
    r = submit(c, f"/tabungan/{acc_id}/tarik", amount="50.000", idempotency_key="dorman-2")
    assert r.status_code == 200 and by_id(r.text, "account-balance") == rp(150_000)


def test_closing_the_drawer_with_a_shortage_waits_for_the_manager(desk) -> None:
    c, w, s = desk
    web_login(c, w, "teller2")
    open_drawer(c, "500.000")
    r = submit(c, "/teller/laci/tutup", counted_amount="490.000")
    assert r.status_code == 200 and "selisih kurang Rp10.000" in r.text and "Laci kas belum dibuka" in r.text
    web_login(c, w, "manager")
    counter = c.get("/teller").text
    drawer_id = re.search(r'action="/teller/laci/(\d+)/setujui-selisih"', counter).group(1)
    r = submit(c, f"/teller/laci/{drawer_id}/setujui-selisih", note="uang receh hilang")
    assert r.status_code == 200 and "disetujui" in r.text and f"/teller/laci/{drawer_id}/setujui-selisih" not in r.text
    tb = {x["code"]: x for x in c.get("/api/v1/ledger/trial-balance", headers=bearer(c, w, "manager")).json()["lines"]}
    assert "1401" not in tb and tb["6111"]["debit"] == "10000"


def test_a_manager_configures_products_on_the_products_screen_and_a_teller_may_not(desk) -> None:
    c, w, _ = desk
    web_login(c, w, "teller")
    assert c.get("/tabungan/produk").status_code == 403
    assert "Produk tabungan" not in c.get("/teller").text
    web_login(c, w, "manager")
    page = c.get("/tabungan/produk")
    assert page.status_code == 200 and "Tabungan Mudharabah" in page.text and "Produk tabungan" in page.text
    base = {"code": "TQ", "name": "Tabungan Qurban", "kind": "wadiah", "nisbah_member_percent": "10", "min_opening": "10.000", "min_balance": "10.000", "approval_threshold": "2.000.000", "dormant_after_days": "365", "early_break": "forfeit_month"}
    r = submit(c, "/tabungan/produk", **base)
    assert r.status_code == 400 and "wadiah tidak boleh menjanjikan bagi hasil" in r.text
    r = submit(c, "/tabungan/produk", **dict(base, kind="mudharabah", nisbah_member_percent=""))
    assert r.status_code == 400 and "nisbah" in r.text and 'value="Tabungan Qurban"' in r.text
    r = submit(c, "/tabungan/produk", **dict(base, code="D6", name="Deposito 6 bulan", kind="deposito", nisbah_member_percent="50", tenor_months="6", min_opening="5.000.000", aro_default="1"))
    assert r.status_code == 200 and "Produk D6" in r.text
    prods = {p["code"]: p for p in c.get("/api/v1/savings/products", headers=bearer(c, w, "manager")).json()}
    assert prods["D6"]["tenor_months"] == 6 and prods["D6"]["nisbah_member_percent"] == "50" and prods["D6"]["min_opening"] == "5000000"


def test_transfers_and_a_deposito_placed_from_savings_then_broken_on_the_web(desk) -> None:
    c, w, s = desk
    web_login(c, w, "teller")
    open_drawer(c)
    m = new_member(c, bearer(c, w, "teller"), 207)
    tm, _ = open_account(c, m["id"], s["products"]["TM"], "3.000.000")
    tw, tw_page = open_account(c, m["id"], s["products"]["TW"], "10.000")
    tw_no = re.search(r"<h1>(\S+)", tw_page).group(1)
    r = submit(c, f"/tabungan/{tm}/pindah", to_account_no=tw_no.lower(), amount="500.000", idempotency_key="pb-1")
    assert r.status_code == 200 and by_id(r.text, "account-balance") == rp(2_500_000)
    r = submit(c, f"/tabungan/{tm}/pindah", to_account_no="TW9999", amount="1", idempotency_key="pb-2")
    assert r.status_code == 404 and "TW9999 tidak ditemukan" in r.text
    d3, page = open_account(c, m["id"], s["products"]["D3"], "2.000.000", funding_account_id=str(tm), profit_to_account_id=str(tw), aro="0")
    assert by_id(page, "maturity") == "16 September 2025" and 'id="form-cairkan"' in page and 'id="form-setor"' not in page
    r = submit(c, f"/tabungan/{d3}/cairkan", to_account_id=str(tw), idempotency_key="cair-1")
    assert r.status_code == 200 and "dicairkan Rp2.000.000" in r.text
    assert by_id(c.get(f"/tabungan/{tw}").text, "account-balance") == rp(2_510_000)
    assert by_id(c.get(f"/tabungan/{tm}").text, "account-balance") == rp(500_000)
    checks = c.get("/api/v1/savings/subledger-check", headers=bearer(c, w, "teller")).json()
    assert all(x["ok"] for x in checks), checks


def test_web_postings_need_a_login_and_a_csrf_token(desk) -> None:
    c, w, s = desk
    assert c.get("/teller", follow_redirects=False).status_code in (302, 303, 307)
    web_login(c, w, "teller")
    r = c.post("/teller/laci/buka", data={"float_amount": "100000"})
    assert r.status_code == 403 and "CSRF" in r.text
    assert "Laci kas belum dibuka" in c.get("/teller").text
    web_login(c, w, "dps")
    assert c.get("/teller").status_code == 403


def test_the_main_menu_groups_pages_by_work_and_shows_a_role_only_its_own() -> None:
    """Groups open as lists; a group with one page left for the role shows as that page; the current page and its
    group are marked."""
    from bmt.api.pages import nav_for
    from bmt.services.uow import Actor

    teller = nav_for(Actor(1, "t", "T", "teller", 1), "/teller")
    labels = [i["label"] for i in teller]
    assert labels[:3] == ["Beranda", "Anggota", "Teller"] and next(i for i in teller if i["label"] == "Teller")["current"]
    assert "Tutup buku" not in str(teller) and "Persetujuan jurnal" not in str(teller) and "Tinjauan DPS" not in str(teller)
    manager = nav_for(Actor(2, "m", "M", "manager", 1), "/jurnal/draf")
    akuntansi = next(i for i in manager if i["label"] == "Akuntansi")
    assert akuntansi["current"] and [x["label"] for x in akuntansi["children"] if x["current"]] == ["Persetujuan jurnal"]
    assert not next(i for i in manager if i["label"] == "Pembiayaan")["current"]
    assert all(len(i.get("children", [1, 2])) > 1 for i in manager)
