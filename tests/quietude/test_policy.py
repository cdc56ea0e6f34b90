"""The policy a new procedure freezes: its département's convention over the settings, or the
defaults said to be such where no convention is signed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlalchemy import Engine

from domain.calendar import DeadlineRule, Regime, TreveHivernale, compute_deadline
from domain.contracts import ConventionRef, PolicyRevision, ProcedureStart
from domain.procedures import StartBody, definition
from domain.steps import DeadlineKind
from quietude.conventions import Conventions, read_conventions
from quietude.policy import DEFAULT_TARGET_BASIS, policy_for, policy_from
from quietude.procedures import ProcedureService, StartRequest
from quietude.settings import REPO_ROOT, Settings
from quietude.tokens import Claims
from quietude.treve import revision_for
from tests.builders import BAILLEUR, EVRY, signalement_body, tilleuls

ESSONNE = read_conventions(REPO_ROOT / "data" / "conventions.toml")
BOBIGNY = "93008"
DEFAULT_LABEL = "objectif par défaut — aucune convention signée dans ce département (10j)"


def with_sla(settings: Settings, **sla: str) -> Settings:
    return settings.model_copy(update={"sla": sla})


def test_the_essonne_keeps_the_settings_targets_under_its_convention(settings: Settings) -> None:
    settings = with_sla(settings, retour_information="10j")
    policy = policy_for("91", ESSONNE, settings, "signalement")
    installation = policy_from(settings)
    assert (policy.sla, policy.treve) == (installation.sla, installation.treve)
    assert policy.sla["retour_information"].label == "objectif de la convention (10j)"
    assert policy.convention == ConventionRef(
        title="Convention sécurité – tranquillité résidentielle de l'Essonne",
        signed_on=date(2021, 9, 14),
    )
    assert (policy.departement, policy.default_targets) == ("91", False)


def test_a_convention_target_wins_over_the_settings_in_its_département_only(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "conventions.toml"
    path.write_text(
        '[departements.95]\ntitre = "Convention du Val-d\'Oise"\ndate = 2023-05-02\n'
        'source = "x"\nfin_treve = "04-30"\n[departements.95.objectifs]\n'
        'retour_information = "1m"\n',
        encoding="utf-8",
    )
    settings = with_sla(settings, retour_information="10j")
    conventions = read_conventions(path)
    val_d_oise = policy_for("95", conventions, settings)
    assert val_d_oise.sla["retour_information"] == DeadlineRule(
        months=1, regime=Regime.SLA, label="objectif de la convention (1m)"
    )
    assert (val_d_oise.treve.end_month, val_d_oise.treve.end_day) == (4, 30)
    elsewhere = policy_for("77", conventions, settings)
    assert elsewhere.sla["retour_information"].days == 10
    assert (elsewhere.treve.end_month, elsewhere.treve.end_day) == (3, 31)


def test_without_a_convention_every_target_is_a_default_said_to_be_one(
    settings: Settings,
) -> None:
    settings = with_sla(settings, retour_information="10j")
    policy = policy_for("93", Conventions(), settings, "signalement")
    assert policy.default_targets and policy.convention is None
    sla_steps = [
        spec
        for spec in definition("signalement").catalog.steps
        if spec.deadline == DeadlineKind.SLA and spec.rule is not None
    ]
    assert {spec.key for spec in sla_steps} <= set(policy.sla)
    reception = policy.sla["accuse_reception"]
    catalogue = definition("signalement").catalog.spec("accuse_reception").rule
    assert catalogue is not None and reception.working_days == catalogue.working_days
    assert reception.legal_basis == DEFAULT_TARGET_BASIS
    assert policy.sla["retour_information"].label == DEFAULT_LABEL
    deadline = compute_deadline(date(2030, 3, 4), reception)
    assert deadline.due == date(2030, 3, 6)
    assert deadline.legal_basis == (
        "objectif par défaut — aucune convention signée dans ce département (sans valeur légale)"
    )


async def started_policy(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch, body: dict[str, Any]
) -> ProcedureStart:
    service = ProcedureService(client=None, engine=engine, settings=settings)  # type: ignore[arg-type]
    started: list[ProcedureStart] = []

    async def launch(start: ProcedureStart) -> str:
        started.append(start)
        return "signalement-2026-000001"

    monkeypatch.setattr(service, "_launch", launch)
    facts = TypeAdapter(StartBody).validate_python(body)
    caller = Claims(sub="juriste-1", org=BAILLEUR, role="juriste")
    await service.start(StartRequest(caller=caller, facts=facts))
    [start] = started
    return start


async def test_a_procedure_in_essonne_starts_under_its_convention(
    reference_engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = await started_policy(reference_engine, settings, monkeypatch, signalement_body())
    assert start.policy.convention is not None
    assert start.policy.convention.signed_on == date(2021, 9, 14)
    assert start.policy.sla == {} and not start.policy.default_targets


async def test_a_procedure_where_no_convention_is_signed_starts_with_defaults(
    reference_engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = signalement_body(residence=tilleuls(commune_insee=BOBIGNY))
    start = await started_policy(reference_engine, settings, monkeypatch, body)
    assert start.commune_insee == BOBIGNY
    assert (start.policy.departement, start.policy.default_targets) == ("93", True)
    assert start.policy.sla["accuse_reception"].legal_basis == DEFAULT_TARGET_BASIS


def test_a_moved_trêve_keeps_the_usual_end_a_convention_sets(tmp_path: Path) -> None:
    path = tmp_path / "conventions.toml"
    path.write_text(
        '[departements.95]\ntitre = "Convention du Val-d\'Oise"\ndate = 2023-05-02\n'
        'source = "x"\nfin_treve = "04-30"\n',
        encoding="utf-8",
    )
    ends = read_conventions(path).regular_treve_ends()
    assert ends == {"95": (4, 30)}
    moved = TreveHivernale(ends={2027: date(2027, 5, 31)})
    revision = PolicyRevision(treve=moved, reason="loi", sub="admin")
    in_val_d_oise = revision_for(revision, "95127", ends).treve
    assert (in_val_d_oise.end_month, in_val_d_oise.end_day) == (4, 30)
    assert in_val_d_oise.end_of(2027) == date(2027, 5, 31)
    assert in_val_d_oise.end_of(2028) == date(2028, 4, 30)
    assert revision_for(revision, EVRY, ends) == revision
