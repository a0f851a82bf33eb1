"""Categories: labels, lenient parsing, and whole-word detection from a question."""

from __future__ import annotations

import pytest

from finucity.models import Category
from finucity.services.ai.categories import CATEGORY_LABELS, contains_term, detect_category, parse_category
from finucity.services.errors import ValidationError


def test_every_category_has_its_label():
    assert {
        Category.general: "General",
        Category.income_tax: "Income Tax",
        Category.gst: "GST",
        Category.investment: "Investment",
        Category.business: "Business",
        Category.insurance: "Insurance",
    } == CATEGORY_LABELS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("income_tax", Category.income_tax),
        ("Income Tax", Category.income_tax),
        ("income tax", Category.income_tax),
        ("INCOME-TAX", Category.income_tax),
        ("GST", Category.gst),
        ("gst", Category.gst),
        (" Investment ", Category.investment),
        (Category.insurance, Category.insurance),
        (None, Category.general),
        ("", Category.general),
        ("   ", Category.general),
    ],
)
def test_categories_parse_from_values_and_labels(value, expected):
    assert parse_category(value) is expected


@pytest.mark.parametrize("value", ["crypto", "tax", 5, ["gst"]])
def test_an_unknown_category_is_a_validation_error_naming_the_choices(value):
    with pytest.raises(ValidationError) as caught:
        parse_category(value)
    assert caught.value.field == "category"
    assert caught.value.message.startswith("Unknown category")
    assert "general, income_tax, gst, investment, business, insurance" in caught.value.message


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is ITC in GST?", Category.gst),
        # A tax question about an insurance product: deductibility is the point.
        ("Is my LIC premium deductible under 80C?", Category.income_tax),
        ("How do I file ITR with HUF income?", Category.income_tax),
        ("SIP vs lump sum in ELSS", Category.investment),
        ("ROC annual filing for a private limited company", Category.business),
        ("Term insurance vs ULIP", Category.insurance),
        ("hello", Category.general),
        ("how to file itr", Category.income_tax),  # acronyms typed in lower case
        ("When are GSTR-1 and GSTR3B due?", Category.gst),
        ("Do I need ESI registration for 12 employees?", Category.business),
        ("Should I open an RD or an FD?", Category.investment),
    ],
)
def test_questions_are_filed_under_their_topic(question, expected):
    assert detect_category(question) is expected


@pytest.mark.parametrize("word", ["resident", "public", "standard", "process", "switch"])
def test_acronyms_hidden_inside_ordinary_words_do_not_count(word):
    # rESIdent hides ESI, pubLIC hides LIC, standaRD hides RD, pROCess hides ROC, swITCh hides ITC.
    assert detect_category(word) is Category.general
    for acronym in ("ESI", "LIC", "RD", "ROC", "ITC"):
        assert not contains_term(word, acronym)


def test_a_sentence_full_of_lookalike_words_stays_general():
    assert detect_category("I am a resident of Pune; what is the standard process to switch to a public school?") is (
        Category.general
    )


def test_a_tie_between_two_topics_stays_general():
    assert detect_category("GST and insurance") is Category.general


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Generate an e-way bill", "e way bill"),
        ("Generate an eway bill", "e way bill"),
        ("File GSTR-1 today", "GSTR"),
        ("Which ITR2 form?", "ITR"),
        ("Two EMIs are due", "EMI"),
        ("Income-tax refund", "income tax"),
    ],
)
def test_terms_match_common_spellings_of_the_same_word(text, term):
    assert contains_term(text, term)


@pytest.mark.parametrize(
    ("text", "term"),
    [("section 80CCD", "80C"), ("taxation", "tax"), ("3rd floor", "RD"), ("emission", "EMI")],
)
def test_terms_do_not_match_inside_longer_words(text, term):
    assert not contains_term(text, term)
