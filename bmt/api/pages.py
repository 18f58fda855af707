"""Helpers for HTML pages: the common template context (user, navigation, messages) and form parsing."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request
from litestar.response import Template

from bmt.auth.roles import ROLE_LABELS_ID, can
from bmt.errors import InvalidInput
from bmt.services.uow import Actor

NAV: tuple[tuple[str, str, str], ...] = (
    ("/", "Beranda", ""),
    ("/anggota", "Anggota", "members.read"),
    ("/teller", "Teller", "members.write"),
    ("/tabungan/produk", "Produk tabungan", "members.deactivate"),
    ("/pembiayaan/murabahah/kontrak", "Pembiayaan", "members.read"),
    ("/pembiayaan/mudharabah", "Bagi hasil & qardh", "members.read"),
    ("/pembiayaan/murabahah/simulasi", "Simulasi murabahah", "members.read"),
    ("/pembiayaan/mmq/simulasi", "Simulasi MMQ", "members.read"),
    ("/bagi-hasil/simulasi", "Simulasi bagi hasil", "ledger.read"),
    ("/bagi-hasil/distribusi", "Distribusi bagi hasil", "ledger.read"),
    ("/zakat/kalkulator", "Kalkulator zakat", ""),
    ("/baitul-maal", "Baitul Maal", "maal.collect"),
    ("/jurnal", "Jurnal", "ledger.read"),
    ("/jurnal/draf", "Persetujuan jurnal", "ledger.approve"),
    ("/neraca-saldo", "Neraca saldo", "ledger.read"),
    ("/laporan-keuangan", "Laporan keuangan", "ledger.read"),
    ("/portofolio", "Portofolio", "ledger.read"),
    ("/tutup-hari", "Tutup hari", "period.close"),
    ("/tutup-buku", "Tutup buku", "period.close"),
    ("/shu", "SHU", "ledger.read"),
    ("/dps", "Tinjauan DPS", "audit.read"),
    ("/audit", "Audit", "audit.read"),
    ("/pengaduan/kelola", "Pengaduan", "members.read"),
    ("/kesehatan", "Kesehatan koperasi", "ledger.read"),
    ("/dinas", "Koperasi binaan", "region.read"),
)


def nav_for(actor: Actor | None) -> list[dict[str, str]]:
    if actor is None:
        return [{"href": "/zakat/kalkulator", "label": "Kalkulator zakat"}, {"href": "/login", "label": "Masuk"}]
    return [{"href": h, "label": label} for h, label, perm in NAV if not perm or can(actor.role, perm)]


def page(request: Request, template: str, *, status: int = 200, **context: Any) -> Template:
    """Render a page with the layout's context filled in."""
    actor: Actor | None = request.scope.get("user")
    messages = list(context.pop("messages", []))
    note = request.query_params.get("pesan")
    if note:
        messages.append({"level": "success", "text": note[:300]})
    ctx = {
        "current_user": actor,
        "role_label": ROLE_LABELS_ID.get(actor.role, actor.role) if actor else "",
        "nav": nav_for(actor),
        "messages": messages,
        "coop_name": getattr(request.app.state, "coop_names", {}).get(actor.cooperative_id, "BMT") if actor else "BMT",
        "lang": "id",
        "active_path": request.url.path,
        **context,
    }
    return Template(template_name=template, context=ctx, status_code=status)


def form_date(value: str | None, field: str, *, required: bool = True) -> date | None:
    """A date from a form field (ISO yyyy-mm-dd, as <input type=date> sends it)."""
    if not value:
        if required:
            raise InvalidInput("tanggal wajib diisi / date is required", field=field)
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("tanggal tidak valid (yyyy-mm-dd) / invalid date", field=field) from None


def form_errors(exc: Exception) -> dict[str, str]:
    """A domain error as {field or "_": message} for re-rendering a form."""
    field = getattr(exc, "field", None) or "_"
    return {field: getattr(exc, "message", str(exc))}
