"""The English spaCy pipeline is loaded once and its NER does not need the shared tok2vec."""

from opis import nlp


def test_entities_and_claims_share_one_model():
    from opis.pipeline.entities import english_nlp

    assert english_nlp() is nlp.english()


def test_ner_alone_gives_the_same_entities_as_the_full_pipeline():
    text = (
        "According to available agent information Chiang Kai-shek intends to introduce several "
        "units into Xinjiang, and the Fifth Cavalry Army left Suzhou in August 1945 for Urumqi."
    )
    full = [(e.text, e.label_) for e in nlp.english()(text).ents]
    ner_only = [(e.text, e.label_) for e in next(nlp.pipe([text], nlp.NER)).ents]
    assert full and ner_only == full


def test_parse_components_give_dependencies_without_ner():
    doc = next(nlp.pipe(["Border guards detained 1,093 people in 1930."], nlp.PARSE))
    assert not doc.ents
    assert any(t.dep_ == "nsubj" for t in doc)
