"""The diagnostic columns derived from a procedure's facts, one kind at a time."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from store.diagnostic_columns import diagnostic_columns, moment_columns, procedure_columns

PARIS = ZoneInfo("Europe/Paris")
CREATED = datetime(2026, 7, 1, 9, tzinfo=UTC)
PLACE = {"nom": "Les Tilleuls", "commune_insee": "91228", "batiment": "B", "hall": 2}


def test_signalement_is_dated_by_its_facts_and_placed_in_its_hall() -> None:
    facts = {"categorie": "occupation_halls", "faits_le": "2026-02-10T21:30:00Z"}
    columns = diagnostic_columns("signalement", facts | {"residence": PLACE}, [], CREATED)
    assert columns == {
        "facts_at": datetime(2026, 2, 10, 21, 30, tzinfo=UTC),
        "categorie": "occupation_halls",
        "batiment": "B",
        "hall": "2",
        "trafic": False,
    }


def test_signalement_of_trafficking_and_naive_moment_read_in_paris() -> None:
    facts = {"categorie": "trafic_stupefiants", "faits_le": "2026-04-14T22:30:00"}
    columns = diagnostic_columns("signalement", facts, [], CREATED)
    assert columns["facts_at"] == datetime(2026, 4, 14, 22, 30, tzinfo=PARIS)
    assert columns["facts_at"].utcoffset().total_seconds() == 7200
    assert columns["trafic"] is True
    assert columns["batiment"] is None and columns["hall"] is None


def test_plainte_reads_its_faits_and_the_trafficking_flag() -> None:
    faits = {"le": "2026-03-01T23:00:00+01:00", "categorie": "degradations"}
    flagged = {"residence": PLACE, "faits": faits | {"trafic_stupefiants": True}}
    columns = diagnostic_columns("plainte", flagged, [], CREATED)
    assert columns["facts_at"] == datetime(2026, 3, 1, 22, tzinfo=UTC)
    assert columns["categorie"] == "degradations"
    assert columns["trafic"] is True
    plain = {"residence": PLACE, "faits": faits | {"trafic_stupefiants": False}}
    assert diagnostic_columns("plainte", plain, [], CREATED)["trafic"] is False


def test_resiliation_is_dated_by_its_first_act_at_midnight_in_paris() -> None:
    facts = {
        "motifs": ["trafic_stupefiants", "troubles_jouissance"],
        "logement": {"residence": PLACE},
    }
    opened = [date(2026, 3, 5), date(2026, 2, 1), date(2026, 4, 1)]
    columns = diagnostic_columns("resiliation", facts, opened, CREATED)
    assert columns == {
        "facts_at": datetime(2026, 2, 1, tzinfo=PARIS),
        "categorie": "trafic_stupefiants",
        "batiment": "B",
        "hall": "2",
        "trafic": True,
    }


def test_resiliation_without_steps_falls_back_on_its_creation() -> None:
    columns = diagnostic_columns("resiliation", {"motifs": ["impayes"]}, [], CREATED)
    assert columns["facts_at"] == CREATED
    assert columns["categorie"] == "impayes"
    assert columns["trafic"] is False


def test_other_kinds_are_dated_by_their_creation() -> None:
    for kind in ("assermentation", "intervention"):
        columns = diagnostic_columns(kind, {"residence": PLACE}, [date(2020, 1, 1)], CREATED)
        assert columns["facts_at"] == CREATED
        assert columns["categorie"] is None
        assert (columns["batiment"], columns["hall"]) == ("B", "2")


def test_missing_or_unreadable_facts_give_empty_columns() -> None:
    for facts in ({}, {"faits_le": "hier soir", "residence": "Les Tilleuls"}, {"faits_le": 3}):
        columns = diagnostic_columns("signalement", facts, [], CREATED)
        assert columns == {
            "facts_at": None,
            "categorie": None,
            "batiment": None,
            "hall": None,
            "trafic": False,
        }


def test_moment_is_the_paris_hour_and_weekday_in_winter_and_summer() -> None:
    winter = datetime(2026, 2, 10, 21, 30, tzinfo=UTC)  # 22:30 in Paris, a Tuesday
    summer = datetime(2026, 6, 13, 22, 15, tzinfo=UTC)  # 00:15 on Sunday in Paris
    assert moment_columns(winter) == {"facts_hour": 22, "facts_weekday": 1}
    assert moment_columns(summer) == {"facts_hour": 0, "facts_weekday": 6}
    assert moment_columns(None) == {"facts_hour": None, "facts_weekday": None}
    facts = {"categorie": "degradations", "faits_le": "2026-06-14T00:15:00+02:00"}
    assert procedure_columns("signalement", facts, [], CREATED)["facts_weekday"] == 6
