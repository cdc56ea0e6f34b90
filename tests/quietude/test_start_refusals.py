"""A start refused by the reference data or the calendar names the input it refuses, and the
title of a new dossier is written from the labels of its codes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from domain.actors import Role
from domain.contracts import Policy
from domain.procedures import definition, readable_title
from quietude.starts import StartRefused, prepare
from quietude.tokens import Claims
from tests.builders import BAILLEUR, plainte_body, resiliation_body, signalement_body

CALLER = Claims(sub="juriste@bailleur", org=BAILLEUR, role=Role.JURISTE)
TODAY = date(2026, 12, 3)


def _refusal(engine: Engine, body: dict[str, object]) -> StartRefused:
    facts = definition(str(body["kind"])).parse(body)
    with Session(engine) as session, pytest.raises(StartRefused) as refused:
        prepare(session, CALLER, facts, Policy(), TODAY)
    return refused.value


def test_an_unknown_commune_names_the_residences_commune(reference_engine: Engine) -> None:
    body = resiliation_body()
    body["logement"]["residence"]["commune_insee"] = "91999"
    refusal = _refusal(reference_engine, body)
    assert refusal.field == "logement.residence.commune_insee"
    assert refusal.message.startswith("Commune inconnue : 91999")


def test_facts_in_the_future_name_their_date_in_french(reference_engine: Engine) -> None:
    signalement = _refusal(reference_engine, signalement_body(faits_le="2026-12-25T10:00:00+01:00"))
    assert signalement.field == "faits_le"
    assert signalement.message == "La date des faits (25 décembre 2026) est dans le futur."
    body = plainte_body()
    body["faits"]["le"] = "2026-12-25T10:00:00+01:00"
    assert _refusal(reference_engine, body).field == "faits.le"


def test_a_new_title_is_written_from_the_labels_of_its_codes() -> None:
    signalement = definition("signalement")
    facts = signalement.parse(signalement_body(categorie="trafic_stupefiants"))
    assert signalement.title(facts) == "Signalement — trafic de stupéfiants"
    resiliation = definition("resiliation")
    motifs = ["troubles_jouissance", "trafic_stupefiants"]
    facts = resiliation.parse(resiliation_body(motifs=motifs))
    title = "Résiliation de bail — troubles de jouissance, trafic de stupéfiants"
    assert resiliation.title(facts) == title


def test_a_stored_title_with_raw_codes_reads_in_their_words() -> None:
    assert readable_title("Plainte — degradations") == "Plainte — dégradations"
    assert readable_title("Résiliation de bail — troubles jouissance, trafic stupefiants") == (
        "Résiliation de bail — troubles de jouissance, trafic de stupéfiants"
    )
    assert readable_title("Intervention conjointe — Les Tilleuls") == (
        "Intervention conjointe — Les Tilleuls"
    )
