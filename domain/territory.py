"""Where a commune stands: its département, read from its INSEE code (COG)."""

from __future__ import annotations

OVERSEAS_PREFIX = "97"  # DROM: three digits (971 Guadeloupe … 976 Mayotte)


def departement_of(insee: str) -> str:
    """The code of the département of the commune `insee` (or of a Paris, Lyon or Marseille
    arrondissement municipal): "91" for "91228", "2A" for "2A004", "974" for "97411"."""
    code = insee.strip().upper()
    if len(code) != 5:
        raise ValueError(f"code INSEE de cinq caractères attendu : {insee!r}")
    return code[:3] if code.startswith(OVERSEAS_PREFIX) else code[:2]
