"""Seeded generator of realistic machine-translation and spinner damage.

Content-farm articles are English news pushed through a round trip of machine
translation or an article spinner. This module imitates that damage over clean
English sentences to make training data, with the damaged words marked so a
word-level head can learn where the damage is.

Kinds of damage (``KINDS``):

``name_mangle``
    a person's or place's name transliterated twice ("Rutte" -> "Root",
    "Blinken" -> "Blinkin"), from a table of real cases or by spelling rules.
``institution_literal``
    an institution translated literally ("Scotland Yard" -> "Scottish
    Courtyard", "Financial Times" -> "Times of Finance").
``wrong_sense``
    a word replaced by a synonym of one of its *other* senses, the classic MT
    error ("minister" -> "pastor", "fund" -> "bottom", "cabinet" -> "closet").
``reorder``
    two adjacent words swapped (often adjective and noun: "crisis political").
``function_word``
    a function word dropped, doubled or replaced by the wrong preposition.
``meaning_flip``
    a negation dropped or inserted, or a word replaced by its antonym.
``fragment``
    a word split in two ("artill ery") or two words merged ("theuse").
``mojibake``
    a word's UTF-8 bytes decoded as Windows-1252 ("don’t" -> "donâ€™t"), or a
    character lost to U+FFFD.
``idiom``
    a fixed phrase rendered literally or spun ("take place" -> "take location",
    "as well as" -> "as properly as").

Article-level damage (``corrupt_article``) adds ``name_inconsistency``: one
name spelled two ways within an article.

Everything is deterministic for a seed:

>>> c = Corruptor(7).corrupt("Police at Scotland Yard said the inquiry was over.",
...                          kinds=["institution_literal"])
>>> c.text
'Police at Scottish Courtyard said the inquiry was over.'
>>> c.kind, [c.text[s:e] for s, e in c.spans]
('institution_literal', ['Scottish Courtyard'])

``spans`` are character spans of the damaged words *in the new text*; where a
word was dropped, the word after the gap (or before it, at the end) is marked.
When no requested kind can apply to a sentence, the sentence comes back
unchanged with ``kind=None`` and no spans.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

KINDS = (
    "name_mangle",
    "institution_literal",
    "wrong_sense",
    "reorder",
    "function_word",
    "meaning_flip",
    "fragment",
    "mojibake",
    "idiom",
)

# --- tables ---------------------------------------------------------------------------

#: Real-looking double transliterations of names (round trip through another script).
NAME_MANGLES: dict[str, tuple[str, ...]] = {
    "Rutte": ("Root", "Rute"), "Blinken": ("Blinkin", "Blincken"),
    "Zelensky": ("Zelenskiy", "Zelenski"), "Putin": ("Poutine", "Poutin"),
    "Macron": ("Makron",), "Scholz": ("Sholts", "Scholts"), "Merkel": ("Merkell",),
    "Sunak": ("Sunac", "Sounak"), "Johnson": ("Jonson", "Johnsen"),
    "Starmer": ("Starmar", "Stermer"), "Biden": ("Baiden", "Bidden"),
    "Trump": ("Tramp", "Tromp"), "Blair": ("Bler", "Blaire"), "Brown": ("Braun",),
    "Howard": ("Hovard", "Haward"), "Kennedy": ("Kenedi",), "Bush": ("Boosh",),
    "Chirac": ("Shirak", "Chirak"), "Schroeder": ("Shreder", "Schroder"),
    "Berlusconi": ("Berluskoni",), "Sharon": ("Sharron", "Charon"),
    "Abbas": ("Abas",), "Kerry": ("Kery", "Keri"), "Rice": ("Rais",),
    "Obama": ("Obamma",), "Modi": ("Mody",), "Erdogan": ("Erdoan", "Erdogen"),
    "Netanyahu": ("Netaniahu", "Netanyaho"), "Lavrov": ("Lavroff",),
    "Shevchenko": ("Shevchenco", "Chevtchenko"), "Federer": ("Federrer",),
    "Mourinho": ("Murinho", "Mourinio"), "Wenger": ("Venger",),
    "Ferguson": ("Fergusson", "Fergason"), "Beckham": ("Bekham",),
    "Rooney": ("Runey", "Rouni"), "Gates": ("Geyts",), "Jobs": ("Djobs",),
    "Washington": ("Vashington",), "Kyiv": ("Kiev", "Kiyv"), "Beijing": ("Peking", "Beijin"),
    "Tehran": ("Teheran",), "Baghdad": ("Bagdad",), "Qatar": ("Katar",),
    "Ukraine": ("Ukrainia",), "Chelsea": ("Chelsi",), "Liverpool": ("Liverpul",),
}

#: Literal translations of institutions and fixed names (round trip or spinner).
INSTITUTIONS: dict[str, tuple[str, ...]] = {
    "Scotland Yard": ("Scottish Courtyard", "Scotland Courtyard"),
    "Financial Times": ("Times of Finance", "Monetary Instances"),
    "Wall Street Journal": ("Wall Street Diary", "Wall Road Journal"),
    "Wall Street": ("Street of the Wall", "Wall Road"),
    "White House": ("White Home", "Blank House"),
    "Downing Street": ("Downing Road", "Street of Downing"),
    "House of Commons": ("Chamber of the Common People", "Home of Commons"),
    "House of Lords": ("Chamber of the Lords", "Home of Lords"),
    "Bank of England": ("English Bank", "Financial institution of England"),
    "Federal Reserve": ("Federal Reservation", "Federal Booking"),
    "European Union": ("Union of Europe", "European Marriage"),
    "United Nations": ("Joined Nations", "United Countries"),
    "Home Office": ("House Workplace", "Domestic Office"),
    "Foreign Office": ("Overseas Workplace", "Office of the Foreign"),
    "Premier League": ("First League", "Premier Alliance"),
    "Champions League": ("League of Champions", "Champions Alliance"),
    "World Cup": ("World Glass", "Cup of the World"),
    "Supreme Court": ("Supreme Courtyard", "Highest Court"),
    "High Court": ("Tall Court", "Excessive Courtroom"),
    "Stock Exchange": ("Inventory Alternate", "Exchange of Stocks"),
    "Prime Minister": ("Top Minister", "First Pastor"),
    "Conservative Party": ("Preservationist Party", "Conservative Celebration"),
    "Labour Party": ("Labor Celebration", "Party of Work"),
    "Liberal Democrats": ("Liberal Democratic", "Democrats Liberal"),
    "Red Cross": ("Crimson Cross", "Red Crucifix"),
    "Olympic Games": ("Olympic Video games", "Olympic Plays"),
    "Formula One": ("System One", "Formulation One"),
    "Silicon Valley": ("Silicon Vale", "Valley of Silicon"),
    "Met Office": ("Met Workplace", "Met Bureau"),
    "Secretary of State": ("Secretary of Condition", "State Secretary"),
    "New York Times": ("New York Occasions", "Times of New York"),
    "Pentagon": ("Pentagone",), "Kremlin": ("Kremlyn", "Fortress"),
    "Treasury": ("Treasure", "Exchequer House"),
}

#: Wrong-sense synonyms: a replacement that is right for another sense of the word.
WRONG_SENSE: dict[str, tuple[str, ...]] = {
    "dismissed": ("fired",), "fired": ("dismissed", "burned"), "charge": ("fee", "load"),
    "charges": ("fees", "loads"), "charged": ("loaded", "billed"), "sentence": ("offer", "phrase"),
    "sentenced": ("phrased",), "fine": ("good", "thin"), "fined": ("thinned",),
    "bill": ("account", "beak"), "bills": ("accounts", "beaks"), "cabinet": ("closet", "cupboard"),
    "minister": ("pastor", "priest"), "ministers": ("pastors", "priests"), "bank": ("shore",),
    "banks": ("shores",), "interest": ("curiosity",), "market": ("bazaar",),
    "court": ("courtyard",), "courts": ("courtyards",), "trial": ("test", "judgment"),
    "case": ("box", "suitcase"), "cases": ("boxes",), "party": ("celebration", "feast"),
    "parties": ("celebrations",), "race": ("breed", "career"), "seat": ("chair",),
    "seats": ("chairs",), "state": ("condition",), "leader": ("guide",), "leaders": ("guides",),
    "power": ("strength",), "board": ("plank",), "figure": ("shape",), "figures": ("shapes",),
    "strike": ("blow",), "strikes": ("blows",), "held": ("kept",), "talks": ("chats",),
    "deal": ("portion",), "deals": ("portions",), "rate": ("pace",), "rates": ("paces",),
    "growth": ("sprouting",), "release": ("liberation",), "released": ("freed", "liberated"),
    "issue": ("edition",), "issues": ("editions",), "measures": ("gauges",),
    "plant": ("vegetable",), "firm": ("solid", "steady"), "firms": ("solids",),
    "company": ("society",), "companies": ("societies",), "capital": ("principal",),
    "spring": ("fountain",), "post": ("pole",), "set": ("put",), "goal": ("purpose",),
    "goals": ("purposes",), "coach": ("carriage",), "side": ("flank",), "team": ("equipment",),
    "squad": ("platoon",), "club": ("stick",), "fans": ("ventilators",), "fan": ("ventilator",),
    "star": ("asterisk",), "stars": ("asterisks",), "single": ("unmarried",),
    "show": ("exhibition",), "profits": ("benefits",), "profit": ("benefit",),
    "earnings": ("winnings",), "economy": ("saving",), "policy": ("politics",),
    "policies": ("politics",), "election": ("choice",), "elections": ("choices",),
    "campaign": ("countryside",), "sources": ("springs",), "source": ("spring",),
    "officials": ("functionaries",), "official": ("functionary",), "troops": ("flocks",),
    "forces": ("strengths",), "border": ("hem",), "security": ("certainty",),
    "crisis": ("seizure",), "summit": ("peak",), "address": ("direction",),
    "report": ("relation",), "reports": ("relations",), "role": ("paper",),
    "newspaper": ("periodical",), "media": ("means",), "story": ("history",),
    "stories": ("histories",), "actually": ("currently",), "currently": ("actually",),
    "eventually": ("possibly",), "sensitive": ("sensible",), "library": ("bookshop",),
    "attended": ("assisted",), "intends": ("pretends",), "expected": ("hoped",),
    "hope": ("wait",), "demand": ("lawsuit",), "demands": ("lawsuits",),
    "discussed": ("argued",), "success": ("exit",), "career": ("race",),
    "warned": ("advertised",), "warning": ("advertisement",), "commitment": ("compromise",),
    "suspect": ("suspicious",), "injured": ("offended",), "arrested": ("stopped",),
    "detained": ("stopped",), "judge": ("umpire",), "crime": ("delict",),
    "evidence": ("obviousness",), "appeal": ("resource",), "merger": ("fusion",),
    "shareholders": ("actionists",), "shares": ("actions", "parts"), "boss": ("patron",),
    "executive": ("executor",), "staff": ("rod",), "jobs": ("employments",),
    "tax": ("tribute",), "taxes": ("tributes",), "budget": ("presupposition",),
    "loan": ("borrow",), "inflation": ("swelling",), "recession": ("recess",),
    "trade": ("craft",), "prices": ("prizes",), "price": ("prize",), "oil": ("grease",),
    "cut": ("chop",), "cuts": ("chops",), "raised": ("reared",), "slumped": ("slouched",),
    "plunged": ("submerged",), "eased": ("relieved",), "sharp": ("pointed",),
    "sharply": ("pointedly",), "high": ("tall",), "higher": ("taller",), "low": ("short",),
    "major": ("elder",), "mayor": ("major",), "largely": ("lengthily",), "former": ("ancient",),
    "late": ("delayed",), "last": ("ultimate",), "key": ("clue",), "current": ("actual",),
    "still": ("quiet",), "just": ("fair",), "right": ("straight",), "rights": ("laws",),
    "letter": ("lyrics",), "move": ("motion",), "step": ("stair",), "steps": ("stairs",),
    "plans": ("planes",), "claims": ("reclamations",), "claimed": ("reclaimed",),
    "told": ("counted",), "added": ("summed",), "noted": ("annotated",),
    "announced": ("advertised",), "announcement": ("advertisement",), "launched": ("threw",),
    "called": ("named",), "face": ("visage",), "faces": ("visages",), "played": ("touched",),
    "player": ("gambler",), "players": ("gamblers",), "cup": ("mug",), "tie": ("necktie",),
    "draw": ("drawing",), "won": ("earned",), "win": ("earn",), "season": ("station",),
    "league": ("garter",), "injury": ("insult",), "injuries": ("insults",), "pitch": ("tone",),
    "field": ("countryside",), "ground": ("soil",), "record": ("disc",), "band": ("gang",),
    "label": ("tag",), "chart": ("map",), "novel": ("soap opera",), "director": ("headmaster",),
    "producer": ("grower",), "network": ("mesh",), "mobile": ("furniture",), "data": ("dates",),
    "computer": ("ordinator",), "computers": ("ordinators",), "chip": ("splinter",),
    "memory": ("remembrance",), "broadband": ("wide band",), "online": ("in line",),
    "download": ("discharge",), "watchdog": ("guard dog",), "boom": ("bang",),
    "crash": ("collision",), "bubble": ("blister",), "rally": ("gathering",),
    "hedge": ("fence",), "fund": ("bottom",), "funds": ("bottoms",), "bonds": ("links",),
    "yield": ("surrender",), "reserve": ("booking",), "currency": ("coin",),
    "stake": ("picket",), "housing": ("casing",), "home": ("hearth",), "estate": ("state",),
    "bench": ("bank",), "speaker": ("loudspeaker",), "chamber": ("camera",),
    "turnout": ("assistance",), "mandate": ("command",), "welfare": ("wellbeing",),
    "pension": ("boarding house",), "pensions": ("boarding houses",), "degree": ("grade",),
    "health": ("sanity",), "treatment": ("handling",), "outbreak": ("sprout",),
    "matter": ("substance",), "point": ("dot",), "points": ("dots",), "view": ("sight",),
    "views": ("sights",), "sales": ("sells",), "stock": ("provisions",),
}

#: Antonyms for meaning flips (both directions are used).
_ANTONYM_PAIRS = (
    ("rose", "fell"), ("rise", "fall"), ("increase", "decrease"), ("increased", "decreased"),
    ("higher", "lower"), ("won", "lost"), ("gain", "loss"), ("gains", "losses"), ("more", "less"),
    ("before", "after"), ("approved", "rejected"), ("accepted", "refused"), ("support", "oppose"),
    ("supported", "opposed"), ("agree", "disagree"), ("agreed", "refused"), ("allowed", "banned"),
    ("guilty", "innocent"), ("strong", "weak"), ("stronger", "weaker"), ("best", "worst"),
    ("success", "failure"), ("profit", "loss"), ("up", "down"), ("victory", "defeat"),
    ("increasing", "falling"), ("open", "closed"), ("legal", "illegal"), ("likely", "unlikely"),
    ("possible", "impossible"), ("first", "last"), ("always", "never"), ("above", "below"),
)
ANTONYMS: dict[str, str] = {}
for _a, _b in _ANTONYM_PAIRS:
    ANTONYMS.setdefault(_a, _b)
    ANTONYMS.setdefault(_b, _a)

#: Literal or spun renderings of fixed phrases.
IDIOMS: dict[str, tuple[str, ...]] = {
    "take place": ("take location",), "took place": ("took location",),
    "taking place": ("taking location",), "on the other hand": ("on the opposite hand",),
    "as well as": ("as properly as", "as nicely as"), "as a result": ("as an end result",),
    "in the wake of": ("in the awaken of",), "at the same time": ("on the similar time",),
    "take part": ("take portion",), "took part": ("took portion",),
    "play a role": ("play a paper",), "played a role": ("played a paper",),
    "came under fire": ("came under hearth",), "behind closed doors": ("behind shut doors",),
    "the bottom line": ("the underside line",), "first of all": ("first of everything",),
    "last but not least": ("last however not least",), "so far": ("so distant",),
    "come to terms with": ("come to phrases with",), "in terms of": ("in phrases of",),
    "state of the art": ("state of the artwork",), "made it clear": ("made it transparent",),
    "take into account": ("take into bill",), "keep an eye on": ("keep an eye fixed on",),
    "put an end to": ("put a finish to",), "for the first time": ("for the primary time",),
    "last year": ("final yr",), "last week": ("final week",), "next year": ("subsequent yr",),
    "ahead of": ("forward of",), "in a row": ("in a line",), "hit hard": ("struck difficult",),
    "top of the table": ("high of the desk",), "on track": ("on the rails",),
    "in the pipeline": ("in the tube",), "turned a blind eye": ("turned a blind eyeball",),
    "break the ice": ("break the frost",), "under way": ("beneath approach",),
    "get rid of": ("get free of",), "made headlines": ("made titles",),
    "in the long run": ("in the lengthy run",), "a great deal": ("a great offer",),
    "at least": ("on the least",), "according to": ("in line with",),
    "in order to": ("so as to to",), "set to": ("set as much as",),
    "on the verge of": ("on the sting of",), "step down": ("step downward",),
    "stepped down": ("stepped downward",), "in charge of": ("in fee of",),
}

FUNCTION_WORDS = (
    "the", "a", "an", "of", "to", "in", "on", "for", "that", "is", "was", "be", "by",
    "with", "at", "and", "as", "it", "has", "have", "will", "from",
)
#: Wrong prepositions a literal translation tends to pick.
PREPOSITION_SWAPS = {
    "in": ("on", "at"), "on": ("in", "at"), "at": ("in", "on"), "for": ("to", "of"),
    "to": ("for", "at"), "of": ("from", "for"), "from": ("of", "since"), "by": ("for", "from"),
    "with": ("of", "by"), "since": ("from",), "during": ("while",),
}
_AUXILIARIES = ("is", "was", "are", "were", "will", "would", "could", "can", "should", "has",
                "have", "had", "did", "does", "do", "may", "might", "must")
_NEGATIONS = re.compile(r"\b(?:(?:is|was|are|were|will|would|could|can|should|has|have|had|did"
                        r"|does|do|may|might|must) (not|never)|no longer)\b", re.I)
_NT = re.compile(r"\b(is|was|are|were|would|could|should|has|have|had|did|does|do)n['’]t\b",
                 re.I)
_ADJ_SUFFIX = re.compile(r"(?:al|ive|ous|ic|ful|less|able|ible|ary|ern|ish|ian|ese|ed)$")
_COMMON_ADJ = frozenset(
    "new old big small high low large major minor long short good bad young great early "
    "late last next main key top former senior junior top strong weak full free public "
    "private local foreign final recent huge sharp".split()
)

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_CAPNAME = re.compile(r"(?<![\w'’])[A-Z][a-z]{3,}(?![\w])")
_NOT_NAMES = frozenset(
    "The This That These Those There Their They Then When What Where Which While With "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "June July August September October November December Mr Mrs Miss Sir Lord Lady "
    "Dame Prince Princess King Queen President Minister Government Parliament".split()
)

# Spelling rules for names outside NAME_MANGLES: each (pattern, replacement) is one
# plausible step of a transliteration round trip.
_TRANSLIT_RULES = (
    (r"ck", "k"), (r"ph", "f"), (r"th", "t"), (r"^W", "V"), (r"w", "v"), (r"ou", "u"),
    (r"oo", "u"), (r"ee", "i"), (r"ea", "i"), (r"y$", "i"), (r"c(?=[aou])", "k"),
    (r"([bdfgklmnprstz])\1", r"\1"), (r"(?<=[a-z])e(?=[nrl]$)", "i"), (r"(?<=[a-z])e$", ""),
    (r"u", "ou"), (r"(?<=[a-z])i(?=[a-z])", "y"), (r"sh", "ch"), (r"j", "dj"), (r"x", "ks"),
    (r"(?<=[a-z])a(?=[a-z]+$)", "e"), (r"s(?=[aeiou])", "z"), (r"(?<=[aeiou])([nrlt])(?=[aeiou])", r"\1\1"),
)


# --- results --------------------------------------------------------------------------


@dataclass(frozen=True)
class Corruption:
    """A sentence after damage: ``text``, which ``kind`` of damage (None when
    nothing applied) and the character ``spans`` of the damaged words in ``text``."""

    text: str
    kind: str | None
    spans: tuple[tuple[int, int], ...] = ()

    @property
    def changed(self) -> bool:
        return self.kind is not None


@dataclass(frozen=True)
class SentenceLabel:
    """One sentence of a corrupted article: where it is (``paragraph`` index and
    character offsets into that paragraph), the ``kind`` of damage (None if clean)
    and the damaged word ``spans`` (paragraph offsets)."""

    paragraph: int
    start: int
    end: int
    kind: str | None
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class ArticleCorruption:
    """A corrupted article: its ``paragraphs`` and a label for every sentence."""

    paragraphs: tuple[str, ...]
    sentences: tuple[SentenceLabel, ...] = field(default=())

    @property
    def damaged(self) -> tuple[SentenceLabel, ...]:
        return tuple(s for s in self.sentences if s.kind is not None)


# --- helpers --------------------------------------------------------------------------


def _match_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _apply(text: str, edits: Sequence[tuple[int, int, str]]) -> tuple[str, tuple]:
    """Replace ``text[start:end]`` by each edit's string (edits must not overlap);
    return the new text and the spans of the replacements in it."""
    out, spans, pos, shift = [], [], 0, 0
    for start, end, new in sorted(edits):
        out.append(text[pos:start])
        spans.append((start + shift, start + shift + len(new)))
        out.append(new)
        shift += len(new) - (end - start)
        pos = end
    out.append(text[pos:])
    return "".join(out), tuple(spans)


def _phrase_re(phrases: Iterable[str], flags: int = 0) -> re.Pattern:
    alts = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(p) for p in alts) + r")(?![\w])",
                      flags)


_INSTITUTION_RE = _phrase_re(INSTITUTIONS)  # proper names: case matters
_IDIOM_RE = _phrase_re(IDIOMS, re.I)


def mangle_name(name: str, rng: random.Random) -> str | None:
    """A plausible double transliteration of ``name``, or None if none differs.

    >>> mangle_name("Blinken", random.Random(0)) in NAME_MANGLES["Blinken"]
    True
    """
    if name in NAME_MANGLES:
        return rng.choice(NAME_MANGLES[name])
    options = []
    for pattern, repl in _TRANSLIT_RULES:
        new = re.sub(pattern, repl, name, count=1)
        if new != name and len(new) >= 3 and new[:1].isupper():
            options.append(new)
    if not options:
        return None
    new = rng.choice(options)
    if rng.random() < 0.3:  # a second step, as a real round trip often takes
        again = [re.sub(p, r, new, count=1) for p, r in _TRANSLIT_RULES]
        again = [a for a in again if a not in (new, name) and a[:1].isupper() and len(a) >= 3]
        if again:
            new = rng.choice(again)
    return new


def _name_candidates(sentence: str) -> list[re.Match]:
    found = []
    for m in _CAPNAME.finditer(sentence):
        word = m.group()
        if word in _NOT_NAMES:
            continue
        if m.start() == 0 and word not in NAME_MANGLES:
            continue  # a capital at the start says nothing about being a name
        found.append(m)
    return found


# --- the generator --------------------------------------------------------------------


class Corruptor:
    """Damages sentences the way a round trip of MT or a spinner does.

    >>> Corruptor(1).corrupt("The minister said the bill would pass.", ["wrong_sense"]).kind
    'wrong_sense'
    """

    def __init__(self, seed: int = 0):
        self.seed = seed
        self.rng = random.Random(seed)

    def corrupt(self, sentence: str, kinds: Sequence[str] | None = None) -> Corruption:
        """One kind of damage, picked at random among ``kinds`` (all by default)
        that can apply to ``sentence``."""
        kinds = list(KINDS if kinds is None else kinds)
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown corruption kinds {sorted(unknown)}; choose from {KINDS}")
        self.rng.shuffle(kinds)
        for kind in kinds:
            result = getattr(self, "_" + kind)(sentence)
            if result is not None and result[0] != sentence:
                text, spans = result
                return Corruption(text, kind, spans)
        return Corruption(sentence, None, ())

    # Each method returns (new_text, spans) or None when it cannot apply.

    def _name_mangle(self, s: str):
        cands = _name_candidates(s)
        self.rng.shuffle(cands)
        for m in cands:
            new = mangle_name(m.group(), self.rng)
            if new and new != m.group():
                return _apply(s, [(m.start(), m.end(), new)])
        return None

    def _institution_literal(self, s: str):
        matches = list(_INSTITUTION_RE.finditer(s))
        if not matches:
            return None
        m = self.rng.choice(matches)
        return _apply(s, [(m.start(), m.end(), self.rng.choice(INSTITUTIONS[m.group()]))])

    def _table_swap(self, s: str, table: dict) -> tuple | None:
        words = [m for m in _WORD.finditer(s) if m.group().lower() in table]
        if not words:
            return None
        m = self.rng.choice(words)
        new = self.rng.choice(table[m.group().lower()])
        return _apply(s, [(m.start(), m.end(), _match_case(m.group(), new))])

    def _wrong_sense(self, s: str):
        return self._table_swap(s, WRONG_SENSE)

    def _reorder(self, s: str):
        words = list(_WORD.finditer(s))
        pairs = []
        for a, b in zip(words, words[1:]):
            if s[a.end():b.start()] != " " or a.start() == 0:
                continue
            if not (a.group().islower() and b.group().islower()):
                continue
            adj = a.group() in _COMMON_ADJ or _ADJ_SUFFIX.search(a.group())
            pairs.append((2 if adj else 1, a, b))
        if not pairs:
            return None
        best = [p for p in pairs if p[0] == 2] or pairs
        _, a, b = self.rng.choice(best)
        return _apply(s, [(a.start(), b.end(), f"{b.group()} {a.group()}")])

    def _function_word(self, s: str):
        words = list(_WORD.finditer(s))
        fw = [i for i, m in enumerate(words) if m.group().lower() in FUNCTION_WORDS]
        if not fw:
            return None
        i = self.rng.choice(fw)
        m = words[i]
        mode = self.rng.choice(("drop", "double", "swap"))
        if mode == "swap" and m.group().lower() in PREPOSITION_SWAPS:
            new = self.rng.choice(PREPOSITION_SWAPS[m.group().lower()])
            return _apply(s, [(m.start(), m.end(), _match_case(m.group(), new))])
        if mode == "drop" and i + 1 < len(words) and s[m.end():words[i + 1].start()] == " ":
            nxt = words[i + 1]
            return _apply(s, [(m.start(), nxt.end(), _match_case(m.group(), nxt.group()))])
        return _apply(s, [(m.start(), m.end(), f"{m.group()} {m.group().lower()}")])

    def _meaning_flip(self, s: str):
        options = []
        neg = list(_NEGATIONS.finditer(s)) + list(_NT.finditer(s))
        for m in neg:  # drop the negation: "was not" -> "was", "didn't" -> "did"
            if m.group().lower() == "no longer":
                options.append((m.start(), m.end(), _match_case(m.group(), "still")))
            elif m.lastindex and m.re is _NT:
                options.append((m.start(), m.end(), m.group(1)))
            else:
                aux = m.group().split(" ")[0]
                options.append((m.start(), m.end(), aux))
        if not neg:  # insert one: "was" -> "was not"
            for m in _WORD.finditer(s):
                if m.group().lower() in _AUXILIARIES:
                    options.append((m.start(), m.end(), m.group() + " not"))
        for m in _WORD.finditer(s):
            if m.group().lower() in ANTONYMS:
                options.append((m.start(), m.end(),
                                _match_case(m.group(), ANTONYMS[m.group().lower()])))
        if not options:
            return None
        return _apply(s, [self.rng.choice(options)])

    def _fragment(self, s: str):
        words = list(_WORD.finditer(s))
        long_words = [m for m in words if len(m.group()) >= 6 and "'" not in m.group()]
        merges = [(a, b) for a, b in zip(words, words[1:]) if s[a.end():b.start()] == " "]
        if long_words and (not merges or self.rng.random() < 0.6):
            m = self.rng.choice(long_words)
            cut = self.rng.randint(2, len(m.group()) - 2)
            w = m.group()
            return _apply(s, [(m.start(), m.end(), f"{w[:cut]} {w[cut:]}")])
        if merges:
            a, b = self.rng.choice(merges)
            return _apply(s, [(a.start(), b.end(), a.group() + b.group())])
        return None

    def _mojibake(self, s: str):
        tokens = [m for m in re.finditer(r"\S+", s)]
        accented = [m for m in tokens if any(ord(c) > 127 for c in m.group())]
        if accented:
            m = self.rng.choice(accented)
            if self.rng.random() < 0.2:  # a character lost outright
                new = "".join("\ufffd" if ord(c) > 127 else c for c in m.group())
            else:
                new = _to_mojibake(m.group())
            return _apply(s, [(m.start(), m.end(), new)])
        # Plain ASCII: typographic characters are what usually gets mangled.
        quoted = [m for m in _WORD.finditer(s) if "'" in m.group()]
        if quoted:
            m = self.rng.choice(quoted)
            return _apply(s, [(m.start(), m.end(), _to_mojibake(m.group().replace("'", "’")))])
        dash = re.search(r"\w+ - \w+", s)
        if dash:
            return _apply(s, [(dash.start(), dash.end(), _to_mojibake(dash.group().replace(
                " - ", " – ")))])
        quote = re.search(r'"\w+', s)
        if quote:
            return _apply(s, [(quote.start(), quote.end(), _to_mojibake("“") + quote.group()[1:])])
        money = re.search(r"(?<![\w$])\$(\d[\d,.]*)", s)
        if money:
            return _apply(s, [(money.start(), money.end(), _to_mojibake("£" + money.group(1)))])
        return None

    def _idiom(self, s: str):
        matches = list(_IDIOM_RE.finditer(s))
        if not matches:
            return None
        m = self.rng.choice(matches)
        key = m.group().lower()
        new = self.rng.choice(IDIOMS[key])
        return _apply(s, [(m.start(), m.end(), _match_case(m.group(), new))])


def _to_mojibake(word: str) -> str:
    """UTF-8 bytes read as Windows-1252 (undecodable bytes kept as Latin-1).

    >>> _to_mojibake("café")
    'cafÃ©'
    """
    return "".join(_cp1252_char(b) for b in word.encode("utf-8"))


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: undefined in cp1252
        return chr(byte)


# --- articles -------------------------------------------------------------------------

def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``paragraph`` (the product's own
    segmenter, :mod:`scorer.segment`).

    >>> p = "Mr. Smith left. He said: \\"Yes.\\" Then he went home."
    >>> [p[s:e] for s, e in split_sentences(p)]
    ['Mr. Smith left.', 'He said: "Yes."', 'Then he went home.']
    """
    from .segment import segment_paragraphs

    return [(s.start, s.end) for passage in segment_paragraphs([paragraph]) for s in passage.sentences]


