"""Duplicates: finding the records that are the same person, and merging them.

:func:`find_duplicates` looks over any iterable of contacts or stages for records that
share a normalised e-mail address, a phone number in E.164 form, or an organisation and a
similar person's name. Each match says why, what the records share and how confident it
is. It never compares all pairs: records are grouped by what they share (and, within an
organisation, sorted by name), so the work grows as *n* log *n*.

:func:`merge` folds duplicates into one value: the most advanced stage is kept, the
freshest observation wins on each criterion, empty contact details are filled in from the
others, every disagreement is listed, and the records merged are kept whole in a
:class:`~leadflow.RecordsMerged` event, so nothing known is lost.

The rules follow Odoo's CRM (``crm.lead``: duplicates by normalised e-mail, phone and
partner; the merge keeps the most advanced record, by stage and probability, and joins
what the others knew) and HubSpot's merge (a value given fills an empty one, and never
overwrites one).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from enum import Enum
from typing import Any, Final

import attrs

from leadflow import _validate as v
from leadflow._moves import check_time, last_change, stage_of
from leadflow.contacts import Contact, PurchaseRole
from leadflow.errors import InvalidFieldError, WrongTypeError
from leadflow.events import Event, RecordsMerged
from leadflow.evidence import Criterion, Evidence
from leadflow.lifecycle import Stage
from leadflow.signals import SignalObservation
from leadflow.stages import FunnelStage

__all__ = [
    "Conflict",
    "DuplicateMatch",
    "MatchReason",
    "Merged",
    "find_duplicates",
    "group_duplicates",
    "history",
    "merge",
    "organisation_key",
]


class MatchReason(Enum):
    """What two records share that makes them likely the same person."""

    EMAIL = "email"  #: the same e-mail address, in any case
    PHONE = "phone"  #: the same phone number in E.164 form (extension included)
    ORGANISATION_AND_NAME = "organisation_and_name"  #: one organisation, a similar name


#: How sure each kind of match is, 0-100: a shared mailbox is nearly always one person,
#: a shared number may be a switchboard, and a similar name is as sure as it is similar.
EMAIL_CONFIDENCE: Final = 95
PHONE_CONFIDENCE: Final = 80
SAME_NAME_CONFIDENCE: Final = 90
#: Two names within one organisation are similar at this ratio
#: (:class:`difflib.SequenceMatcher`) of their normalised spellings, or above.
SIMILAR_NAME_RATIO: Final = 0.85
# Within an organisation, each name is compared with this many names after it in name
# order (the sorted-neighbourhood method): similar names sort close together.
_WINDOW: Final = 4


@attrs.frozen(kw_only=True)
class DuplicateMatch:
    """Two records that are likely the same person, and why.

    Attributes:
        first: The position of one record in the input, counted from 0.
        second: The position of the other, always after *first*.
        reason: What they share.
        confidence: How sure the match is, 0-100.
        shared: What they share, as compared: the normalised e-mail address, the
            E.164 number, or the organisation's normalised name.
    """

    first: int = attrs.field(validator=v.in_range(0, 2**63))
    second: int = attrs.field(validator=v.in_range(0, 2**63))
    reason: MatchReason = attrs.field(validator=v.of_type(MatchReason))
    confidence: int = attrs.field(validator=v.in_range(0, 100))
    shared: str = attrs.field(validator=v.text)

    def __attrs_post_init__(self) -> None:
        if self.second <= self.first:
            raise InvalidFieldError("second", self.second, f"is not after first ({self.first})")

    @property
    def explanation(self) -> str:
        """The match in a sentence."""
        what = {
            MatchReason.EMAIL: "the same e-mail address",
            MatchReason.PHONE: "the same phone number",
            MatchReason.ORGANISATION_AND_NAME: "the same organisation and a similar name",
        }[self.reason]
        return (
            f"records {self.first} and {self.second} have {what} ({self.shared}): "
            f"{self.confidence}% sure"
        )


def _contact(value: object, position: int) -> Contact:
    if isinstance(value, Contact):
        return value
    stage_of(value)  # refuses what is no funnel value
    contact = getattr(value, "contact", None)
    if not isinstance(contact, Contact):
        raise WrongTypeError(f"values[{position}]", value, "not a contact or a funnel stage")
    return contact


def _email_key(contact: Contact) -> str | None:
    # The local part is kept as given (it may be case-sensitive), but no mail system in
    # use tells two mailboxes apart by case: Odoo's email_normalized lowers it too.
    return None if contact.email is None else contact.email.lower()


def _phone_key(contact: Contact, country_code: str | None) -> str | None:
    phone = contact.phone
    if phone is None:
        return None
    if phone.startswith("+") or country_code is None:
        return phone
    # A national number: its trunk prefix 0 gives way to the country code.
    return f"+{country_code}{phone.removeprefix('0')}"


# Words that name a company's legal form, not the company.
# fmt: off
_LEGAL_FORMS: Final = frozenset({
    "ab", "ag", "as", "bv", "co", "corp", "corporation", "company", "gmbh", "inc",
    "incorporated", "kg", "limited", "llc", "llp", "ltd", "nv", "oy", "plc", "pty", "sa",
    "sarl", "sas", "spa", "srl",
})
# fmt: on
_WORD: Final = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    """The words of *text*, case-folded, accents removed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WORD.findall(plain)


