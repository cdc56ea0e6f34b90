"""Synthetic read model for `bench.read_path`: procedures of every kind walked along their real
catalogue, spread over the communes loaded that have a competent unit (weighted by population,
so the big police units get the big inboxes), each step held by the organisation its commune's
data names for its actor, and over 40 bailleurs of unequal size; about 5 % open with one or two
pending steps, a quarter of those overdue; the rest closed over five years."""

from __future__ import annotations

import bisect
import itertools
import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

import psycopg

from domain.kinds import ProcedureKind
from domain.procedures import DEFINITIONS
from store.diagnostic_columns import moment_columns
from store.durations import AS_BAILLEUR, AS_PARTNER
from store.search import search_texts
from store.visibility import SearchTier
from tests.builders import BAILLEUR, OTHER_BAILLEUR

KINDS = (
    (ProcedureKind.SIGNALEMENT.value, 0.55, 6),  # kind, share, mean days a step takes
    (ProcedureKind.PLAINTE.value, 0.20, 15),
    (ProcedureKind.INTERVENTION_CONJOINTE.value, 0.12, 7),
    (ProcedureKind.RESILIATION.value, 0.10, 30),
    (ProcedureKind.ASSERMENTATION.value, 0.03, 20),
)
# The commune's competent organisations per actor (store.reference: the commune's columns);
# the commissaire de justice is the bailleur's choice: the demo one for all.
COMPETENT = {
    "forces": "forces_org_id",
    "parquet": "parquet_org_id",
    "juge": "juge_org_id",
    "prefet": "prefet_org_id",
}
COMMISSAIRE_JUSTICE = "demo-commissaire-justice"
SYNTHETIC_BAILLEURS = 38
OPEN_SHARE = 0.05
LONG_RUNNING_SHARE = 0.08  # of the open ones: waiting for months, hence overdue
DELAYS = (15, 30, 60, 60)  # days a pending step is given
YEARS = 5
# The persons a signalement concerns: searched by name by the bailleur's legal team.
SURNAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
    "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
)  # fmt: skip
NULL = "\\N"
NULLS = (NULL,) * 4
PROCEDURE_COLUMNS = (
    "id, kind, status, bailleur_id, commune_insee, residence_nom, title, facts, created_at,"
    " updated_at, closed_at, next_due, overdue, pending_actors, search_text, search_shared,"
    " search_full, links, milestones,"
    " facts_at, categorie, trafic, facts_hour, facts_weekday"
)
STEP_COLUMNS = (
    "id, procedure_id, key, seq, label, actor, org_id, assignee_sub, status, opened_at,"
    " opened_on, due, due_explanation, overdue, outcome, implicite, completed_at, completed_on,"
    " completed_by, completed_by_org, data, legal_basis,"
    " facts_at, commune_insee, procedure_kind, procedure_status, bailleur_id"
)
LEDGER_COLUMNS = "procedure_id, kind, viewers, durations"


@dataclass
class Synthetic:
    """What the benchmark needs to know of the data it loaded."""

    procedures: int = 0
    steps: int = 0
    open: int = 0
    pending: int = 0
    overdue: int = 0
    detail_id: str = ""  # a procedure of BAILLEUR with many steps, for the detail
    seconds: dict[str, float] = field(default_factory=dict)  # time of each phase of the load
    # The step duration counts, as the projection keeps them (store.durations).
    counts: Counter[tuple[str, str, str, str, int]] = field(default_factory=Counter, repr=False)
    labels: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class World:
    """Organisations and communes of the reference data, with the bench's bailleurs."""

    bailleurs: list[str]
    bailleur_weights: list[float]
    communes: list[tuple[str, str, dict[str, str]]]  # insee, name, organisation per actor
    commune_weights: list[float]


