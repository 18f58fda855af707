"""The Baitul Maal through HTTP, on SQLite and PostgreSQL: Example C, the nisab years, and every refusal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from bmt.config import Settings
from tests.api.test_platform_api import new_member, token
from tests.conftest import TODAY, World, make_world, run

API = "/api/v1/maal"


@pytest.fixture
def maal_app(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World]]:
    from bmt.api.app import create_app

    w = run(make_world(db_url))
    app = create_app(Settings(database_url=db_url, secret_key="s" * 32, audit_key="test-audit-key", var_dir=tmp_path), today=TODAY)
    with TestClient(app) as c:
        yield c, w
    run(w.engine.dispose())


def _ok(r, status: int = 201) -> dict:  # noqa: ANN001
    assert r.status_code == status, r.text
    return r.json()


def _zakat_from_a_member(c: TestClient, w: World, amount: str) -> tuple[dict, dict]:
    teller = token(c, w, "teller")
    member = new_member(c, teller, 31)
    donor = _ok(c.post(f"{API}/donors", json={"member_id": member["id"], "npwp": "09.254.294.3-407.000"}, headers=teller))
    receipt = _ok(c.post(f"{API}/receipts", json={"donor_id": donor["id"], "kind": "zakat", "zakat_type": "maal", "amount": amount, "channel": "cash"}, headers=teller))
    return teller, receipt


def _tb(c: TestClient, headers: dict) -> dict[str, dict]:
    return {x["code"]: x for x in _ok(c.get("/api/v1/ledger/trial-balance", headers=headers), 200)["lines"]}


# ---------------------------------------------------------------------------------------------- Example C


def test_example_c4_over_http_forty_million_collected_allows_five_million_amil_and_not_a_rupiah_more(maal_app) -> None:
    c, w = maal_app
    teller, receipt = _zakat_from_a_member(c, w, "40000000")
    assert receipt["receipt_no"].startswith(f"BSZ-{TODAY.year}-") and receipt["amount"] == "40000000" and receipt["donor_name"] == "Euis Komariah"
    acc = token(c, w, "accountant")
    _ok(c.post(f"{API}/amil", json={"amount": "5000000"}, headers=acc))
    r = c.post(f"{API}/amil", json={"amount": "1"}, headers=acc)
    assert r.status_code == 422 and r.json()["rule"] == "ZIS-02" and r.headers["content-type"].startswith("application/problem+json")
    b = _ok(c.get(f"{API}/balances", headers=acc), 200)
    assert (b["funds"]["zakat_fund"], b["funds"]["amil_fund"]) == ("35000000", "5000000")
    assert b["amil"][0] == {"source_fund": "zakat_fund", "cap_percent": "12.5", "collected": "40000000", "cap": "5000000", "taken": "5000000", "remaining": "0"}
    tb = _tb(c, acc)
    # the cash sits in the teller's drawer; the maal book is owed it by the business book
    assert tb["1102"]["debit"] == "40100000" and tb["2112"]["credit"] == "40000000"
    assert (tb["7104"]["debit"], tb["8101"]["credit"], tb["8104"]["credit"]) == ("40000000", "35000000", "5000000")
    pdf = c.get(f"{API}/receipts/{receipt['id']}/pdf", headers=teller)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_collect_only_unit_may_take_five_percent_and_the_cap_setting_cannot_exceed_the_sharia_limit(maal_app) -> None:
    c, w = maal_app
    _zakat_from_a_member(c, w, "40000000")
    mgr = token(c, w, "manager")
    r = c.put(f"{API}/settings", json={"amil_cap_percent": "15"}, headers=mgr)
    assert r.status_code == 422 and r.json()["rule"] == "ZIS-02"
    assert c.put(f"{API}/settings", json={"collect_only": True}, headers=token(c, w, "accountant")).status_code == 403
    _ok(c.put(f"{API}/settings", json={"collect_only": True}, headers=mgr), 200)
    acc = token(c, w, "accountant")
    assert c.post(f"{API}/amil", json={"amount": "2000001"}, headers=acc).status_code == 422
    _ok(c.post(f"{API}/amil", json={"amount": "2000000"}, headers=acc))


def test_the_cooperatives_own_zakat_is_posted_once_from_the_ledger(maal_app) -> None:
    c, w = maal_app
    mgr = token(c, w, "manager")
    body = {"value_date": TODAY.isoformat(), "description": "Saldo awal", "lines": [
        {"account": "1101", "debit": "2500000000"}, {"account": "3101", "credit": "1900000000"}, {"account": "4103", "credit": "600000000"}]}
    draft = _ok(c.post("/api/v1/ledger/drafts", json=body, headers=mgr))
    _ok(c.post(f"/api/v1/ledger/drafts/{draft['id']}/approve", headers=token(c, w, "accountant")), 200)
    preview = _ok(c.get(f"{API}/coop-zakat/{TODAY.year}", headers=mgr), 200)
    assert (preview["basis"], preview["nisab"], preview["zakat_due"], preview["posted"]) == ("600000000", "127500000", "15000000", False)
    posted = _ok(c.post(f"{API}/coop-zakat", json={"year": TODAY.year}, headers=mgr))
    assert posted["posted"] and posted["maal_entry_id"]
    assert c.post(f"{API}/coop-zakat", json={"year": TODAY.year}, headers=mgr).status_code == 409
    assert _ok(c.get(f"{API}/balances", headers=mgr), 200)["owed_by_tamwil"]["zakat_payable"] == "15000000"


@pytest.mark.parametrize(
    ("body", "nisab", "due"),
    [
        ({"kind": "penghasilan", "monthly_income": "9000000", "year": 2025}, "7140498", "225000"),  # C1
        ({"kind": "penghasilan", "monthly_income": "6500000", "year": 2025}, "7140498", "0"),  # C1, and 12 × below the annual nisab
        ({"kind": "maal", "wealth": "150000000", "gold_price_per_gram": "1500000", "haul_complete": True}, "127500000", "3750000"),  # C2
        ({"kind": "perdagangan", "current_assets": "2500000000", "current_liabilities": "1900000000", "gold_price_per_gram": "1500000"}, "127500000", "15000000"),  # C3
    ],
)
def test_example_c_calculators_answer_through_the_app_with_the_nisab_table_from_the_database(maal_app, body: dict, nisab: str, due: str) -> None:
    c, _ = maal_app
    r = _ok(c.post("/api/v1/zakat/calculate", json=body), 200)
    assert (r["nisab"], r["zakat_due"]) == (nisab, due)


# ---------------------------------------------------------------------------------------------- nisab years


def test_an_admin_added_nisab_year_is_used_by_the_public_calculator_at_just_below_and_above_the_nisab(maal_app) -> None:
    c, w = maal_app

    def calc(monthly: str) -> dict:
        return c.post("/api/v1/zakat/calculate", json={"kind": "penghasilan", "monthly_income": monthly, "year": 2026}).json()

    assert c.post("/api/v1/zakat/calculate", json={"kind": "penghasilan", "monthly_income": "9000000", "year": 2026}).status_code == 400
    assert c.post(f"{API}/nisab-years", json={"year": 2026, "annual": "90000000"}, headers=token(c, w, "manager")).status_code == 403
    added = _ok(c.post(f"{API}/nisab-years", json={"year": 2026, "annual": "90000000", "reference": "SK Ketua BAZNAS 2026"}, headers=token(c, w, "admin")))
    assert (added["monthly"], added["source"]) == ("7500000", "admin")
    at, below, above = calc("7500000"), calc("7499999"), calc("7500001")
    assert (at["nisab"], at["nisab_annual"], at["obligated"], at["zakat_due"]) == ("7500000", "90000000", True, "187500")
    assert (below["obligated"], below["zakat_due"]) == (False, "0")  # 12 × 7,499,999 < 90,000,000 too
    assert (above["obligated"], above["zakat_due"]) == (True, "187500")
    assert calc("9000000")["zakat_due"] == "225000"
    years = {y["year"]: y for y in c.get(f"{API}/nisab-years", headers=token(c, w, "teller")).json()}
    assert years[2025]["source"] == "bawaan" and years[2026]["annual"] == "90000000"
    page = c.get("/zakat/kalkulator/?jenis=penghasilan")
    assert page.status_code == 200


# ---------------------------------------------------------------------------------------------- refusals


def test_one_funds_money_is_never_spent_from_another(maal_app) -> None:
    c, w = maal_app
    _zakat_from_a_member(c, w, "10000000")
    acc = token(c, w, "accountant")
    _ok(c.post(f"{API}/restricted-funds", json={"purpose": "beasiswa", "name": "Dana beasiswa santri"}, headers=acc))
    _ok(c.post(f"{API}/restricted-funds", json={"purpose": "pembangunan", "name": "Dana pembangunan asrama"}, headers=acc))
    donor = _ok(c.post(f"{API}/donors", json={"name": "Hamba Allah"}, headers=acc))
    _ok(c.post(f"{API}/receipts", json={"donor_id": donor["id"], "kind": "infaq_restricted", "purpose": "beasiswa", "amount": "3000000", "channel": "maal_bank"}, headers=acc))

    def propose(**body: object):  # noqa: ANN202
        return c.post(f"{API}/disbursements", json={"kind": "spending", "amount": "100000", "beneficiary": "Penerima", **body}, headers=acc)

    cases = [
        (propose(fund="infaq_fund", use="social"), 409, None),  # infaq is empty: zakat's money is not used
        (propose(fund="zakat_fund", use="social"), 422, "ZIS-04"),  # zakat leaves only to the asnaf
        (propose(fund="zakat_fund", use="loss_coverage"), 422, "ZIS-03"),  # never loan-loss allowances
        (propose(fund="kebajikan_fund", use="loss_coverage"), 422, "ZIS-01"),
        (propose(fund="infaq_restricted_fund", purpose="pembangunan", use="restricted_purpose"), 409, None),  # beasiswa's money stays there
        (propose(fund="infaq_restricted_fund", purpose="beasiswa", use="social"), 422, "ZIS-01"),
        (propose(fund="amil_fund", use="social"), 422, "ZIS-01"),
    ]
    for r, status, rule in cases:
        assert r.status_code == status, r.text
        if rule:
            assert r.json()["rule"] == rule
    ok = _ok(propose(fund="infaq_restricted_fund", purpose="beasiswa", use="restricted_purpose", paid_from="maal_bank"))
    assert ok["status"] == "proposed"
    funds = {f["purpose"]: f["balance"] for f in c.get(f"{API}/restricted-funds", headers=acc).json()}
    assert funds == {"beasiswa": "3000000", "pembangunan": "0"}


def test_zakat_to_anyone_outside_the_eight_asnaf_is_refused(maal_app) -> None:
    c, w = maal_app
    _zakat_from_a_member(c, w, "10000000")
    acc = token(c, w, "accountant")
    r = c.post(f"{API}/mustahik", json={"name": "Pak Kades", "asnaf": "pejabat desa"}, headers=acc)
    assert r.status_code == 422 and r.json()["rule"] == "ZIS-04"
    r = c.post(f"{API}/disbursements", json={"kind": "zakat", "amount": "100000", "asnaf": "pengurus koperasi", "beneficiary": "Pengurus"}, headers=acc)
    assert r.status_code == 422 and r.json()["rule"] == "ZIS-04"
    r = c.post(f"{API}/disbursements", json={"kind": "zakat", "amount": "100000", "asnaf": "amil", "beneficiary": "Petugas"}, headers=acc)
    assert r.status_code == 422 and r.json()["rule"] == "ZIS-02"
    assert c.get(f"{API}/disbursements", headers=acc).json() == []


def test_a_zakat_payment_needs_a_second_person_and_then_moves_money_by_asnaf(maal_app) -> None:
    c, w = maal_app
    _zakat_from_a_member(c, w, "10000000")
    mgr, mgr2, acc = token(c, w, "manager"), token(c, w, "manager2"), token(c, w, "accountant")
    _ok(c.post(f"{API}/settlements", json={}, headers=mgr))  # the drawer's zakat reaches the Baitul Maal's cash
    m = _ok(c.post(f"{API}/mustahik", json={"name": "Mak Iyah", "asnaf": "Fakir"}, headers=acc))
    p = _ok(c.post(f"{API}/disbursements", json={"kind": "zakat", "amount": "1250000", "mustahik_id": m["id"]}, headers=mgr))
    assert c.post(f"{API}/disbursements/{p['id']}/approve", json={}, headers=token(c, w, "teller")).status_code == 403
    assert c.post(f"{API}/disbursements/{p['id']}/approve", json={}, headers=mgr).status_code == 403  # the maker
    paid = _ok(c.post(f"{API}/disbursements/{p['id']}/approve", json={"note": "survei ok"}, headers=mgr2), 200)
    assert paid["status"] == "paid" and paid["asnaf"] == "fakir"
    assert c.post(f"{API}/disbursements/{p['id']}/approve", json={}, headers=mgr2).status_code == 409
    rows = {x["asnaf"]: x for x in c.get(f"{API}/statements/asnaf", params={"since": f"{TODAY.year}-01-01", "through": TODAY.isoformat()}, headers=acc).json()}
    assert (rows["fakir"]["amount"], rows["fakir"]["payments"]) == ("1250000", 1)
    funds = c.get(f"{API}/statements/funds", params={"since": f"{TODAY.year}-01-01", "through": TODAY.isoformat()}, headers=acc).json()
    zakat = next(x for x in funds if x["key"] == "zakat_fund")
    assert zakat["increases"] == {"Penerimaan zakat dari muzakki": "10000000"} and zakat["decreases"] == {"Penyaluran kepada fakir": "1250000"} and zakat["closing"] == "8750000"


def test_a_tellers_token_cannot_distribute_or_change_settings(maal_app) -> None:
    c, w = maal_app
    teller = token(c, w, "teller")
    assert c.post(f"{API}/disbursements", json={"kind": "zakat", "amount": "1", "asnaf": "fakir", "beneficiary": "X"}, headers=teller).status_code == 403
    assert c.post(f"{API}/amil", json={"amount": "1"}, headers=teller).status_code == 403
    assert c.put(f"{API}/settings", json={"collect_only": True}, headers=teller).status_code == 403
    assert c.get(f"{API}/balances").status_code == 401


# ---------------------------------------------------------------------------------------------- the screens


def _form(c: TestClient, path: str, data: dict) -> object:
    return c.post(path, data={**data, "_csrf_token": c.cookies.get("csrftoken")}, follow_redirects=False)


def test_every_baitul_maal_screen_renders_and_a_receipt_then_a_payment_go_through_the_forms(maal_app) -> None:
    from tests.api.test_teller_pages import web_login

    c, w = maal_app
    web_login(c, w, "manager")
    r = _form(c, "/baitul-maal/terima", {"name": "Hamba Allah", "npwp": "", "kind": "zakat", "zakat_type": "maal", "amount": "12.000.000", "channel": "maal_cash", "idempotency_key": "k1"})
    assert r.status_code == 303, r.text
    receipt_page = c.get(r.headers["location"])
    assert receipt_page.status_code == 200 and "Cetak bukti setor" in receipt_page.text and "Rp12.000.000" in receipt_page.text
    again = _form(c, "/baitul-maal/terima", {"name": "Hamba Allah", "kind": "zakat", "zakat_type": "maal", "amount": "12.000.000", "channel": "maal_cash", "idempotency_key": "k1"})
    assert again.headers["location"] == r.headers["location"]  # a double submit records one receipt
    bad = _form(c, "/baitul-maal/terima", {"name": "X", "kind": "zakat", "zakat_type": "maal", "amount": "abc", "channel": "maal_cash"})
    assert bad.status_code == 400 and "alert-error" in bad.text
    assert _form(c, "/baitul-maal/mustahik", {"name": "Mak Iyah", "asnaf": "miskin"}).status_code == 303
    refused = _form(c, "/baitul-maal/penyaluran", {"kind": "spending", "fund": "zakat_fund", "use": "social", "beneficiary": "Panitia", "amount": "100.000", "paid_from": "maal_cash"})
    assert refused.status_code == 422 and "delapan asnaf" in refused.text
    assert _form(c, "/baitul-maal/dana-terikat", {"name": "Dana beasiswa santri", "purpose": ""}).status_code == 303
    for path in ("/baitul-maal", "/baitul-maal/terima?q=hamba", "/baitul-maal/muzakki", "/baitul-maal/mustahik", "/baitul-maal/penyaluran", "/baitul-maal/dana-terikat",
                 "/baitul-maal/zakat-koperasi", "/baitul-maal/pengaturan", *(f"/baitul-maal/laporan?jenis={k}" for k in ("dana", "kebajikan", "asnaf", "terikat"))):
        page = c.get(path)
        assert page.status_code == 200, (path, page.text[:2000])
    pdf = c.get("/baitul-maal/laporan/pdf?jenis=dana")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "Rp12.000.000" in c.get("/baitul-maal").text