def organisation_key(name: str) -> str:
    """An organisation's name as compared: words case-folded, no accents, no legal form.

    >>> organisation_key("Analytical Engines, Ltd.") == organisation_key("analytical engines")
    True
    """
    words = _words(name)
    kept = [w for w in words if w not in _LEGAL_FORMS]
    return " ".join(kept or words)


def _name_key(name: str) -> str:
    # Word order does not matter ("Lovelace, Ada" is "Ada Lovelace").
    return " ".join(sorted(_words(name)))


def find_duplicates(
    values: Iterable[Stage], *, country_code: str | None = None
) -> tuple[DuplicateMatch, ...]:
    """Find the records of *values* that are likely the same person.

    *values* are contacts or any later stages (their contact is compared). Records match
    on:

    - the same e-mail address, compared without case (confidence
      :data:`EMAIL_CONFIDENCE`);
    - the same phone number in E.164 form, extension included (:data:`PHONE_CONFIDENCE`).
      A national number (no ``+``) is put in E.164 form with *country_code* (``"44"``:
      ``020 7946 0958`` is ``+442079460958``); without one it matches only the same
      national number;
    - the same organisation (by :func:`organisation_key`) and the same person's name,
      word order and case aside (:data:`SAME_NAME_CONFIDENCE`), or a similar one (a
      ratio of :data:`SIMILAR_NAME_RATIO` or more, confidence that ratio times
      :data:`SAME_NAME_CONFIDENCE`).

    Records sharing an e-mail address or a number are each matched with the first of
    them, so *k* such records give *k* - 1 matches; :func:`group_duplicates` joins them.
    Within an organisation, each name is compared with the next few in name order, never
    with all of them. Matches come in order of *first*, *second*, then reason.

    >>> from datetime import datetime, timezone
    >>> at = datetime(2026, 1, 5, tzinfo=timezone.utc)
    >>> ada = Contact(name="Ada Lovelace", email="ada@example.com", created_at=at)
    >>> again = Contact(name="A. Lovelace", email="ADA@example.com", created_at=at)
    >>> [m.explanation for m in find_duplicates([ada, again])]
    ['records 0 and 1 have the same e-mail address (ada@example.com): 95% sure']

    Raises:
        WrongTypeError: a value is not a contact or a funnel stage.
        InvalidFieldError: *country_code* is not 1 to 3 digits.
    """
    if country_code is not None and not re.fullmatch(r"[1-9][0-9]{0,2}", str(country_code)):
        raise InvalidFieldError("country_code", country_code, "is not 1 to 3 digits")
    contacts = [_contact(value, n) for n, value in enumerate(values)]
    found: dict[tuple[int, int, MatchReason], DuplicateMatch] = {}

    def add(first: int, second: int, reason: MatchReason, confidence: int, shared: str) -> None:
        key = (first, second, reason)
        if key not in found or found[key].confidence < confidence:
            found[key] = DuplicateMatch(
                first=first, second=second, reason=reason, confidence=confidence, shared=shared
            )

    for reason, key_of, confidence in (
        (MatchReason.EMAIL, _email_key, EMAIL_CONFIDENCE),
        (MatchReason.PHONE, lambda c: _phone_key(c, country_code), PHONE_CONFIDENCE),
    ):
        for shared, positions in _blocks(contacts, key_of).items():
            for later in positions[1:]:
                add(positions[0], later, reason, confidence, shared)

    def organisation(contact: Contact) -> str | None:
        org = contact.organisation
        return None if org is None else organisation_key(org.name) or None

    for shared, positions in _blocks(contacts, organisation).items():
        named = sorted(positions, key=lambda n: (_name_key(contacts[n].name), n))
        for at, here in enumerate(named):
            mine = _name_key(contacts[here].name)
            for there in named[at + 1 : at + 1 + _WINDOW]:
                theirs = _name_key(contacts[there].name)
                ratio = 1.0 if mine == theirs else _similarity(mine, theirs)
                if ratio >= SIMILAR_NAME_RATIO:
                    first, second = sorted((here, there))
                    sure = round(SAME_NAME_CONFIDENCE * ratio)
                    add(first, second, MatchReason.ORGANISATION_AND_NAME, sure, shared)
    order = list(MatchReason)
    return tuple(sorted(found.values(), key=lambda m: (m.first, m.second, order.index(m.reason))))


