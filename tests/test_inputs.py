import pytest

from scorer.config import ScorerConfig
from scorer.errors import (
    BinaryInputError,
    DecodingError,
    EmptyInputError,
    HtmlInputError,
    InputTooLargeError,
    InputTypeError,
    TelltaleError,
    UnsupportedLanguageError,
)
from scorer.inputs import (
    check_paragraphs,
    check_passage_count,
    check_text,
    decode_bytes,
    html_to_text,
    looks_like_html,
)

CONFIG = ScorerConfig()
ENGLISH = ("The city council voted on Tuesday to extend the night bus service until the end of the "
           "year, after a pilot scheme drew more riders than expected. Officials said the extra routes "
           "would cost about 1.2 million euros and would be reviewed in the spring.")
GERMAN = ("Der Stadtrat hat am Dienstag beschlossen, den Nachtbusverkehr bis zum Jahresende zu "
          "verlängern, nachdem ein Pilotprojekt mehr Fahrgäste angezogen hatte als erwartet. Die "
          "zusätzlichen Linien kosten nach Angaben der Verwaltung rund 1,2 Millionen Euro.")
FRENCH = ("Le conseil municipal a voté mardi la prolongation du service de bus de nuit jusqu'à la fin "
          "de l'année, après qu'un projet pilote a attiré plus de voyageurs que prévu. Les lignes "
          "supplémentaires coûteront environ 1,2 million d'euros selon les responsables.")


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_empty(text):
    with pytest.raises(EmptyInputError, match="empty"):
        check_text(text, CONFIG)


def test_empty_paragraph_list():
    with pytest.raises(EmptyInputError):
        check_paragraphs(["", "  "], CONFIG)
    with pytest.raises(EmptyInputError):
        check_paragraphs([], CONFIG)


def test_nul_is_binary():
    with pytest.raises(BinaryInputError):
        check_text("abc\x00def", CONFIG)
    with pytest.raises(BinaryInputError):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_control_characters_are_binary_beyond_the_share():
    noisy = "".join(chr(c) for c in range(1, 9)) * 20 + ENGLISH
    with pytest.raises(BinaryInputError, match="control characters"):
        check_text(noisy, CONFIG)
    # tabs, newlines and a stray control character in long text are fine
    check_text(ENGLISH + "\t\n\r\x0c" + "\x1b" + ENGLISH, CONFIG)


def test_not_utf8_names_the_offset():
    with pytest.raises(DecodingError, match="offset 3"):
        decode_bytes("café".encode("latin-1"))
    assert decode_bytes("\ufeffcafé".encode("utf-8")) == "café"


def test_too_large_states_the_limit():
    config = ScorerConfig(max_chars=1000, max_paragraphs=5)
    with pytest.raises(InputTooLargeError, match="1,000"):
        check_text("a" * 1001, config)
    with pytest.raises(InputTooLargeError, match="limit is 5"):
        check_paragraphs(["x"] * 6, config)
    with pytest.raises(InputTooLargeError, match="1,000"):
        check_paragraphs(["a" * 600, "b" * 600], config)
    with pytest.raises(InputTooLargeError, match="limit is 5"):
        check_passage_count(6, config)
    check_text("a" * 1000, config)


@pytest.mark.parametrize("text,lang", [(GERMAN, "German"), (FRENCH, "French")])
def test_confident_non_english_is_refused(text, lang):
    with pytest.raises(UnsupportedLanguageError, match=lang):
        check_text(text, CONFIG)
    check_text(text, ScorerConfig(check_language=False))


@pytest.mark.parametrize("text", [
    ENGLISH,
    "Volodymyr Zelensky met Olaf Scholz and Emmanuel Macron in Kyiv on Tuesday.",  # short, names
    "Xi Jinping, Li Qiang and Wang Yi arrived in Beijing. " * 6,  # names-heavy English
    ENGLISH + " He quoted the motto: \u00ab Liberté, égalité, fraternité \u00bb.",
    "Der Stadtrat hat am Dienstag beschlossen.",  # too short to judge: let through
])
def test_english_and_short_text_pass(text):
    check_text(text, CONFIG)


