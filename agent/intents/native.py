"""On-chain DEXes trade WETH, not the native coin: rewrite ETH legs of swaps before routing on a chain.

Selling N ETH becomes "wrap N ETH" then "swap N WETH"; buying ETH buys WETH (unwrapping afterwards is a
separate, explicit intent, since the exact amount received is only known after the swap). "all" of the
native coin is left alone: the connector refuses it clearly, because gas must stay in ETH.
"""

from __future__ import annotations

from agent.intents.plan_models import Plan, PlanStep
from connectors.domain import Action, Swap, Wrap

NATIVE, WRAPPED = "ETH", "WETH"


def wrap_native_legs(plan: Plan) -> Plan:
    actions: list[Action] = []
    notes = list(plan.notes)
    shift: dict[int, int] = {}
    for i, action in enumerate(plan.actions):
        shift[i] = len(actions)
        if (
            isinstance(action, Swap)
            and action.sell.upper() == NATIVE
            and action.amount_in == "sell"
            and action.amount != "all"
        ):
            actions.append(
                Wrap(amount=action.amount, venue=action.venue, reason=f"wrap for: {action.reason or 'swap'}")
            )
            shift[i] = len(actions)
            actions.append(action.model_copy(update={"sell": WRAPPED}))
            notes.append(f"ETH is wrapped to WETH first ({action.amount} ETH): on-chain pools trade WETH")
        elif isinstance(action, Swap) and action.buy.upper() == NATIVE:
            actions.append(action.model_copy(update={"buy": WRAPPED}))
            notes.append("you receive WETH; run an 'unwrap' intent for native ETH")
        else:
            actions.append(action)
    if len(notes) == len(plan.notes):
        return plan
    steps = (
        tuple(
            PlanStep(kind="action", description=a.describe(), action_index=j) for j, a in enumerate(actions)
        )
        if any(s.kind == "action" for s in plan.steps)
        else tuple(
            s.model_copy(update={"action_index": shift.get(s.action_index, s.action_index)})
            if s.action_index is not None
            else s
            for s in plan.steps
        )
    )
    return plan.model_copy(update={"actions": tuple(actions), "notes": tuple(notes), "steps": steps})
