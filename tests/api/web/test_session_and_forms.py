"""The signed session cookie, and forms read into the API's models."""

from __future__ import annotations

import time
from pathlib import Path

from starlette.datastructures import FormData

from api.web.forms import FormSpec, field_id, read_form
from api.web.session import WebSession, decode_session, encode_session
from domain.procedures.resiliation_facts import ResiliationFacts
from tests.fixtures import settings_for


def test_a_session_survives_its_cookie_and_a_tampered_one_does_not(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    session = WebSession.fresh().signed_in("jeton")
    value = encode_session(settings, session)
    assert decode_session(settings, value) == session
    body, signature = value.split(".")
    assert decode_session(settings, body[:-2] + "xx." + signature) is None
    assert decode_session(settings, value + "x") is None
    other = settings_for(tmp_path)
    assert decode_session(other, value) is None


def test_a_session_expires_with_the_token_lifetime(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    value = encode_session(settings, WebSession.fresh().signed_in("jeton"))
    later = time.time() + settings.token_ttl_minutes * 60 + 1
    assert decode_session(settings, value, now=later) is None


def test_signing_in_renews_the_csrf_token() -> None:
    anonymous = WebSession.fresh()
    assert anonymous.signed_in("jeton").csrf != anonymous.csrf


def test_empty_rows_are_left_out_and_errors_name_the_row_typed() -> None:
    form = FormData(
        [
            ("locataires.0.nom", ""),
            ("locataires.1.nom", "Martin"),
            ("locataires.2.prenom", "Léa"),
            ("motifs", "autre"),
            ("impayes", "on"),
        ]
    )
    spec = FormSpec(
        model=ResiliationFacts,
        fixed={"kind": "resiliation"},
        multiple=frozenset({"motifs"}),
        checkboxes=frozenset({"impayes"}),
    )
    result = read_form(spec, form)
    assert result.errors["locataires.2.nom"] == "Champ requis"
    assert "locataires.1.nom" not in result.errors
    assert "locataires.0.nom" not in result.errors
    assert "impayes" not in result.errors and "motifs" not in result.errors
    assert result.values["locataires.2.prenom"] == "Léa"
    assert field_id("locataires.2.nom") == "f-locataires-2-nom"
    assert field_id("outcome", "decision_parquet.") == "f-decision-parquet-outcome"
