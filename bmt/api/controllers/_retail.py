"""The retail unit's integration API: a shop posts its daily sales and purchases as idempotent batches.

Authenticate with an API token of an integration login (role accountant; see bmt.services.retail), and send
an ``Idempotency-Key`` header with each batch: a retry returns the first answer with ``replayed: true``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery, JSONBody

from bmt.api.security import requires
from bmt.money import ZERO
from bmt.services import retail
from bmt.services.uow import Actor


class RetailLineIn(msgspec.Struct, forbid_unknown_fields=True):
    type: str
    payment: str
    amount: Decimal
    cost: Decimal = ZERO
    memo: str = ""


class RetailBatchIn(msgspec.Struct, forbid_unknown_fields=True):
    business_date: date
    lines: list[RetailLineIn]
    reference: str = ""


def _actor(request: Request) -> Actor:
    return request.scope["user"]


class RetailApi(Controller):
    path = "/api/v1/retail"
    tags = ["retail"]
    guards = [requires("ledger.propose")]

    @post("/batches", status_code=201)
    async def post_batch(self, request: Request, data: JSONBody[RetailBatchIn]) -> Response[dict[str, Any]]:
        """Post one batch of sales (cash/credit, with cost of goods) and purchases as one balanced entry.

        Requires the ``Idempotency-Key`` header; a retry with the same key and body returns the first
        answer (200, ``replayed: true``); the same key with another body is refused (409).
        """
        cmd = retail.RetailBatchCmd(data.business_date, tuple(retail.RetailLine(x.type, x.payment, x.amount, x.cost, x.memo) for x in data.lines), data.reference)
        async with request.app.state.uow() as uow:
            result = await retail.post_batch(uow, _actor(request), cmd, request.headers.get("idempotency-key"))
        return Response(result, status_code=200 if result["replayed"] else 201)

    @get("/batches")
    async def list_batches(self, request: Request, limit: FromQuery[int] = 100) -> list[dict[str, Any]]:
        """The cooperative's retail batches, newest first."""
        async with request.app.state.uow() as uow:
            return await retail.batches(uow, _actor(request), limit=limit)
