"""Expose each registry tool over MCP: its input model's fields become the tool's parameters,
its output model the structured result; scopes are checked and failures become tool errors."""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import Callable, Collection
from typing import Annotated, Any

from mcp.server.elicitation import ElicitationResult
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import Resolve
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from agent.tools import TRADE_SCOPE, PermissionDenied, ToolContext, ToolFailure, ToolSpec, explain
from mcp_server.confirm import ConfirmTrade, confirmation_resolver
from mcp_server.scopes import granted_scopes, tool_context

log = logging.getLogger(__name__)
_KW = inspect.Parameter.KEYWORD_ONLY


def _parameters(model: type[BaseModel]) -> list[inspect.Parameter]:
    """The input model's fields as keyword parameters, keeping their constraints and descriptions."""
    params = []
    for name, field in model.model_fields.items():
        annotation = Annotated[(field.annotation, *field.metadata, Field(description=field.description))]  # type: ignore[misc,name-defined]
        default: Any = inspect.Parameter.empty
        if field.default_factory is not None:
            default = field.default_factory()  # type: ignore[call-arg]
        elif not field.is_required():
            default = field.default
        params.append(inspect.Parameter(name, _KW, default=default, annotation=annotation))
    return params


def _signed(fn: Callable[..., Any], spec: ToolSpec, extra: list[inspect.Parameter]) -> Callable[..., Any]:
    params = [*_parameters(spec.input), *extra]
    fn.__signature__ = inspect.Signature(params, return_annotation=spec.output)  # type: ignore[attr-defined]
    fn.__annotations__ = {p.name: p.annotation for p in params} | {"return": spec.output}
    fn.__name__ = spec.name
    fn.__qualname__ = f"defai_tool_{spec.name}"
    fn.__doc__ = spec.description
    return fn


async def run_spec(
    spec: ToolSpec, tools: ToolContext, scopes: frozenset[str], kwargs: dict[str, Any]
) -> BaseModel:
    """Scope check, input validation, the call; every failure becomes a ToolError with an actionable message."""
    try:
        if spec.write and TRADE_SCOPE not in scopes:
            raise PermissionDenied(
                f"{spec.name} changes funds or schedules and needs the '{TRADE_SCOPE}' scope, but this "
                "connection is read-only. Nothing was done. Connect with a trade token (HTTP) or start the "
                "server with `defai mcp --trade` (stdio)."
            )
        return await spec.fn(tools, spec.input.model_validate(kwargs))
    except ToolError:
        raise
    except Exception as exc:
        message = explain(exc)
        if message.startswith("internal error"):
            log.exception("tool %s failed", spec.name)
        raise ToolError(message) from None


def _annotations(spec: ToolSpec) -> ToolAnnotations:
    return ToolAnnotations(
        title=spec.name.replace("_", " "),
        read_only_hint=not spec.write,
        destructive_hint=spec.write,
        idempotent_hint=not spec.write,
        open_world_hint=False,
    )


def register(server: MCPServer[Any], spec: ToolSpec, default_scopes: Collection[str]) -> None:
    """Add one registry tool to the server; execute_plan first asks the user to confirm when it can."""
    ctx_param = inspect.Parameter("ctx", _KW, annotation=Context)
    if spec.name == "execute_plan":
        confirm = Annotated[ElicitationResult[ConfirmTrade], Resolve(confirmation_resolver(default_scopes))]

        async def confirmed(ctx: Context[Any, Any], confirmation: Any, **kwargs: Any) -> BaseModel:
            if confirmation.action != "accept" or not confirmation.data.confirm:
                with contextlib.suppress(ToolFailure):
                    tool_context(ctx).plans.take(kwargs["token"])
                raise ToolError("the user declined the trade; nothing was executed and the token is void")
            return await run_spec(spec, tool_context(ctx), granted_scopes(default_scopes), kwargs)

        fn = _signed(confirmed, spec, [ctx_param, inspect.Parameter("confirmation", _KW, annotation=confirm)])
    else:

        async def plain(ctx: Context[Any, Any], **kwargs: Any) -> BaseModel:
            return await run_spec(spec, tool_context(ctx), granted_scopes(default_scopes), kwargs)

        fn = _signed(plain, spec, [ctx_param])
    server.add_tool(fn, name=spec.name, description=spec.description, annotations=_annotations(spec))
