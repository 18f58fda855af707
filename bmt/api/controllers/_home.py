"""The dashboard and the audit page."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get
from litestar.response import Redirect, Template
from sqlalchemy import func, select

from bmt.api.pages import page
from bmt.api.security import requires
from bmt.persistence.models import AuditEvent, JournalDraft, Member
from bmt.services import audit, ledger
from bmt.services.uow import Actor


class HomePages(Controller):
    path = "/"
    include_in_schema = False

    @get("/")
    async def home(self, request: Request) -> Template | Redirect:
        actor: Actor | None = request.scope.get("user")
        if actor is None:
            return Redirect("/login")
        if actor.role in ("member", "supervisor"):
            return Redirect("/saya" if actor.role == "member" else "/dinas")
        if actor.cooperative_id is None:
            return page(request, "home.html", stats=None)
        coop = actor.coop
        async with request.app.state.uow() as uow:
            members_active = (await uow.session.execute(select(func.count()).select_from(Member).where(Member.cooperative_id == coop, Member.status == "active"))).scalar_one()
            pending = (await uow.session.execute(select(func.count()).select_from(JournalDraft).where(JournalDraft.cooperative_id == coop, JournalDraft.status == "pending"))).scalar_one()
            nets = await ledger.net_by_account(uow, coop)
        stats = {
            "members": members_active,
            "pending_drafts": pending,
            "cash": nets.get("1101", 0) + nets.get("1102", 0) + nets.get("1103", 0),
            "equity": -(nets.get("4101", 0) + nets.get("4102", 0)),
        }
        return page(request, "home.html", stats=stats, today=request.app.state.uow.today or date.today())

    @get("/audit", guards=[requires("audit.read")])
    async def audit_page(self, request: Request) -> Template:
        actor: Actor = request.scope["user"]
        async with request.app.state.uow() as uow:
            events = list((await uow.session.execute(select(AuditEvent).where(AuditEvent.cooperative_id == actor.coop).order_by(AuditEvent.id.desc()).limit(100))).scalars())
            checked, findings = await audit.verify(uow)
        mine = [f for f in findings if f.cooperative_id == actor.coop]
        return page(request, "audit.html", events=events, checked=checked, findings=mine)