def test_garbled_english_is_not_called_foreign():
    garbled = ("The minister of the finances has told that the closet will to meet in the Tuesday for "
               "discuss the bottom. In the same time the police of Scottish Courtyard have arrested of "
               "the man which was suspicion in the affair, it informs the agency.")
    check_text(garbled, CONFIG)


def test_type_errors_are_telltale_errors():
    # a TelltaleError (as the README promises for bad input) and still a TypeError
    for call in (lambda: check_text(b"bytes", CONFIG), lambda: check_text(None, CONFIG),
                 lambda: check_paragraphs("a string", CONFIG), lambda: check_paragraphs(["ok", None], CONFIG)):
        with pytest.raises(InputTypeError) as info:
            call()
        assert isinstance(info.value, TypeError) and isinstance(info.value, TelltaleError)


@pytest.mark.parametrize("char", ["\ud800", "\udfff"])
def test_a_lone_surrogate_is_not_text(char):
    # JSON's "\ud800" escape decodes to one; the tokenizer cannot encode it
    text = ENGLISH[:40] + char + ENGLISH[40:]
    with pytest.raises(DecodingError, match="character 40"):
        check_text(text, CONFIG)
    with pytest.raises(DecodingError, match="surrogate"):
        check_paragraphs([ENGLISH, char], CONFIG)
    check_text(ENGLISH + " \U0001F44D", CONFIG)  # a real astral character is fine


def test_an_html_page_given_as_text_is_refused(fixtures):
    page = (fixtures / "article.html").read_text(encoding="utf-8")
    with pytest.raises(HtmlInputError, match="HTML"):
        check_text(page, CONFIG)
    with pytest.raises(HtmlInputError, match="HTML"):
        check_paragraphs(page.split("\n"), CONFIG)
    check_text("Use the <b> tag for bold, she said. " + ENGLISH, CONFIG)


@pytest.mark.parametrize("text,lang", [
    ("中国国务院总理今天在北京会见了来访的外国代表团，双方就经贸合作问题交换了意见。", "Chinese"),
    ("Городской совет во вторник проголосовал за продление ночных автобусов.", "Russian"),
])
def test_short_text_in_another_script_is_refused(text, lang):
    with pytest.raises(UnsupportedLanguageError, match=lang) as info:
        check_text(text, CONFIG)
    assert info.value.language in ("zh", "ru") and info.value.confidence > 0.5


def test_html_detection_and_extraction(fixtures):
    page = (fixtures / "article.html").read_text(encoding="utf-8")
    assert looks_like_html(page)
    assert not looks_like_html((fixtures / "article.txt").read_text(encoding="utf-8"))
    assert not looks_like_html("Use the <b> tag for bold, she said.")
    text = html_to_text(page)
    assert "night bus service" in text
    assert "Copyright" not in text and "Home" not in text


def test_html_without_article_text():
    with pytest.raises(EmptyInputError, match="HTML"):
        html_to_text("<html><body></body></html>")


def test_messages_never_quote_the_input():
    secret = "Zorblax-7 confidential source said"
    for exc_type, text in [(BinaryInputError, secret + "\x00"), (InputTooLargeError, secret * 10000)]:
        with pytest.raises(exc_type) as info:
            check_text(text, ScorerConfig(max_chars=1000))
        assert "Zorblax" not in str(info.value)
        assert isinstance(info.value, TelltaleError)


def test_punctuation_only_is_empty():
    with pytest.raises(EmptyInputError, match="no words"):
        check_text("... --- !!! ???", CONFIG)
    with pytest.raises(EmptyInputError, match="no words"):
        check_paragraphs(["...", "--"], CONFIG)


@pytest.mark.parametrize("options", [
    {"threshold": True}, {"threshold": float("nan")}, {"threshold": 1.5}, {"lm_percentile": "high"},
    {"check_language": "no"}, {"max_chars": 0}, {"threads": 0}, {"precision": "int4"},
])
def test_config_refuses_values_that_would_misbehave(options):
    with pytest.raises(ValueError, match=next(iter(options))):
        ScorerConfig(**options)
