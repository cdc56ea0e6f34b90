"""Connection to Temporal with the project's data converter, and its custom search attributes."""

from temporalio.client import Client
from temporalio.converter import DataConverter

from quietude.codec import encrypted_converter, load_key_ring
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


def data_converter(settings: Settings) -> DataConverter:
    """The Pydantic converter, every payload encrypted with the key ring of the settings."""
    return encrypted_converter(load_key_ring(settings.keys_file, create=True))


async def connect(settings: Settings) -> Client:
    """Connect to the configured Temporal frontend and namespace, payloads encrypted."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
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