def _blocks(
    contacts: Sequence[Contact], key_of: Callable[[Contact], str | None]
) -> dict[str, list[int]]:
    """The positions of *contacts* by key, for the keys more than one of them has."""
    blocks: defaultdict[str, list[int]] = defaultdict(list)
    for position, contact in enumerate(contacts):
        key = key_of(contact)
        if key is not None:
            blocks[key].append(position)
    return {key: positions for key, positions in blocks.items() if len(positions) > 1}


def _similarity(one: str, other: str) -> float:
    return difflib.SequenceMatcher(None, one, other, autojunk=False).ratio()


def group_duplicates(
    matches: Iterable[DuplicateMatch], *, min_confidence: int = 0
) -> tuple[tuple[int, ...], ...]:
    """Join *matches* of at least *min_confidence* into groups of positions.

    Records are in one group when a chain of matches links them. Each group is sorted,
    and the groups come in order of their first position; a record matched with none is
    in no group.

    >>> m = [DuplicateMatch(first=0, second=3, reason=MatchReason.EMAIL, confidence=95,
    ...                     shared="ada@example.com"),
    ...      DuplicateMatch(first=3, second=5, reason=MatchReason.PHONE, confidence=80,
    ...                     shared="+442079460958")]
    >>> group_duplicates(m)
    ((0, 3, 5),)
    >>> group_duplicates(m, min_confidence=90)
    ((0, 3),)
    """
    parent: dict[int, int] = {}

    def root(n: int) -> int:
        parent.setdefault(n, n)
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for match in matches:
        if match.confidence >= min_confidence:
            one, other = root(match.first), root(match.second)
            parent[max(one, other)] = min(one, other)
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for n in parent:
        groups[root(n)].append(n)
    return tuple(tuple(sorted(group)) for _, group in sorted(groups.items()))


# ----------------------------------------------------------------------------------------
# Merge
# ----------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Conflict:
    """Two records of a merge disagree on a field: the merged value keeps one.

    Attributes:
        field: The field, as a path (``contact.phone``, ``evidence.need``,
            ``evidence.signals.industry``).
        kept: The value the merged record has.
        other: The value another record had.
        source: The position, in the merge's input, of the record that had *other*.
    """

    field: str = attrs.field(validator=v.text)
    kept: Any
    other: Any
    source: int = attrs.field(validator=v.in_range(0, 2**63))


@attrs.frozen(kw_only=True)
class Merged:
    """What :func:`merge` made.

    Attributes:
        value: The merged record.
        kept: The position, in the input, of the record whose stage it kept.
        conflicts: Each field on which a merged record disagreed with the result.
    """

    value: Stage
    kept: int
    conflicts: tuple[Conflict, ...]


