"""Pipeline stages declare what they need and what they set; the pipeline checks its order when built."""

import pytest

from opis.errors import ExtractionError
from opis.model import Document
from opis.pipeline import DEFAULT_PIPELINE, READER_PROVIDES, Pipeline, component, contract


def test_default_pipeline_builds_and_every_stage_declares_a_contract():
    p = Pipeline()
    assert p.names == DEFAULT_PIPELINE
    for name in DEFAULT_PIPELINE:
        assert contract(name).assigns, name


@pytest.mark.parametrize(
    ("names", "stage", "missing"),
    [
        (["linking", "entities", "apparatus"], "linking", "mentions"),
        (["apparatus", "linking"], "linking", "mentions"),
        (["boilerplate", "claims"], "claims", "date"),
        (["boilerplate", "metadata", "claims", "dates"], "claims", "dates"),
        (["archrefs", "metadata"], "archrefs", "archival_refs"),
    ],
)
def test_a_stage_before_what_it_needs_fails_when_built(names, stage, missing):
    with pytest.raises(ExtractionError) as err:
        Pipeline(names)
    assert repr(stage) in str(err.value) and missing in str(err.value)


def test_each_need_of_a_default_stage_is_met_by_the_reader_or_an_earlier_stage():
    # the check itself, recomputed: the default order must satisfy every declared need
    available = set(READER_PROVIDES)
    for name in DEFAULT_PIPELINE:
        assert contract(name).requires <= available, name
        available |= contract(name).assigns


def test_a_contract_naming_no_document_attribute_is_refused():
    with pytest.raises(ExtractionError, match="titel"):
        component("_typo_stage", requires=["titel"])


def test_a_stage_registered_from_outside_is_checked_too():
    @component("_needs_claims", requires=["claims"], assigns=["events"])
    def _stage(doc: Document) -> Document:
        return doc

    with pytest.raises(ExtractionError, match="'_needs_claims' requires claims"):
        Pipeline(["boilerplate", "_needs_claims"])
    Pipeline(DEFAULT_PIPELINE + ["_needs_claims"])
