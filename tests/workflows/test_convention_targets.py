"""A step's target as the procedure shows it: the convention's, or a default said to be one."""

from __future__ import annotations

from datetime import date

from domain.contracts import Policy
from quietude.conventions import Conventions, read_conventions
from quietude.policy import policy_for
from quietude.settings import REPO_ROOT, Settings
from tests.builders import signalement_start
from tests.workflows.helpers import pending, start_procedure, view
from workflows.signalement import SignalementWorkflow

MONDAY = date(2030, 3, 4)


async def reception_of(client, worker, policy: Policy):
    start = signalement_start(created_on=MONDAY)
    start.policy = policy
    handle = await start_procedure(client, worker, SignalementWorkflow, start)
    return pending(await view(handle))["accuse_reception"]


async def test_a_step_of_a_département_without_convention_shows_a_default_target(
    client, worker, settings: Settings
):
    essonne = read_conventions(REPO_ROOT / "data" / "conventions.toml")
    signed = await reception_of(client, worker, policy_for("91", essonne, settings, "signalement"))
    unsigned = await reception_of(
        client, worker, policy_for("93", Conventions(), settings, "signalement")
    )
    assert signed.due == unsigned.due == date(2030, 3, 6)
    assert signed.legal_basis == "objectif de la convention (sans valeur légale)"
    assert unsigned.legal_basis == (
        "objectif par défaut — aucune convention signée dans ce département (sans valeur légale)"
    )