# The stages in the order a merge keeps them: the most advanced first (a customer, an open
# deal, a lost deal, an open lead ...), as Odoo keeps opportunities before leads.
_RANK: Final = {
    FunnelStage.CUSTOMER: 6,
    FunnelStage.OPPORTUNITY: 5,
    FunnelStage.LOST: 4,
    FunnelStage.LEAD: 3,
    FunnelStage.NURTURED: 2,
    FunnelStage.DISQUALIFIED: 1,
    FunnelStage.CONTACT: 0,
}
# Contact details a record without them takes from another (HubSpot: merging fills an
# empty property and never overwrites one); the name and creation time are the kept
# record's own.
_DETAILS: Final = ("email", "phone", "organisation", "job_title", "role", "source", "id")
_EMPTY: Final[dict[str, object]] = {"role": PurchaseRole.UNKNOWN}


def _evidence_of(value: Stage) -> Evidence | None:
    return None if isinstance(value, Contact) else value.evidence


def _known(part: Any) -> bool:
    """Whether an evidence part says anything: a level, an amount, a date, a process."""
    defaults = type(part)()
    return any(
        getattr(part, name) != getattr(defaults, name)
        for name in ("level", "amount", "decision_date", "process")
        if hasattr(part, name)
    )


def _said(part: Any) -> tuple[Any, ...]:
    """What an evidence part says, without when or the note: what a conflict is about."""
    return tuple(
        getattr(part, name)
        for name in ("level", "amount", "decision_date", "process")
        if hasattr(part, name)
    )


def _freshness(observed_at: datetime | None) -> tuple[int, datetime | None]:
    # An undated observation is older than any dated one.
    return (0, None) if observed_at is None else (1, v.instant(observed_at))


def merge(values: Sequence[Stage], *, as_of: datetime, by: str | None = None) -> Merged:
    """Merge duplicate records of one person into one value.

    The rules, each written so that the order of *values* does not matter, except where
    two records tie on everything a rule looks at (then the earlier one wins):

    - **The most advanced stage is kept**: a customer before an open opportunity, then a
      lost one, an open lead, a nurtured lead, a disqualified lead, a contact; between
      two at one stage, the one changed last. The merged value is that record, with its
      stage, history, decisions and deal.
    - **Contact details**: the kept record's, with each empty one (phone, e-mail,
      organisation, job title, role, source, id) filled in from the record changed last
      that has it. A value that differs from the merged one is listed as a conflict.
    - **Evidence** (when the kept record has any): per criterion, the freshest
      observation that says something (an unknown level never wins over a known one);
      per signal, the freshest observation. Parts that disagree are conflicts.
    - **Nothing is lost**: the other records are kept whole, oldest change first, in a
      :class:`~leadflow.RecordsMerged` event appended to the kept record's history
      (:func:`history` lists every event of a merged value in time order). Merging
      contacts alone makes a contact, which has no history: the other contacts' details
      are then either in the result or in the conflicts.
    - **Merging a record with itself changes nothing**: records equal to one already
      merged are left out, and a single record is returned as it is.

    Args:
        values: The duplicates: contacts or stages, at least one.
        as_of: When the merge happens (aware); not before any record's last change.
        by: Who merged them, if given.

    Raises:
        InvalidFieldError: *values* is empty, or *as_of* precedes a record's last
            change.
        WrongTypeError: a value is not a funnel value.
    """
    records = list(values)
    if not records:
        raise InvalidFieldError("values", values, "give at least one record to merge")
    stages = [stage_of(record) for record in records]
    distinct: list[int] = []
    for position, record in enumerate(records):
        if all(record != records[n] for n in distinct):
            distinct.append(position)
    kept = max(
        distinct,
        key=lambda n: (_RANK[stages[n]], v.instant(last_change(records[n])), -n),
    )
    value = records[kept]
    others = [n for n in distinct if n != kept]
    if not others:
        return Merged(value=value, kept=kept, conflicts=())
    for n in distinct:
        check_time(records[n], as_of)
    # Fill-ins come from the record changed last first.
    latest_first = sorted(others, key=lambda n: (v.instant(last_change(records[n])), -n))[::-1]
    conflicts: list[Conflict] = []
    contact = _merged_contact(records, kept, latest_first, conflicts)
    if isinstance(value, Contact):
        return Merged(value=contact, kept=kept, conflicts=_sorted(conflicts))
    evidence = _merged_evidence(records, kept, latest_first, conflicts)
    event = RecordsMerged(
        at=as_of,
        by=by,
        from_stage=value.stage,
        to_stage=value.stage,
        absorbed=tuple(records[n] for n in latest_first[::-1]),
    )
    merged = attrs.evolve(
        value, contact=contact, evidence=evidence, history=(*value.history, event)
    )
    return Merged(value=merged, kept=kept, conflicts=_sorted(conflicts))


