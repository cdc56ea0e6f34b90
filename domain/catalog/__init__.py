"""The catalogue of every kind of procedure, by kind."""

from domain.catalog.assermentation import ASSERMENTATION
from domain.catalog.intervention import INTERVENTION
from domain.catalog.plainte import PLAINTE
from domain.catalog.resiliation import RESILIATION
from domain.catalog.signalement import SIGNALEMENT
from domain.steps import Catalog

CATALOGS: dict[str, Catalog] = {
    catalog.kind: catalog
    for catalog in (SIGNALEMENT, PLAINTE, RESILIATION, ASSERMENTATION, INTERVENTION)
}