def world(connection: psycopg.Connection) -> World:
    """Add the bench's bailleurs to the reference data; the weighted draws of the load."""
    bailleurs = [BAILLEUR, OTHER_BAILLEUR]
    for number in range(1, SYNTHETIC_BAILLEURS + 1):
        org_id = f"bailleur-banc-{number:02d}"
        connection.execute(
            "INSERT INTO organisation (id, kind, name, territory, email, managers_email, demo)"
            " VALUES (%s, 'bailleur', %s, 'Essonne', %s, %s, true) ON CONFLICT DO NOTHING",
            (org_id, f"Bailleur {number} (banc d'essai)", f"{org_id}@x.fr", f"m@{org_id}.fr"),
        )
        bailleurs.append(org_id)
    # BAILLEUR, the one measured, is the largest: an eighth of all procedures.
    # The others by Zipf's law (the second an eighth too, the third half as many…).
    zipf = [1 / (rank + 1) for rank in range(len(bailleurs) - 1)]
    weights = [0.125] + [0.875 * share / sum(zipf) for share in zipf]
    columns = ", ".join(COMPETENT.values())
    rows = connection.execute(
        f"SELECT insee, name, population, {columns} FROM commune"
        " WHERE forces_org_id IS NOT NULL ORDER BY insee"
    ).fetchall()
    communes = [
        (insee, name, dict(zip(COMPETENT, orgs, strict=True))) for insee, name, _, *orgs in rows
    ]
    populations = [max(1, population) for _, _, population, *_ in rows]
    return World(
        bailleurs,
        list(itertools.accumulate(weights)),
        communes,
        list(itertools.accumulate(populations)),
    )


def _draw(rng: random.Random, items: list, cumulated: list[float]):  # noqa: ANN001, ANN202
    return items[bisect.bisect(cumulated, rng.random() * cumulated[-1])]


def _text(value: object) -> str:
    """A value in COPY's text format (the generated strings hold no tab, newline or \\)."""
    return NULL if value is None else str(value)


def _days(rng: random.Random, mean: int) -> int:
    return min(int(rng.expovariate(1 / mean)) + 1, 8 * mean)


@dataclass(frozen=True)
class _Spec:
    key: str
    label: str
    actor: str
    outcome: str
    legal_basis: str


def _specs() -> dict[str, list[_Spec]]:
    return {
        kind: [
            _Spec(s.key, s.label, s.actor.value, s.outcomes[0].key, s.legal_basis)
            for s in definition.catalog.steps
        ]
        for kind, definition in DEFINITIONS.items()
    }


def _count(result: Synthetic, kind: str, viewers: list[list[str]], durations: list) -> str:
    """Add a procedure's durations to the counts as `store.durations` would; its ledger line."""
    for org, role in viewers:
        for key, days in durations:
            result.counts[org, role, kind, key, days] += 1
    ledger = (json.dumps(viewers), json.dumps(durations, ensure_ascii=False))
    return "\t".join(ledger)


