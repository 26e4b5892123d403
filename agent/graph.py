"""The agent loop as a LangGraph state machine: analyse -> decide -> risk_check -> [approval] -> execute.

Reads top to bottom. Routes are named functions in agent.nodes.routes; dependencies come from the
runtime context (`AgentDeps`), never from state.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from agent.context import AgentDeps
from agent.nodes import (
    after_approval,
    after_decide,
    after_risk,
    analyse,
    await_approval,
    decide,
    execute,
    record,
    risk_check,
)
from agent.state import ANALYSE, AWAIT_APPROVAL, DECIDE, EXECUTE, RECORD, RISK_CHECK, AgentState


def build_graph(checkpointer: Any = None) -> Any:
    """Compile the agent graph; pass a checkpointer (see agent.checkpoint) for durable runs."""
    g = StateGraph(AgentState, context_schema=AgentDeps)
    g.add_node(ANALYSE, analyse)
    g.add_node(DECIDE, decide)
    g.add_node(RISK_CHECK, risk_check)
    g.add_node(AWAIT_APPROVAL, await_approval)
    g.add_node(EXECUTE, execute)
    g.add_node(RECORD, record)
    g.add_edge(START, ANALYSE)
    g.add_edge(ANALYSE, DECIDE)
    g.add_conditional_edges(DECIDE, after_decide)  # -> RISK_CHECK | RECORD
    g.add_conditional_edges(RISK_CHECK, after_risk)  # -> AWAIT_APPROVAL | EXECUTE | RECORD
    g.add_conditional_edges(AWAIT_APPROVAL, after_approval)  # -> RISK_CHECK (edit) | EXECUTE | RECORD
    g.add_edge(EXECUTE, RECORD)
    g.add_edge(RECORD, END)
    return g.compile(checkpointer=checkpointer)


graph = build_graph()
"""Module-level graph for `langgraph dev` / LangGraph Studio (see langgraph.json)."""