def corrupt_article(paragraphs: Sequence[str], rate: float = 0.3, seed: int = 0,
                    kinds: Sequence[str] | None = None,
                    name_inconsistency: float = 0.5) -> ArticleCorruption:
    """Damage about ``rate`` of an article's sentences, one kind each, and with
    probability ``name_inconsistency`` spell one repeated name two ways (a later
    mention gets a mangled spelling, used consistently from then on).

    >>> paras = ["Mark Rutte met officials on Monday.", "Rutte said the talks went well."]
    >>> art = corrupt_article(paras, rate=0.0, seed=3, name_inconsistency=1.0)
    >>> [s.kind for s in art.sentences]
    [None, 'name_inconsistency']
    >>> art.paragraphs[1][:4] != "Rutte"
    True
    """
    rng = random.Random(seed)
    corruptor = Corruptor(rng.randrange(2**31))
    paras = list(paragraphs)
    sentence_spans = [split_sentences(p) for p in paras]

    # Which name gets two spellings, and from which mention on.
    variant: tuple[str, str] | None = None
    if rng.random() < name_inconsistency:
        counts: dict[str, int] = {}
        for p, spans in zip(paras, sentence_spans):
            for s, e in spans:
                for m in _name_candidates(p[s:e]):
                    counts[m.group()] = counts.get(m.group(), 0) + 1
        repeated = sorted(n for n, c in counts.items() if c >= 2)
        rng.shuffle(repeated)
        for name in repeated:
            new = mangle_name(name, rng)
            if new and new != name:
                variant = (name, new)
                break

    out_paras, labels, seen_name = [], [], 0
    for pi, (p, spans) in enumerate(zip(paras, sentence_spans)):
        pieces, pos = [], 0
        for s, e in spans:
            text = p[s:e]
            kind, dmg = None, ()
            if variant is not None:
                pat = re.compile(r"(?<![\w])" + re.escape(variant[0]) + r"(?![\w])")
                hits = list(pat.finditer(text))
                if hits:
                    keep = hits if seen_name == 0 else []
                    seen_name += len(hits)
                    edits = [(m.start(), m.end(), variant[1]) for m in hits if m not in keep]
                    if edits:
                        text, dmg = _apply(text, edits)
                        kind = "name_inconsistency"
            if kind is None and rng.random() < rate:
                c = corruptor.corrupt(text, kinds)
                text, kind, dmg = c.text, c.kind, c.spans
            pieces.append(p[pos:s])
            base = sum(len(x) for x in pieces)
            pieces.append(text)
            labels.append(SentenceLabel(pi, base, base + len(text), kind,
                                        tuple((base + a, base + b) for a, b in dmg)))
            pos = e
        pieces.append(p[pos:])
        out_paras.append("".join(pieces))
    return ArticleCorruption(tuple(out_paras), tuple(labels))
