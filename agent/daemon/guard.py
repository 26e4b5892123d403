"""Last line of defence for the kill switch: a venue wrapper that sends nothing new while HALTED.

The gate reads the kill switch at risk_check; a halt that lands between the verdict and the send, or
a tick resumed after a crash that happened before its send, would otherwise still trade. Under HALTED
the wrapper only answers for orders the venue already has (reconciliation by client id).
"""

from __future__ import annotations

from agent.risk import KillSwitch, TradingState
from connectors.domain import Action, Fill
from connectors.errors import RejectedError
from connectors.protocol import Connector
from connectors.wrapper import ConnectorWrapper


class HaltGuard(ConnectorWrapper):
    """Delegates to `inner`; `execute` of an order the venue does not know is refused while HALTED."""

    def __init__(self, inner: Connector, kill_switch: KillSwitch) -> None:
        super().__init__(inner)
        self._switch = kill_switch

    async def execute(self, action: Action, *, client_id: str) -> Fill:
        if self._switch.state is TradingState.HALTED:
            known = await self._inner.lookup(client_id)
            if known is not None:
                return known
            raise RejectedError(self.name, f"trading is HALTED; {action.describe()} was not sent")
        return await self._inner.execute(action, client_id=client_id)


def guarded(venues: dict[str, Connector], kill_switch: KillSwitch) -> dict[str, Connector]:
    return {name: HaltGuard(venue, kill_switch) for name, venue in venues.items()}
