"""The assermentation's rules: the agrément's end, the texts of each route, the agent's
statuses."""

from __future__ import annotations

from datetime import date

from domain.calendar import validity_end
from domain.procedures.assermentation import (
    AgentStatus,
    ArreteAgrement,
    RouteAssermentation,
    StepKey,
    agent_status,
    agrement_end,
    agrement_end_refusal,
    legal_basis,
)

GARDE, SERVICE = RouteAssermentation.GARDE_PARTICULIER, RouteAssermentation.SERVICE_INTERNE


def test_an_agrement_ends_five_years_after_its_arrete_unless_the_arrete_says_otherwise():
    assert agrement_end(ArreteAgrement(arrete_le=date(2030, 4, 1))) == date(2035, 4, 1)
    # 29 February 2028 + 5 years: no 29 February in 2033, the last day of February.
    assert validity_end(date(2028, 2, 29), 5) == date(2033, 2, 28)
    stated = ArreteAgrement(arrete_le=date(2030, 4, 1), fin_le=date(2035, 3, 31))
    assert agrement_end(stated) == date(2035, 3, 31)


def test_an_arrete_may_not_state_an_end_beyond_five_years_nor_before_itself():
    arrete = date(2030, 4, 1)
    assert agrement_end_refusal(GARDE, ArreteAgrement(arrete_le=arrete)) is None
    assert (
        agrement_end_refusal(GARDE, ArreteAgrement(arrete_le=arrete, fin_le=date(2035, 4, 1)))
        is None
    )
    beyond = agrement_end_refusal(
        SERVICE, ArreteAgrement(arrete_le=arrete, fin_le=date(2035, 4, 2))
    )
    assert beyond is not None
    assert "valable 5 ans (art. R. 614-15 CSI)" in beyond and "01/04/2035" in beyond
    assert agrement_end_refusal(GARDE, ArreteAgrement(arrete_le=arrete, fin_le=arrete)) is not None


def test_the_internal_security_route_cites_the_csi_and_the_garde_its_cpp_texts():
    assert legal_basis(SERVICE, StepKey.INSTRUCTION_AGREMENT) == "art. R. 614-15 CSI"
    assert legal_basis(SERVICE, StepKey.RENOUVELLEMENT) == "art. R. 614-15 CSI"
    assert all(
        "CPP" not in (legal_basis(SERVICE, key) or "") for key in StepKey if key != "cloture"
    )
    assert legal_basis(GARDE, StepKey.INSTRUCTION_AGREMENT) is None  # the catalogue's CPP text


def test_the_status_between_the_end_and_the_renewal_has_its_code_and_wording():
    assert AgentStatus.AGREMENT_EXPIRE == "agrement_expire"
    assert "renouvellement en cours d'examen" in AgentStatus.AGREMENT_EXPIRE.label
    assert agent_status(AgentStatus.AGREMENT_EXPIRE.label) is AgentStatus.AGREMENT_EXPIRE
    assert agent_status("Agent actif depuis le") is AgentStatus.ACTIF
    assert agent_status("Agent en fonctions") is None
