"""Page-layout recognisers (placeholder until the core issue's layouts land)."""

from opis.readers.base import RawDocument


def recognise(raw: RawDocument) -> RawDocument:
    return raw
