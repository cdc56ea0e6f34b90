"""Connection to Temporal with the project's data converter, and its custom search attributes."""

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from quietude.settings import Settings

# Registered on the dev server at start-up (`--search-attribute NAME=TYPE`); the typed keys
# used by workflows live in domain.search_attributes and must keep these names and types.
SEARCH_ATTRIBUTES: dict[str, str] = {
    "QuietudeKind": "Keyword",
    "QuietudePendingActors": "KeywordList",
    "QuietudePendingOrgs": "KeywordList",
    "QuietudeNextDue": "Datetime",
    "QuietudeStatus": "Keyword",
}


async def connect(settings: Settings) -> Client:
    """Connect to the configured Temporal frontend and namespace with the Pydantic converter."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )


async def register_search_attributes(client: Client, namespace: str) -> None:
    """Register the custom search attributes on a server started without the flags (tests)."""
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest

    types = {
        "Keyword": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        "KeywordList": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
        "Datetime": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    }
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=namespace,
            search_attributes={name: types[kind] for name, kind in SEARCH_ATTRIBUTES.items()},
        )
    )
