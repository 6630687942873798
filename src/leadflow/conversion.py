"""Conversion as a plan: which account, contact and opportunity a converted lead becomes.

Converting a lead in a CRM creates or links three records: an account (the buying
organisation), a contact (the person) and, usually, an opportunity (the deal). Salesforce
does it with ``convertLead`` (a ``LeadConvert``), Dynamics 365 with the ``QualifyLead``
action, Odoo with its convert wizard (``crm.lead2opportunity.partner``), which creates or
links a partner. :func:`plan_conversion` decides it once, in leadflow's terms, and each
adapter's ``write_conversion`` spells the plan in its CRM's: nothing here talks to a CRM.

An existing account is matched by its web domain, then by its name (as
:func:`leadflow.duplicates.organisation_key` compares names); an existing contact by its
e-mail address, in any case. Everything the lead knows either goes to one of the three
records or is listed in :attr:`ConversionPlan.left_behind`, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import Enum
from typing import Any, Final
from urllib.parse import urlsplit

import attrs

from leadflow import _validate as v
from leadflow.contacts import Contact, Organisation
from leadflow.duplicates import organisation_key
from leadflow.errors import InvalidFieldError, WrongTypeError
from leadflow.lifecycle import Lead, Opportunity
from leadflow.money import Money
from leadflow.stages import OpportunityStage

__all__ = [
    "Account",
    "AccountStep",
    "ContactStep",
    "ConversionPlan",
    "LeftBehind",
    "OpportunityStep",
    "Step",
    "domain_of",
    "plan_conversion",
]


class Step(Enum):
    """What a conversion does with one record."""

    CREATE = "create"  #: make a new record from the lead
    LINK = "link"  #: use a record the CRM already has
    NONE = "none"  #: make none (no organisation; no opportunity asked for)


def _crm_id(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise WrongTypeError(attribute.name, value, "expected a str or int id")
    if isinstance(value, str) and (not value.strip() or value != value.strip()):
        raise InvalidFieldError(attribute.name, value, "must be a non-blank id")


@attrs.frozen(kw_only=True)
class Account:
    """An account (company) the CRM already has, to be matched.

    Attributes:
        id: Its id in the CRM.
        name: Its name.
        website: Its website, if known (its domain is what is matched first).
    """

    id: str | int = attrs.field(validator=_crm_id)
    name: str = attrs.field(validator=v.text)
    website: str | None = attrs.field(default=None, validator=v.optional_text)


@attrs.frozen(kw_only=True)
class AccountStep:
    """The account a conversion creates or links.

    Attributes:
        step: Create, link or none.
        organisation: The lead's organisation (what a created account is made of).
        id: The linked account's id (only when *step* is ``link``).
        matched_by: ``"domain"`` or ``"name"`` when linked.
    """

    step: Step = attrs.field(validator=v.of_type(Step))
    organisation: Organisation | None = None
    id: str | int | None = None
    matched_by: str | None = None


@attrs.frozen(kw_only=True)
class ContactStep:
    """The contact a conversion creates or links.

    Attributes:
        step: Create or link.
        contact: The lead's contact (what a created contact is made of).
        id: The linked contact's id (only when *step* is ``link``).
        matched_by: ``"email"`` when linked.
    """

    step: Step = attrs.field(validator=v.of_type(Step))
    contact: Contact
    id: str | int | None = None
    matched_by: str | None = None


@attrs.frozen(kw_only=True)
class OpportunityStep:
    """The opportunity a conversion creates, if any.

    Attributes:
        step: Create or none.
        name: Its name.
        amount: Its estimated value, if known.
        expected_close: When it is expected to close, if known.
        sales_step: Its sales step.
        probability: Its win probability, when the lead is already an opportunity.
        owner: Who owns the deal, when the opportunity names one.
        product: What is sold, when the opportunity names it.
    """

    step: Step = attrs.field(validator=v.of_type(Step))
    name: str | None = None
    amount: Money | None = None
    expected_close: date | None = None
    sales_step: OpportunityStage | None = None
    probability: int | None = None
    owner: str | None = None
    product: str | None = None


@attrs.frozen
class LeftBehind:
    """A field of the lead no converted record takes, and why.

    Attributes:
        field: Its path in the lead (``evidence.need``, ``history``).
        reason: Why it stays behind, as a sentence.
    """

    field: str
    reason: str


@attrs.frozen(kw_only=True)
class ConversionPlan:
    """What converting a lead does: an account, a contact, an opportunity.

    Attributes:
        source: The lead (or opportunity) converted.
        account: The account step.
        contact: The contact step.
        opportunity: The opportunity step.
        left_behind: What of the source no record takes, each with its reason.
    """

    source: Lead | Opportunity
    account: AccountStep
    contact: ContactStep
    opportunity: OpportunityStep
    left_behind: tuple[LeftBehind, ...]


# Mailbox providers: an address there says nothing of the employer's domain.
_FREE_MAIL: Final = frozenset(
    {
        "aol.com",
        "gmail.com",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.ru",
        "me.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "web.de",
        "yahoo.com",
        "yandex.ru",
    }
)


def domain_of(website: str) -> str | None:
    """The domain of a website as compared: lower case, without ``www.`` or a port.

    >>> domain_of("https://www.Analytical.example/about")
    'analytical.example'
    >>> domain_of("analytical.example")
    'analytical.example'

    Text that is no address (an unclosed ``[`` of an IPv6 host, say) has no domain:

    >>> domain_of("[analytical") is None
    True
    """
    text = website.strip()
    if not text:
        return None
    try:
        host = urlsplit(text if "//" in text else f"//{text}").hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host.removeprefix("www.") or None


def _lead_domain(contact: Contact) -> str | None:
    organisation = contact.organisation
    if organisation is not None and organisation.website:
        found = domain_of(organisation.website)
        if found:
            return found
    if contact.email:
        domain = contact.email.rpartition("@")[2].lower()
        return None if domain in _FREE_MAIL else domain
    return None


# What a conversion never carries into the CRM's records, and why.
_BEHIND_LEAD: Final = {
    "evidence": "the need, budget, timeframe and authority stay in leadflow's decision; "
    "write_lead writes those a CRM has fields for before converting",
    "qualification": "the decision that made it a lead is leadflow's own",
    "history": "the events stay in leadflow; the CRM keeps its own audit trail",
}
_BEHIND_OPPORTUNITY: Final = {
    "signals": "the promotion signals stay in leadflow's promotion decision",
    "promotion": "the decision that promoted it is leadflow's own",
}
_BEHIND_CONTACT: Final = {
    "contact.created_at": "the created records get their own creation time",
}
_NO_OPPORTUNITY: Final = "no opportunity is created"


def plan_conversion(
    value: Lead | Opportunity,
    *,
    accounts: Iterable[Account] = (),
    contacts: Iterable[Contact] = (),
    opportunity: bool = True,
    opportunity_name: str | None = None,
) -> ConversionPlan:
    """Plan the conversion of a lead (or an opportunity) into CRM records.

    - **Account**: the lead's organisation; linked to an existing one of *accounts* with
      the same web domain (the organisation's website, else the contact's e-mail domain
      unless it is a mailbox provider's), else the same name; created otherwise. A lead
      without an organisation makes none (a private person).
    - **Contact**: linked to the one of *contacts* (contacts with an ``id``) with the
      same e-mail address in any case, else created from the lead's contact.
    - **Opportunity**: created unless *opportunity* is false. An :class:`Opportunity`
      gives its name, value, expected close, step and probability; a lead gives
      *opportunity_name* (default: the organisation's name, else the contact's).

    When several existing records match, the first in the order given is linked.

    Raises:
        WrongTypeError: *value* is not a lead or an opportunity, or an item of
            *accounts* or *contacts* is not an :class:`Account` or a :class:`Contact`.
        InvalidFieldError: a contact of *contacts* has no ``id``.
    """
    if not isinstance(value, (Lead, Opportunity)):
        raise WrongTypeError("value", value, "only a lead or an opportunity is converted")
    contact = value.contact
    account = _account_step(contact, accounts)
    person = _contact_step(contact, contacts)
    behind = [LeftBehind(field, why) for field, why in _BEHIND_LEAD.items()]
    behind += [LeftBehind(field, why) for field, why in _BEHIND_CONTACT.items()]
    if isinstance(value, Opportunity):
        behind += [LeftBehind(field, why) for field, why in _BEHIND_OPPORTUNITY.items()]
    if account.step is Step.LINK:
        behind.append(
            LeftBehind(
                "contact.organisation",
                "the account linked keeps its own details; the CRM fills only its empty ones",
            )
        )
    if person.step is Step.LINK:
        behind.append(
            LeftBehind(
                "contact",
                "the contact linked keeps its own details; the CRM fills only its empty ones",
            )
        )
    if not opportunity:
        deal = OpportunityStep(step=Step.NONE)
        if isinstance(value, Opportunity):
            behind += [
                LeftBehind(field, _NO_OPPORTUNITY)
                for field in (
                    "name",
                    "estimated_value",
                    "expected_close",
                    "step",
                    "probability",
                    "owner",
                    "product",
                )
            ]
    elif isinstance(value, Opportunity):
        deal = OpportunityStep(
            step=Step.CREATE,
            name=opportunity_name or value.name,
            amount=value.estimated_value,
            expected_close=value.expected_close,
            sales_step=value.step,
            probability=value.probability,
            owner=value.owner,
            product=value.product,
        )
    else:
        fallback = contact.organisation.name if contact.organisation else contact.name
        deal = OpportunityStep(step=Step.CREATE, name=opportunity_name or fallback)
    return ConversionPlan(
        source=value,
        account=account,
        contact=person,
        opportunity=deal,
        left_behind=tuple(behind),
    )


def _account_step(contact: Contact, accounts: Iterable[Account]) -> AccountStep:
    organisation = contact.organisation
    known = list(accounts)
    for n, account in enumerate(known):
        if not isinstance(account, Account):
            raise WrongTypeError(f"accounts[{n}]", account, "expected an Account")
    if organisation is None:
        return AccountStep(step=Step.NONE)
    domain = _lead_domain(contact)
    if domain is not None:
        for account in known:
            if account.website and domain_of(account.website) == domain:
                return AccountStep(
                    step=Step.LINK, organisation=organisation, id=account.id, matched_by="domain"
                )
    name = organisation_key(organisation.name)
    for account in known:
        if organisation_key(account.name) == name:
            return AccountStep(
                step=Step.LINK, organisation=organisation, id=account.id, matched_by="name"
            )
    return AccountStep(step=Step.CREATE, organisation=organisation)


def _contact_step(contact: Contact, contacts: Iterable[Contact]) -> ContactStep:
    email = None if contact.email is None else contact.email.lower()
    for n, known in enumerate(contacts):
        if not isinstance(known, Contact):
            raise WrongTypeError(f"contacts[{n}]", known, "expected a Contact")
        if known.id is None:
            raise InvalidFieldError(f"contacts[{n}].id", None, "an existing contact has an id")
        if email is not None and known.email is not None and known.email.lower() == email:
            return ContactStep(step=Step.LINK, contact=contact, id=known.id, matched_by="email")
    return ContactStep(step=Step.CREATE, contact=contact)
