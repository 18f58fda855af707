"""Controllers, one module per context; ``ROUTES`` is what the app registers (one entry per line, so that
work on different contexts never edits the same line)."""

from bmt.api.controllers._auth import AuthApi, AuthPages
from bmt.api.controllers._home import HomePages
from bmt.api.controllers._ledger import LedgerApi, LedgerPages
from bmt.api.controllers._members import MemberPages, MembersApi
from bmt.api.controllers._murabahah_quote import MurabahahQuoteController, MurabahahQuotePage
from bmt.api.controllers._mmq_quote import MmqQuoteController, MmqQuotePage
from bmt.api.controllers._portfolio import PortfolioApi, PortfolioPages
from bmt.api.controllers._profit_sharing_sim import ProfitSharingSimController, ProfitSharingSimulationPage
from bmt.api.controllers._savings import SavingsApi, TellerApi
from bmt.api.controllers._teller_pages import SavingsPages, TellerPages
from bmt.api.controllers._zakat_calc import ZakatCalcController, ZakatCalcPage

ROUTES: list = [
    AuthPages,
    AuthApi,
    HomePages,
    MembersApi,
    MemberPages,
    LedgerApi,
    LedgerPages,
    SavingsApi,
    TellerApi,
    TellerPages,
    SavingsPages,
    MmqQuoteController,
    MmqQuotePage,
    ZakatCalcController,
    ZakatCalcPage,
    ProfitSharingSimController,
    ProfitSharingSimulationPage,
    PortfolioPages,
    PortfolioApi,
    MurabahahQuoteController,
    MurabahahQuotePage,
]
