"""Builders of dossier lines and CSV exports for the import tests."""

from __future__ import annotations

import csv
import io


def row(**cells: str) -> dict[str, str]:
    """The cells of a valid dossier waiting for its mise en demeure; `cells` override them."""
    base = {
        "reference_logement": "LGT-0042",
        "residence_nom": "Résidence des Tilleuls",
        "adresse": "12 rue des Lilas",
        "commune_insee": "91228",
        "batiment": "C",
        "hall": "3",
        "bail_reference": "B-2019-0042",
        "bail_date_effet": "2019-05-01",
        "locataires": "DUPONT, Jean",
        "motifs": "trafic_stupefiants",
        "etape": "mise_en_demeure",
        "date_constitution_dossier": "2026-02-02",
    }
    return base | cells


def csv_bytes(rows: list[dict[str, str]], sep: str = ";", bom: bool = False) -> bytes:
    """A CSV export of `rows`, one column per key met in any row."""
    columns = list(dict.fromkeys(name for r in rows for name in r))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([[r.get(name, "") for name in columns] for r in rows])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()
