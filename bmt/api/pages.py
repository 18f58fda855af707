"""Helpers for HTML pages: the common template context (user, navigation, messages) and form parsing."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request
from litestar.response import Template

from bmt.auth.roles import ROLE_LABELS_ID, can
from bmt.errors import InvalidInput
from bmt.services.uow import Actor

# The main menu: links (href, label, permission) and groups (label, links) that open as a list. A group shows
# only the links the role may use, and a group left with one link shows as that link.
NavLink = tuple[str, str, str]
NAV: tuple[NavLink | tuple[str, tuple[NavLink, ...]], ...] = (
    ("/", "Beranda", ""),
    ("/anggota", "Anggota", "members.read"),
    ("/teller", "Teller", "members.write"),
    ("Pembiayaan", (
        ("/pembiayaan/murabahah/kontrak", "Murabahah", "members.read"),
        ("/pembiayaan/mudharabah", "Bagi hasil & qardh", "members.read"),
        ("/pembiayaan/murabahah/simulasi", "Simulasi murabahah", "members.read"),
        ("/pembiayaan/mmq/simulasi", "Simulasi MMQ", "members.read"),
        ("/portofolio", "Portofolio", "ledger.read"),
    )),
    ("Simpanan", (
        ("/tabungan/produk", "Produk tabungan", "members.deactivate"),
        ("/bagi-hasil/simulasi", "Simulasi bagi hasil", "ledger.read"),
        ("/bagi-hasil/distribusi", "Distribusi bagi hasil", "ledger.read"),
    )),
    ("Baitul Maal", (
        ("/baitul-maal", "Dana ZIS & kebajikan", "maal.collect"),
        ("/zakat/kalkulator", "Kalkulator zakat", ""),
    )),
    ("Akuntansi", (
        ("/jurnal", "Jurnal", "ledger.read"),
        ("/jurnal/draf", "Persetujuan jurnal", "ledger.approve"),
        ("/neraca-saldo", "Neraca saldo", "ledger.read"),
        ("/laporan-keuangan", "Laporan keuangan", "ledger.read"),
        ("/shu", "SHU", "ledger.read"),
        ("/tutup-hari", "Tutup hari", "period.close"),
        ("/tutup-buku", "Tutup buku", "period.close"),
    )),
    ("Pengawasan", (
        ("/dps", "Tinjauan DPS", "audit.read"),
        ("/audit", "Audit", "audit.read"),
        ("/kesehatan", "Kesehatan koperasi", "ledger.read"),
        ("/pengaduan/kelola", "Pengaduan", "members.read"),
    )),
    ("/dinas", "Koperasi binaan", "region.read"),
)


def nav_for(actor: Actor | None, path: str = "") -> list[dict[str, Any]]:
    """The menu for this actor: ``{"href", "label", "current"}`` links and ``{"label", "children", "current"}``
    groups; ``current`` marks the link of the page at ``path`` (or a page under it) and its group."""
    if actor is None:
        return [{"href": "/zakat/kalkulator", "label": "Kalkulator zakat"}, {"href": "/login", "label": "Masuk"}]

    def allowed(perm: str) -> bool:
        return not perm or can(actor.role, perm)

    out: list[dict[str, Any]] = []
    for item in NAV:
        if isinstance(item[1], tuple):
            links = [_link(h, label, path) for h, label, perm in item[1] if allowed(perm)]
            if len(links) > 1:
                out.append({"label": item[0], "children": links, "current": any(x["current"] for x in links)})
            else:
                out.extend(links)
        elif allowed(item[2]):
            out.append(_link(item[0], item[1], path))
    # Only the closest match is the current page (/jurnal/draf is "Persetujuan jurnal", not also "Jurnal").
    links = [x for i in out for x in i.get("children", [i])]
    best = max((len(x["href"]) for x in links if x["current"]), default=0)
    for x in links:
        x["current"] = x["current"] and len(x["href"]) == best
    for i in out:
        if "children" in i:
            i["current"] = any(x["current"] for x in i["children"])
    return out


def _link(href: str, label: str, path: str) -> dict[str, Any]:
    return {"href": href, "label": label, "current": href == path or (href != "/" and path.startswith(href + "/"))}


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
        "nav": nav_for(actor, request.url.path),
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
