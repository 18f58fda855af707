"""Controllers, one module per context; ``ROUTES`` is what the app registers (one entry per line, so that
work on different contexts never edits the same line)."""

from bmt.api.controllers._auth import AuthApi, AuthPages
from bmt.api.controllers._dps import DpsApi, DpsPages
from bmt.api.controllers._health import HealthApi, HealthPages
from bmt.api.controllers._home import HomePages
from bmt.api.controllers._ledger import LedgerApi, LedgerPages
from bmt.api.controllers._maal import MaalApi
from bmt.api.controllers._maal_pages import MaalPages
from bmt.api.controllers._members import MemberPages, MembersApi
from bmt.api.controllers._mmq_quote import MmqQuoteController, MmqQuotePage
from bmt.api.controllers._murabahah_contracts import (
    MurabahahContractPages,
    MurabahahContractsApi,
    MurabahahProductPages,
)
from bmt.api.controllers._murabahah_quote import MurabahahQuoteController, MurabahahQuotePage
from bmt.api.controllers._pls_contracts import PLS_ROUTES
from bmt.api.controllers._portal import (
    ActivationPages,
    ComplaintsApi,
    MemberApi,
    MemberPortalPages,
    StaffPortalPages,
)
from bmt.api.controllers._portfolio import PortfolioApi, PortfolioPages
from bmt.api.controllers._profit_distribution import ProfitDistributionApi, ProfitDistributionPages
from bmt.api.controllers._profit_sharing_sim import ProfitSharingSimController, ProfitSharingSimulationPage
from bmt.api.controllers._retail import RetailApi
from bmt.api.controllers._savings import SavingsApi, TellerApi
from bmt.api.controllers._shu import ShuApi, ShuPages
from bmt.api.controllers._statements import PeriodClosePages, PeriodsApi, StatementPages, StatementsApi
from bmt.api.controllers._supervision import SupervisionApi, SupervisionPages
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
    ProfitDistributionApi,
    ProfitDistributionPages,
    PortfolioPages,
    PortfolioApi,
    MurabahahQuoteController,
    MurabahahQuotePage,
    MaalApi,
    MaalPages,
    MurabahahContractsApi,
    MurabahahContractPages,
    MurabahahProductPages,
    *PLS_ROUTES,
    MemberPortalPages,
    ActivationPages,
    StaffPortalPages,
    MemberApi,
    ComplaintsApi,
    HealthPages,
    HealthApi,
    SupervisionPages,
    SupervisionApi,
    RetailApi,
    StatementsApi,
    StatementPages,
    PeriodsApi,
    PeriodClosePages,
    ShuApi,
    ShuPages,
    DpsApi,
    DpsPages,
]
