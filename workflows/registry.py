"""The workflow of each kind of procedure: the flow of kind <kind> is in workflows/<kind>.py,
the class there that names the kind's definition."""

from __future__ import annotations

import importlib
from typing import Any

import workflows
from domain.definition import ProcedureDefinition
from domain.procedures import DEFINITIONS
from workflows.engine import ProcedureWorkflow


def workflow_of(definition: ProcedureDefinition[Any]) -> type[ProcedureWorkflow[Any]]:
    """The workflow class running procedures of `definition`."""
    module = importlib.import_module(f"{workflows.__name__}.{definition.kind.value}")
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, ProcedureWorkflow)
            and value.__dict__.get("definition") is definition
        ):
            return value
    raise LookupError(f"no workflow for {definition.kind.value} in {module.__name__}")


WORKFLOWS: list[type[ProcedureWorkflow[Any]]] = [workflow_of(d) for d in DEFINITIONS.values()]
