"""What each gettext catalog must hold, read from the catalogs themselves (no Flask).

One definition of "participant-facing", shared by the completeness, placeholder, readability
(LIX) and review-status checks of every language, so a new language is only a new catalog:

- every string whose source is a participant screen (`app/participant/`,
  `app/templates/participant/`) or an error page (`app/templates/errors/`, which participants
  see too);
- every instrument text except the evaluators' ones (the scoring description and subscale
  names in the codebook);
- any other string whose `# Translators:` comment carries PARTICIPANT_MARK: the few strings in
  shared files that participants read (the printed summary, the invitation handout, the skip
  link, occasion names).

Everything else is for staff, who read Swedish or English.

Review status: a catalog's header comment says whether a qualified human translator has
reviewed it, in one line `# Review: not yet reviewed` or `# Review: reviewed by NAME, DATE`
(gettext has no header field for it; a comment survives `pybabel update`, Poedit and Weblate).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

PARTICIPANT_SOURCES = ("app/participant/", "app/templates/participant/", "app/templates/errors/")
INSTRUMENT_SOURCES = "app/instruments/definitions/"
PARTICIPANT_MARK = "(participant)"
NOT_REVIEWED = "not yet reviewed"
SOURCE_LANGUAGE = "en"
_REVIEW_LINE = re.compile(r"^#\s*Review:\s*(?P<status>.+?)\s*$", re.MULTILINE)
_REVIEWED = re.compile(r"^reviewed by \S.*, \d{4}-\d{2}-\d{2}$")


def catalog_path(directory: Path, locale: str) -> Path:
    """Where the catalog of `locale` lives under a translations directory."""
    return directory / locale / "LC_MESSAGES" / "messages.po"


def locales(directory: Path) -> list[str]:
    """Every language that has a catalog, in name order."""
    return sorted(p.name for p in directory.iterdir() if catalog_path(directory, p.name).exists())


def read_catalog(directory: Path, locale: str) -> Catalog:
    """The catalog of `locale`, parsed."""
    with catalog_path(directory, locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def _instrument_ref(message: Message) -> str:
    return (message.context or "").split(".", 1)[-1]


def is_participant_facing(message: Message) -> bool:
    """Whether a participant can read this string (see the module docstring for the rule)."""
    files = [location for location, _ in message.locations]
    if any(f.startswith(PARTICIPANT_SOURCES) for f in files):
        return True
    if any(f.startswith(INSTRUMENT_SOURCES) for f in files):
        ref = _instrument_ref(message)
        return ref != "scoring" and not ref.startswith("subscale.")
    return any(PARTICIPANT_MARK in comment for comment in message.auto_comments)


def strings(message: Message) -> tuple[str, ...]:
    """The msgstr(s) of a message, plural forms included."""
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def source_text(message: Message) -> str:
    """The English msgid (both forms for a plural)."""
    return message.id if isinstance(message.id, str) else " ".join(message.id)


def review_status(path: Path) -> str:
    """The `# Review:` line of a catalog's header comment; "" when it has none."""
    header = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    found = _REVIEW_LINE.search("\n".join(header))
    return found["status"] if found else ""


def is_known_review_status(status: str, locale: str) -> bool:
    """"not yet reviewed", "reviewed by NAME, YYYY-MM-DD", or "source language" for English."""
    if locale == SOURCE_LANGUAGE:
        return status == "source language"
    return status == NOT_REVIEWED or bool(_REVIEWED.match(status))


# -- readability ----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?:…]+(?=\s|$)")
LIX_EXEMPT_BELOW_WORDS = 6


@dataclass(frozen=True)
class Readability:
    """LIX (Björnsson): words per sentence + percentage of words longer than six letters."""

    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> float:
        return self.words / self.sentences + 100 * self.long_words / self.words


def readability(text: str) -> Readability | None:
    """LIX parts of a Swedish text; None for a text under six words (a label, a button).

    Placeholders count as one short word, markup is not text, and a sentence ends at . ! ? :
    or at the end of the text (so a heading without a full stop is one sentence).
    """
    plain = _PLACEHOLDER.sub("X", _TAG.sub(" ", text))
    words = _WORD.findall(plain)
    if len(words) < LIX_EXEMPT_BELOW_WORDS:
        return None
    ends = len(_SENTENCE_END.findall(plain))
    unfinished = not _SENTENCE_END.search(plain.rstrip()[-1:])
    long_words = sum(1 for word in words if len(word) > 6)
    return Readability(len(words), ends + unfinished, long_words)