def generate(
    procedures: int, steps: int, world: World, result: Synthetic, seed: int = 91
) -> Iterator[tuple[str, list[str], str]]:
    """Each procedure's COPY line with its steps' lines and its duration ledger's line
    (empty when none of its steps is done); `result` counts as they go."""
    rng = random.Random(seed)
    today = datetime.now(UTC).date()
    now = f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S}+00"
    kinds = [kind for kind, _, _ in KINDS]
    kind_weights = list(itertools.accumulate(share for _, share, _ in KINDS))
    means = {kind: mean for kind, _, mean in KINDS}
    specs_of = _specs()
    per = steps / procedures
    for index in range(procedures):
        kind = _draw(rng, kinds, kind_weights)
        specs = specs_of[kind]
        bailleur = _draw(rng, world.bailleurs, world.bailleur_weights)
        insee, commune, competent = _draw(rng, world.communes, world.commune_weights)
        orgs = {"bailleur": bailleur, "commissaire_justice": COMMISSAIRE_JUSTICE, **competent}
        count = max(1, round(rng.uniform(per / 2, per * 3 / 2)))
        taken = [_days(rng, means[kind]) for _ in range(count)]
        open_ = rng.random() < OPEN_SHARE
        pending = (2 if count > 2 and rng.random() < 0.15 else 1) if open_ else 0
        done = count - pending
        if open_:
            back = (
                rng.randrange(90, 700) if rng.random() < LONG_RUNNING_SHARE else rng.randrange(40)
            )
            start = today - timedelta(days=back + sum(taken[:done]))
        else:
            start = today - timedelta(days=rng.randrange(1, 365 * YEARS) + sum(taken))
        procedure_id = f"{kind}-{start.year}-{index:07d}"
        cancelled = not open_ and rng.random() < 0.03
        lines = []
        opened = start
        dues = []
        actors = set()
        durations = []
        status = "open" if open_ else ("cancelled" if cancelled else "closed")
        created = f"{start} 08:00:00+00"
        copies = (created, insee, kind, status, bailleur)  # store.diagnostic_columns.STEP_COPIES
        for position in range(count):
            spec = specs[position % len(specs)]
            seq = position // len(specs) + 1
            org = orgs.get(spec.actor, bailleur)
            delay = DELAYS[rng.randrange(len(DELAYS))]
            due = opened + timedelta(days=delay)
            # assignee, status, opened_at, opened_on, due, due_explanation, overdue, outcome,
            # implicite, completed_at, completed_on, completed_by, completed_by_org
            dated = (f"{opened} 09:00:00+00", str(opened), str(due), f"{delay} jours")
            if position >= done:  # pending
                late = due < today
                dues.append(due)
                actors.add(spec.actor)
                result.pending += 1
                result.overdue += late
                assignee = f"agent{rng.randrange(20)}@{org}" if rng.random() < 0.3 else NULL
                state = (assignee, "pending", *dated, "t" if late else "f", NULL, "f", *NULLS)
            elif cancelled and position == count - 1:
                ended = f"{opened} 17:00:00+00"
                state = (NULL, "cancelled", *dated, "f", NULL, "f", ended, *NULLS[1:])
            else:
                completed = opened + timedelta(days=taken[position])
                ended = f"{completed} 17:00:00+00"
                by = (ended, str(completed), f"agent@{org}", org)
                state = (NULL, "done", *dated, "f", spec.outcome, "f", *by)
                durations.append([spec.key, taken[position]])
                result.labels[kind, spec.key] = spec.label
                opened = completed
            identity = (f"{procedure_id}:{spec.key}:{seq}", procedure_id, spec.key, str(seq))
            described = (spec.label, spec.actor, org)
            row = (*identity, *described, *state, "{}", spec.legal_basis, *copies)
            lines.append("\t".join(row) + "\n")
        residence = f"Résidence {commune} {index % 97}"
        title = f"{ProcedureKind(kind).label} — {residence}"
        facts_dict = {
            "kind": kind,
            "residence": {
                "nom": residence,
                "adresse": f"{index % 200 + 1} rue des Lilas",
                "commune_insee": insee,
                "hall": f"{index % 7}",
            },
            "categorie": "occupation_halls",
            "description": "Regroupements répétés dans le hall, nuisances nocturnes.",
            "personnes": [{"nom": SURNAMES[rng.randrange(len(SURNAMES))], "prenom": "Camille"}],
        }
        facts = json.dumps(facts_dict, ensure_ascii=False)
        closed = None if open_ else f"{opened} 18:00:00+00"
        late = any(due < today for due in dues)
        texts = search_texts([procedure_id, title, residence], insee, facts_dict, {insee: commune})
        search = tuple(texts[tier] for tier in SearchTier)
        fields = (
            procedure_id, kind, status, bailleur, insee, residence, title, facts, created,
            closed or now, closed, min(dues) if dues else None, "t" if late else "f",
            " ".join(sorted(actors)), *search, "[]", "[]", created, "occupation_halls", "f",
            *moment_columns(datetime.combine(start, time(8), tzinfo=UTC)).values(),
        )  # fmt: skip
        result.procedures += 1
        result.steps += count
        result.open += open_
        if not result.detail_id and bailleur == BAILLEUR and count >= per:
            result.detail_id = procedure_id
        ledger = ""
        if durations:
            partners = sorted(
                {orgs.get(specs[p % len(specs)].actor, bailleur) for p in range(count)}
            )
            viewers = [[bailleur, AS_BAILLEUR], *([org, AS_PARTNER] for org in partners)]
            ledger = f"{procedure_id}\t{kind}\t{_count(result, kind, viewers, sorted(durations))}\n"
        yield "\t".join(map(_text, fields)) + "\n", lines, ledger