def _sorted(conflicts: list[Conflict]) -> tuple[Conflict, ...]:
    return tuple(sorted(conflicts, key=lambda c: (c.field, c.source)))


def _merged_contact(
    records: Sequence[Stage], kept: int, latest_first: Sequence[int], conflicts: list[Conflict]
) -> Contact:
    mine = _contact(records[kept], kept)
    filled: dict[str, Any] = {}
    for name in _DETAILS:
        current = getattr(mine, name)
        empty = _EMPTY.get(name)
        if current == empty:
            for n in latest_first:
                theirs = getattr(_contact(records[n], n), name)
                if theirs != empty:
                    current = filled[name] = theirs
                    break
        for n in latest_first:
            theirs = getattr(_contact(records[n], n), name)
            if theirs not in (empty, current):
                conflicts.append(
                    Conflict(field=f"contact.{name}", kept=current, other=theirs, source=n)
                )
    for n in latest_first:
        theirs = _contact(records[n], n)
        if theirs.name != mine.name:
            conflicts.append(
                Conflict(field="contact.name", kept=mine.name, other=theirs.name, source=n)
            )
    return attrs.evolve(mine, **filled) if filled else mine


def _merged_evidence(
    records: Sequence[Stage], kept: int, latest_first: Sequence[int], conflicts: list[Conflict]
) -> Evidence:
    mine = _evidence_of(records[kept])
    assert mine is not None  # the kept record is a stage from lead on
    # The kept record first, then the others changed last first: the order ties go by.
    order = [kept, *latest_first]
    sources = [(n, e) for n in order if (e := _evidence_of(records[n])) is not None]
    parts: dict[str, Any] = {}
    for criterion in Criterion:
        known = [(n, e.part(criterion)) for n, e in sources if _known(e.part(criterion))]
        if not known:
            continue
        _, best = max(
            enumerate(known), key=lambda item: (_freshness(item[1][1].observed_at), -item[0])
        )[1]
        parts[criterion.value] = best
        for n, part in known:
            if _said(part) != _said(best):
                conflicts.append(
                    Conflict(field=f"evidence.{criterion.value}", kept=best, other=part, source=n)
                )
    signals: dict[str, SignalObservation] = {}
    for _, evidence in sources:
        for name, seen in evidence.signals:
            held = signals.get(name)
            if held is None or _freshness(seen.observed_at) > _freshness(held.observed_at):
                signals[name] = seen
    for n, evidence in sources:
        for name, seen in evidence.signals:
            best_seen = signals[name]
            if seen.value != best_seen.value:
                conflicts.append(
                    Conflict(field=f"evidence.signals.{name}", kept=best_seen, other=seen, source=n)
                )
    return attrs.evolve(mine, **parts, signals=signals)


def history(value: Stage) -> tuple[Event, ...]:
    """Every event of *value* and of the records merged into it, in time order.

    A value's own history is a chain of moves; a merge keeps the other records whole in
    a :class:`~leadflow.RecordsMerged` event. This unions their histories (and theirs, for
    records merged before): events at the same instant keep the order they were found in,
    the value's own first. A contact has none.
    """
    found = list(_events(value))
    return tuple(sorted(found, key=lambda event: v.instant(event.at)))


def _events(value: Stage) -> Iterator[Event]:
    if isinstance(value, Contact):
        return
    for event in value.history:
        yield event
        if isinstance(event, RecordsMerged):
            for record in event.absorbed:
                yield from _events(record)
