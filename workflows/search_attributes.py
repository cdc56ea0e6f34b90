"""Custom search attributes of the procedures: never personal data (they are stored unencrypted)."""

from temporalio.common import SearchAttributeKey

KIND = SearchAttributeKey.for_keyword("QuietudeKind")
STATUS = SearchAttributeKey.for_keyword("QuietudeStatus")
PENDING_ACTORS = SearchAttributeKey.for_keyword_list("QuietudePendingActors")
PENDING_ORGS = SearchAttributeKey.for_keyword_list("QuietudePendingOrgs")
NEXT_DUE = SearchAttributeKey.for_datetime("QuietudeNextDue")

ALL = (KIND, STATUS, PENDING_ACTORS, PENDING_ORGS, NEXT_DUE)
