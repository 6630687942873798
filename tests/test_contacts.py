"""Contacts: channels normalised and validated, strict construction, forgiving records."""

from __future__ import annotations

import string
import unicodedata
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow import (
    Contact,
    ContactId,
    InvalidEmailError,
    InvalidFieldError,
    InvalidPhoneError,
    InvalidRecordError,
    LeadflowError,
    LeadSource,
    NaiveDatetimeError,
    Organisation,
    PurchaseRole,
    WrongTypeError,
    normalise_email,
    normalise_phone,
)
from leadflow import _grammar as g
from leadflow import strategies as lfst
from leadflow.contacts import email_addresses

UTC = timezone.utc
CREATED = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)

CONTACT_FIELDS = [
    "name",
    "created_at",
    "email",
    "phone",
    "organisation",
    "job_title",
    "role",
    "source",
    "id",
]
ORGANISATION_FIELDS = ["name", "industry", "employees", "website"]

_PHONE_SEPARATORS = ["", "", " ", "-", ".", "/", "(", ")"]

# JSON-like values: what a CRM export, a CSV reader or a hand-written dict may hold.
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(ORGANISATION_FIELDS) | st.text(max_size=8), children, max_size=4
        )
    ),
    max_leaves=8,
)

# Values that are sometimes right for a contact field, so fuzzed records also get through.
plausible = st.one_of(
    json_like,
    lfst.emails(),
    lfst.phones(),
    lfst.texts(),
    lfst.aware_datetimes().map(datetime.isoformat),
    st.sampled_from([m.value for m in PurchaseRole] + [m.value for m in LeadSource]),
    st.fixed_dictionaries(
        {"name": st.none() | lfst.texts() | st.just(" ")},
        optional={
            "employees": st.integers(-3, 10**6) | st.text(string.digits + "-² ", max_size=6),
            "industry": json_like,
            "website": json_like,
        },
    ),
)


def _record_of(contact: Contact) -> dict[str, Any]:
    """The contact as a CRM would send it: strings for enums and times."""
    organisation = contact.organisation
    return {
        "name": contact.name,
        "created_at": contact.created_at.isoformat(),
        "email": contact.email,
        "phone": contact.phone,
        "organisation": None
        if organisation is None
        else {
            "name": organisation.name,
            "industry": organisation.industry,
            "employees": organisation.employees,
            "website": organisation.website,
        },
        "job_title": contact.job_title,
        "role": contact.role.value,
        "source": None if contact.source is None else contact.source.value,
        "id": contact.id,
    }


fuzzed_fields = st.dictionaries(
    st.sampled_from(CONTACT_FIELDS) | st.text(max_size=10), plausible, max_size=10
)

# Arbitrary records, and valid records with some fields replaced by arbitrary values, so
# that both outcomes (a contact, or every bad field listed) are exercised.
records = fuzzed_fields | st.builds(
    lambda record, changes: {**record, **changes},
    lfst.contacts().map(_record_of),
    fuzzed_fields,
)


class TestEmail:
    @pytest.mark.parametrize(
        ("given_address", "normalised"),
        [
            ("  Ada.Lovelace@Example.COM ", "Ada.Lovelace@example.com"),
            ("ada@example.com", "ada@example.com"),
            ("o'brien+crm@mail.Example.co.uk", "o'brien+crm@mail.example.co.uk"),
        ],
    )
    def test_the_domain_is_lower_cased_and_the_local_part_kept(
        self, given_address: str, normalised: str
    ) -> None:
        assert normalise_email(given_address) == normalised

    @pytest.mark.parametrize("blank", ["", "   ", None])
    def test_a_blank_address_is_no_address(self, blank: str | None) -> None:
        assert normalise_email(blank) is None

    @pytest.mark.parametrize(
        "junk",
        [
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@example.c",
            "ada..lovelace@example.com",
            ".ada@example.com",
            "ada.@example.com",
            "ada lovelace@example.com",
            "ada@exa mple.com",
            "ada@@example.com",
            "ada@-example.com",
            "ada@example..com",
        ],
    )
    def test_what_is_not_an_address_is_refused_naming_the_field(self, junk: str) -> None:
        with pytest.raises(InvalidEmailError) as caught:
            normalise_email(junk)

        assert caught.value.field == "email"
        assert caught.value.value == junk

    def test_an_address_must_be_text(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            normalise_email(42)

        assert caught.value.field == "email"

    @given(lfst.emails())
    def test_generated_addresses_are_accepted_as_they_are(self, address: str) -> None:
        assert normalise_email(address) == address

    @given(lfst.emails(), st.sampled_from(["", " ", "\t", "  "]))
    def test_normalising_is_idempotent_and_ignores_case_and_spacing_of_the_domain(
        self, address: str, padding: str
    ) -> None:
        local, _, domain = address.rpartition("@")
        messy = f"{padding}{local}@{domain.upper()}{padding}"

        once = normalise_email(messy)

        assert once == address
        assert normalise_email(once) == once

    @given(lfst.texts().map(lambda text: text.replace("@", "") or "x"))
    def test_text_without_an_at_sign_is_never_an_address(self, junk: str) -> None:
        with pytest.raises(InvalidEmailError) as caught:
            normalise_email(junk)

        assert caught.value.field == "email"


class TestPhone:
    @pytest.mark.parametrize(
        ("given_number", "normalised"),
        [
            ("+44 (20) 7946-0958", "+442079460958"),
            ("020 7946 0958", "02079460958"),
            ("+1.212.555.0100", "+12125550100"),
            ("030/1234567", "0301234567"),
        ],
    )
    def test_separators_are_dropped(self, given_number: str, normalised: str) -> None:
        assert normalise_phone(given_number) == normalised

    @pytest.mark.parametrize(
        "junk",
        [
            "12345",
            "1" * 16,
            "call me",
            "+44 20 7946 095x",
            "++442079460958",
            "0800-FLOWERS",
            "٠١٢٣٤٥٦٧٨٩",  # Arabic-Indic digits are not dialable as written
            "+",
        ],
    )
    def test_what_is_not_a_number_is_refused_naming_the_field(self, junk: str) -> None:
        with pytest.raises(InvalidPhoneError) as caught:
            normalise_phone(junk)

        assert caught.value.field == "phone"
        assert caught.value.value == junk

    @given(lfst.phones())
    def test_generated_numbers_are_accepted_as_they_are(self, number: str) -> None:
        assert normalise_phone(number) == number

    @given(lfst.phones(), st.data())
    def test_normalising_is_idempotent_whatever_the_separators(
        self, number: str, data: st.DataObject
    ) -> None:
        separators = data.draw(
            st.lists(st.sampled_from(_PHONE_SEPARATORS), min_size=len(number), max_size=len(number))
        )
        # Never "(" before a 0: "+44(0)..." would be a trunk prefix, which is dropped
        # (see TestPhoneTrunkPrefix).
        messy = "".join(
            char + ("" if sep == "(" and following == "0" else sep)
            for char, sep, following in zip(number, separators, [*number[1:], ""], strict=True)
        )

        once = normalise_phone(messy)

        assert once == number
        assert normalise_phone(once) == once

    @given(
        st.text(string.digits, min_size=1, max_size=6)
        | st.text(string.digits, min_size=16, max_size=30)
    )
    def test_too_few_or_too_many_digits_are_refused(self, digits: str) -> None:
        with pytest.raises(InvalidPhoneError) as caught:
            normalise_phone(digits)

        assert caught.value.field == "phone"

    # An "x" marks an extension ("+14155550100 x12"); every other letter is refused.
    @given(
        lfst.phones(),
        st.sampled_from(string.ascii_letters.replace("x", "").replace("X", "") + "#*,;"),
        st.data(),
    )
    def test_a_number_with_anything_but_digits_is_refused(
        self, number: str, intruder: str, data: st.DataObject
    ) -> None:
        at = data.draw(st.integers(min_value=1, max_value=len(number)))
        junk = number[:at] + intruder + number[at:]

        with pytest.raises(InvalidPhoneError) as caught:
            normalise_phone(junk)

        assert caught.value.field == "phone"
        assert caught.value.value == junk

    @pytest.mark.parametrize("separators", ["-", "()", " / ", "+"])
    def test_separators_alone_are_no_phone_but_a_bad_one(self, separators: str) -> None:
        # New rule: only a blank value is a missing one, as for every field.
        with pytest.raises(InvalidPhoneError, match="7 to 15 digits"):
            normalise_phone(separators)
        assert normalise_phone(" \t") is None


class TestContact:
    def test_a_private_person_needs_no_organisation(self) -> None:
        contact = Contact(name="Grace Hopper", phone="+1 212 555 0100", created_at=CREATED)

        assert contact.organisation is None
        assert contact.phone == "+12125550100"
        assert contact.email is None
        assert contact.role is PurchaseRole.UNKNOWN

    def test_channels_are_normalised_on_the_way_in(self) -> None:
        contact = Contact(
            name="Ada Lovelace",
            email=" Ada@Example.COM ",
            phone="+44 (20) 7946-0958",
            created_at=CREATED,
        )

        assert contact.email == "Ada@example.com"
        assert contact.phone == "+442079460958"

    @pytest.mark.parametrize(("email", "phone"), [(None, None), ("", "  "), (" ", None)])
    def test_at_least_one_channel_is_required(self, email: str | None, phone: str | None) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Contact(name="Nobody", email=email, phone=phone, created_at=CREATED)

        assert caught.value.field == "email"
        assert "phone" in caught.value.reason

    def test_a_naive_creation_time_is_rejected(self) -> None:
        naive = datetime(2026, 1, 5, 9, 30)

        with pytest.raises(NaiveDatetimeError) as caught:
            Contact(name="Ada", email="ada@example.com", created_at=naive)

        assert caught.value.field == "created_at"
        assert caught.value.value == naive

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("name", 42),
            ("created_at", "2026-01-05T09:30:00+00:00"),
            ("email", 42),
            ("phone", 4420794609),
            ("organisation", "Analytical Engines Ltd"),
            ("job_title", ["CTO"]),
            ("role", 3),
            ("source", 3),
            ("id", 7),
        ],
    )
    def test_a_value_of_the_wrong_type_is_a_wrong_type_error(
        self, field: str, value: object
    ) -> None:
        fields: dict[str, Any] = {"name": "Ada", "email": "ada@example.com", "created_at": CREATED}
        fields[field] = value

        with pytest.raises(WrongTypeError) as caught:
            Contact(**fields)

        assert caught.value.field == field
        assert caught.value.value == value
        assert isinstance(caught.value, LeadflowError)
        assert isinstance(caught.value, TypeError)

    @pytest.mark.parametrize("name", ["", "   ", " Ada", "Ada "])
    def test_a_name_is_non_blank_text_without_surrounding_spaces(self, name: str) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Contact(name=name, email="ada@example.com", created_at=CREATED)

        assert caught.value.field == "name"

    def test_a_bad_address_is_refused_at_construction(self) -> None:
        with pytest.raises(InvalidEmailError) as caught:
            Contact(name="Ada", email="ada(at)example.com", created_at=CREATED)

        assert caught.value.value == "ada(at)example.com"


class TestOrganisation:
    def test_an_organisation_is_a_value_of_its_own(self) -> None:
        organisation = Organisation(name="Analytical Engines Ltd", employees=42)

        contact = Contact(
            name="Ada Lovelace",
            email="ada@example.com",
            created_at=CREATED,
            organisation=organisation,
        )

        assert contact.organisation == organisation
        assert contact.name != organisation.name

    def test_a_head_count_is_never_negative(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Organisation(name="Acme", employees=-1)

        assert caught.value.field == "employees"

    def test_a_head_count_has_at_most_twelve_digits(self) -> None:
        assert Organisation(name="Acme", employees=10**12 - 1).employees == 10**12 - 1
        with pytest.raises(InvalidFieldError, match="at most 12 digits") as caught:
            Organisation(name="Acme", employees=10**12)

        assert caught.value.field == "employees"

    def test_a_head_count_is_not_a_flag(self) -> None:
        with pytest.raises(WrongTypeError):
            Organisation(name="Acme", employees=True)

    def test_an_organisation_needs_a_name(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Organisation(name=" ")

        assert caught.value.field == "name"


class TestFromRecord:
    def test_it_builds_a_contact_from_strings(self) -> None:
        record = {
            "name": " Ada Lovelace ",
            "email": "Ada@Example.com",
            "phone": "+44 20 7946 0958",
            "created_at": "2026-01-05T09:30:00Z",
            "organisation": {
                "name": "Analytical Engines Ltd",
                "industry": "Computing",
                "employees": "42",
                "website": "  ",
            },
            "job_title": "Chief Technology Officer",
            "role": "decision_maker",
            "source": "trade_show",
            "id": "c-0001",
        }

        contact = Contact.from_record(record)

        assert contact == Contact(
            name="Ada Lovelace",
            email="Ada@example.com",
            phone="+442079460958",
            created_at=CREATED,
            organisation=Organisation(
                name="Analytical Engines Ltd", industry="Computing", employees=42
            ),
            job_title="Chief Technology Officer",
            role=PurchaseRole.DECISION_MAKER,
            source=LeadSource.TRADE_SHOW,
            id=ContactId("c-0001"),
        )

    def test_an_organisation_may_be_given_by_name(self) -> None:
        contact = Contact.from_record(
            {"name": "Ben", "phone": "020 7946 0958", "created_at": "2026-01-05T09:30:00+01:00"}
            | {"organisation": "Northwind Traders"}
        )

        assert contact.organisation == Organisation(name="Northwind Traders")
        assert contact.created_at == datetime(2026, 1, 5, 8, 30, tzinfo=UTC)

    def test_blank_strings_count_as_missing(self) -> None:
        contact = Contact.from_record(
            {
                "name": "Cleo",
                "email": "cleo@example.org",
                "phone": "  ",
                "created_at": "2026-01-05T09:30:00+00:00",
                "job_title": "",
                "role": "",
            }
        )

        assert contact.phone is None
        assert contact.job_title is None
        assert contact.role is PurchaseRole.UNKNOWN

    def test_every_bad_field_is_reported_at_once_with_its_path(self) -> None:
        record = {
            "name": "",
            "email": "not-an-email",
            "created_at": "yesterday",
            "organisation": {"name": ""},
            "role": "boss",
            "source": "carrier pigeon",
        }

        with pytest.raises(InvalidRecordError) as caught:
            Contact.from_record(record)

        paths = [error.path for error in caught.value.errors]
        assert sorted(paths) == sorted(
            [
                "$.name",
                "$.email",
                "$.created_at",
                "$.organisation.name",
                "$.role",
                "$.source",
            ]
        )
        by_path = {error.path: error for error in caught.value.errors}
        assert isinstance(by_path["$.email"], InvalidEmailError)
        assert by_path["$.email"].value == "not-an-email"
        assert by_path["$.created_at"].value == "yesterday"
        assert by_path["$.role"].value == "boss"
        for path in paths:
            assert path in str(caught.value)

    def test_a_naive_time_in_a_record_is_reported(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            Contact.from_record(
                {"name": "Dan", "email": "dan@example.com", "created_at": "2026-01-05T09:30:00"}
            )

        (error,) = caught.value.errors
        assert isinstance(error, NaiveDatetimeError)
        assert error.path == "$.created_at"

    def test_a_record_without_any_channel_says_so(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            Contact.from_record({"name": "Eve", "created_at": "2026-01-05T09:30:00+00:00"})

        (error,) = caught.value.errors
        assert error.path == "$.email"

    def test_a_bad_head_count_is_reported_under_the_organisation(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            Contact.from_record(
                {
                    "name": "Finn",
                    "email": "finn@example.com",
                    "created_at": "2026-01-05T09:30:00+00:00",
                    "organisation": {"name": "Acme", "employees": "²"},
                }
            )

        (error,) = caught.value.errors
        assert error.path == "$.organisation.employees"

    @pytest.mark.parametrize(("employees", "count"), [("42", 42), (" 42 ", 42), (42.0, 42)])
    def test_a_head_count_is_read_as_records_read_it(self, employees: object, count: int) -> None:
        record = {"name": "Finn", "email": "finn@example.com", "created_at": "2026-01-05 09:30Z"}

        contact = Contact.from_record(
            {**record, "organisation": {"name": "Acme", "employees": employees}}
        )

        assert contact.organisation is not None
        assert contact.organisation.employees == count
        assert contact.created_at == datetime(2026, 1, 5, 9, 30, tzinfo=UTC)

    @pytest.mark.parametrize("employees", ["1234567890123", 10**12, "4.5", "+4"])
    def test_a_head_count_of_thirteen_digits_or_not_whole_is_refused(
        self, employees: object
    ) -> None:
        # One rule with parse_record: a head count has 1 to 12 digits.
        with pytest.raises(InvalidRecordError) as caught:
            Contact.from_record(
                {
                    "name": "Finn",
                    "email": "finn@example.com",
                    "created_at": "2026-01-05T09:30:00+00:00",
                    "organisation": {"name": "Acme", "employees": employees},
                }
            )

        assert [error.path for error in caught.value.errors] == ["$.organisation.employees"]

    @pytest.mark.parametrize(
        "created_at", ["2026-01-05T09", "2026-01-05T09:30:00+0100", "2026-02-30T09:30Z"]
    )
    def test_a_creation_time_is_read_by_the_one_datetime_rule(self, created_at: str) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            Contact.from_record(
                {"name": "Finn", "email": "finn@example.com", "created_at": created_at}
            )

        assert [error.path for error in caught.value.errors] == ["$.created_at"]

    @pytest.mark.parametrize("not_a_mapping", [None, "Ada", ["Ada"], 42])
    def test_something_that_is_not_a_mapping_is_one_bad_record(self, not_a_mapping: Any) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            Contact.from_record(not_a_mapping)

        (error,) = caught.value.errors
        assert isinstance(error, WrongTypeError)
        assert error.path == "$"

    @given(lfst.contacts())
    def test_a_contact_written_as_a_record_reads_back_unchanged(self, contact: Contact) -> None:
        assert Contact.from_record(_record_of(contact)) == contact

    @given(records)
    def test_any_record_gives_a_contact_or_an_invalid_record_error(
        self, record: dict[str, Any]
    ) -> None:
        outcome: Contact | InvalidRecordError
        try:
            outcome = Contact.from_record(record)
        except InvalidRecordError as error:
            outcome = error

        if isinstance(outcome, InvalidRecordError):
            assert outcome.errors
            for bad in outcome.errors:
                assert isinstance(bad, InvalidFieldError)
                assert bad.path.startswith("$.")
                assert bad.path.split(".")[1] in CONTACT_FIELDS
        else:
            assert outcome.name == record["name"].strip()
            assert outcome.email is not None or outcome.phone is not None


# Lower-case letters of other scripts, composed (NFC), whose upper case lower-cases back
# to them alone (not "ß", whose upper case is "SS", nor a sigma, which may come back final).
_IDN_LETTERS = [
    letter
    for letter in "àáâäåæçèéêëíîïñòóôöøùúûüýÿąčęłńśšźżжзийклмнопрстуфхцчшщыэюяёαβγδεζηθλμπ"
    + "日本語例え中文한국어ไทย"
    if letter.upper().lower() == letter and unicodedata.is_normalized("NFC", letter)
]
_ATEXT = string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~-"


@st.composite
def idn_emails(draw: st.DrawFn) -> str:
    """Email addresses with internationalised domains, as normalised: lower case, NFC."""
    words = draw(st.lists(st.text(_ATEXT, min_size=1, max_size=8), min_size=1, max_size=3))
    label_chars = st.sampled_from([*_IDN_LETTERS, *string.ascii_lowercase, *string.digits])
    labels = draw(st.lists(st.text(label_chars, min_size=1, max_size=12), min_size=1, max_size=3))
    tld = draw(st.sampled_from(["de", "example", "jp", "рф", "中国", "xn--p1ai", "한국"]))
    return ".".join(words) + "@" + ".".join([*labels, tld])


class TestInternationalEmail:
    @pytest.mark.parametrize(
        ("given_address", "normalised"),
        [
            ("anna@bücher.example", "anna@bücher.example"),
            ("user@MÜLLER.de", "user@müller.de"),
            ("info@例え.jp", "info@例え.jp"),
            ("ivan@ПРИМЕР.РФ", "ivan@пример.рф"),
            # A "u" and a combining diaeresis (U+0308) compose into one "ü" (U+00FC).
            ("anna@BU\u0308CHER.example", "anna@b\u00fccher.example"),
            ("anna@xn--bcher-kva.EXAMPLE", "anna@xn--bcher-kva.example"),
            ("ivan@xn--e1afmkfd.XN--P1AI", "ivan@xn--e1afmkfd.xn--p1ai"),
            ("Anna.K@Bücher.Example", "Anna.K@bücher.example"),  # the local part is kept
        ],
    )
    def test_the_domain_may_be_internationalised_and_is_lower_case_and_nfc(
        self, given_address: str, normalised: str
    ) -> None:
        assert normalise_email(given_address) == normalised

    @pytest.mark.parametrize(
        "junk",
        [
            "anné@bücher.example",  # the local part stays ASCII
            "anna@bü cher.example",
            "anna@bücher\u3000example.de",  # an ideographic space
            "anna@bücher\u3002example",  # an ideographic full stop, a dot to IDNA
            "anna@例え\uff0ejp",  # a fullwidth full stop
            "anna\uff20bücher.example",  # a fullwidth "@"
            "anna@-bücher.example",
            "anna@bücher-.example",
            "anna@bücher..example",
            "anna@" + "ü" * 64 + ".de",  # a label of 64 characters
            "anna@" + ("ü" * 62 + ".") * 3 + "ü" * 62 + ".io",  # a domain of 254
            "anna@\U0001f600.example",  # beyond the Basic Multilingual Plane
            "anna@bücher.example.",
            "anna@bücher.e",
            "anna@@bücher.example",
        ],
    )
    def test_what_is_not_an_address_is_still_refused(self, junk: str) -> None:
        with pytest.raises(InvalidEmailError) as caught:
            normalise_email(junk)

        assert (caught.value.field, caught.value.value) == ("email", junk)

    def test_the_longest_internationalised_domain_is_counted_in_characters(self) -> None:
        domain = ("ü" * 62 + ".") * 3 + "ü" * 61 + ".io"  # 253 characters

        assert normalise_email("anna@" + domain) == "anna@" + domain

    @given(idn_emails(), st.sampled_from(["", " ", "\t"]))
    def test_normalising_is_idempotent_whatever_the_case_and_composition(
        self, address: str, padding: str
    ) -> None:
        local, _, domain = address.rpartition("@")
        for messy_domain in (domain, domain.upper(), unicodedata.normalize("NFD", domain)):
            messy = f"{padding}{local}@{messy_domain}{padding}"

            once = normalise_email(messy)

            assert once == address
            assert normalise_email(once) == once

    @pytest.mark.parametrize(
        "two",
        [
            "Ada <ada@example.com>, grace@example.com",
            "ada@example.com, grace@example.com",
            "ada@example.com;grace@example.com",
            "ada@example.com grace@example.com",
            "Ada <ada@example.com>",
        ],
    )
    def test_a_list_or_a_display_name_is_not_one_address(self, two: str) -> None:
        with pytest.raises(InvalidEmailError):
            normalise_email(two)


class TestEmailAddresses:
    @pytest.mark.parametrize(
        ("field", "addresses"),
        [
            ("Ada <ada@example.com>, grace@example.com", ("ada@example.com", "grace@example.com")),
            (
                '"Lovelace, Ada" <Ada@Example.COM>; "Hopper; Grace" <grace@example.com>',
                ("Ada@example.com", "grace@example.com"),
            ),
            ("grace@example.com", ("grace@example.com",)),
            ("<anna@BÜCHER.example>", ("anna@bücher.example",)),
            ("Ada Lovelace, ada@example.com", ("ada@example.com",)),  # a name alone: skipped
            (" ;, ada@example.com ;; ", ("ada@example.com",)),
            ("ada@example.com, ada@example.com", ("ada@example.com", "ada@example.com")),
            ('"a <b@example.org>" <ada@example.com>', ("ada@example.com",)),
            # Separators in a quoted name separate nothing, even around an address.
            ('"Ada; ada@example.com, Lovelace" <grace@example.com>', ("grace@example.com",)),
            ('"Quote \\" , inside" <ada@example.com>', ("ada@example.com",)),
            ("Ada < ada@example.com >", ("ada@example.com",)),
            ("ada@, grace@example.com, mailto:x@example.com", ("grace@example.com",)),
        ],
    )
    def test_every_address_is_read_in_order(self, field: str, addresses: tuple[str, ...]) -> None:
        assert email_addresses(field) == addresses

    @pytest.mark.parametrize("blank", [None, "", "  \t"])
    def test_a_blank_field_holds_no_address(self, blank: str | None) -> None:
        assert email_addresses(blank) == ()

    @pytest.mark.parametrize(
        "junk", ["Ada Lovelace", " , ; ", "ada@, @example.com", "Ada <ada@example>", "a b@c.io"]
    )
    def test_a_field_without_an_address_is_refused_naming_it(self, junk: str) -> None:
        with pytest.raises(InvalidEmailError) as caught:
            email_addresses(junk, field="email_from")

        assert (caught.value.field, caught.value.value) == ("email_from", junk)

    def test_a_field_must_be_text(self) -> None:
        with pytest.raises(WrongTypeError):
            email_addresses(["ada@example.com"])

    @given(st.lists(idn_emails() | lfst.emails(), min_size=1, max_size=4), st.data())
    def test_a_list_of_addresses_reads_back_as_they_are(
        self, addresses: list[str], data: st.DataObject
    ) -> None:
        items = [
            data.draw(st.sampled_from([a, f"<{a}>", f"Name <{a}>", f'"Last, First" <{a}>']))
            for a in addresses
        ]
        separators = data.draw(
            st.lists(st.sampled_from([",", ";", ", ", " ; "]), min_size=len(items))
        )
        field = items[0] + "".join(s + i for s, i in zip(separators, items[1:], strict=False))

        assert email_addresses(field) == tuple(addresses)


_MARKERS = ["ext", "ext.", "extension", "x", ";ext="]


@st.composite
def cased(draw: st.DrawFn, text: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c for c in text)


class TestPhoneExtension:
    @pytest.mark.parametrize(
        ("given_number", "normalised"),
        [
            ("+1 415 555 0100 ext. 12", "+14155550100;ext=12"),
            ("+1 (415) 555-0100 x12", "+14155550100;ext=12"),
            ("415.555.0100 ext 12", "4155550100;ext=12"),
            ("+1 415 555 0100 extension 12", "+14155550100;ext=12"),
            ("+1 415 555 0100;ext=12", "+14155550100;ext=12"),
            ("+14155550100;ext=12", "+14155550100;ext=12"),
            ("+1 415 555 0100 EXT 12", "+14155550100;ext=12"),
            ("+1 415 555 0100 X 12", "+14155550100;ext=12"),
            ("+1 415 555 0100;EXT=12", "+14155550100;ext=12"),
            ("+1 415 555 0100 Extension 012", "+14155550100;ext=012"),  # digits as written
            ("+1 415 555 0100 (ext. 12)", "+14155550100;ext=12"),
            ("4155550100x1234567890", "4155550100;ext=1234567890"),  # 10 digits: the most
            ("1234567 x1", "1234567;ext=1"),  # the number still 7 digits at least
        ],
    )
    def test_an_extension_is_kept_after_the_number(
        self, given_number: str, normalised: str
    ) -> None:
        assert normalise_phone(given_number) == normalised

    @pytest.mark.parametrize(
        "junk",
        [
            "+1 415 555 0100 x",
            "+1 415 555 0100 ext",
            "+1 415 555 0100 ext.",
            "+1 415 555 0100;ext=",
            "x12",
            "123456 x12",  # an extension's digits do not count towards the number's
            "1" * 16 + " x12",
            "+1 415 555 0100 x12345678901",  # 11 digits
            "+1 415 555 0100 ext 12 ext 3",
            "+1 415 555 0100 x 1 2",
            "+1 415 555 0100 # 12",  # "#" is no marker
            "+1 415 555 0100 y12",
            "+1 415 555 0100 ext=12",
            "+1 415 555 0100;12",
            "+1 415 555 0100 ext. twelve",
            "+1 415 x12 555 0100",
        ],
    )
    def test_what_is_not_a_number_and_an_extension_is_refused(self, junk: str) -> None:
        with pytest.raises(InvalidPhoneError) as caught:
            normalise_phone(junk)

        assert (caught.value.field, caught.value.value) == ("phone", junk)

    def test_an_extension_too_long_says_so(self) -> None:
        with pytest.raises(InvalidPhoneError, match="an extension has 1 to 10 digits"):
            normalise_phone("+1 415 555 0100 ext 12345678901")

    @given(
        lfst.phones(),
        st.none() | st.text(string.digits, min_size=1, max_size=10),
        st.sampled_from(_MARKERS),
        st.sampled_from(["", " ", "  ", "\t", "-", " ("]),
        st.sampled_from(["", " ", "\xa0"]),
        st.data(),
    )
    def test_normalising_is_idempotent_with_or_without_an_extension(
        self,
        number: str,
        extension: str | None,
        marker: str,
        before: str,
        after: str,
        data: st.DataObject,
    ) -> None:
        normal = number if extension is None else f"{number};ext={extension}"
        messy = number
        if extension is not None:
            messy += before + data.draw(cased(marker)) + after + extension

        once = normalise_phone(messy)

        assert once == normal
        assert normalise_phone(once) == once
        assert normalise_phone(normal) == normal

    @given(lfst.phones(), st.sampled_from(_MARKERS), st.data())
    def test_a_marker_without_digits_is_refused(
        self, number: str, marker: str, data: st.DataObject
    ) -> None:
        junk = number + data.draw(st.sampled_from(["", " "])) + data.draw(cased(marker))

        with pytest.raises(InvalidPhoneError):
            normalise_phone(junk)


class TestPhoneTrunkPrefix:
    @pytest.mark.parametrize(
        ("given_number", "normalised"),
        [
            ("+44 (0)20 7946 0958", "+442079460958"),
            ("+44 (0) 20 7946 0958", "+442079460958"),
            ("+44(0)2079460958", "+442079460958"),
            ("+ 44 ( 0 ) 20 7946 0958", "+442079460958"),
            ("+49 (0)30 1234567 x89", "+49301234567;ext=89"),
            ("+353 (0)1 234 5678", "+35312345678"),
            # Not right after a "+" and its country code: a national number's own 0.
            ("(020) 7946 0958", "02079460958"),
            ("(0)20 7946 0958", "02079460958"),
            ("0044 (0)20 7946 0958", "004402079460958"),
            ("+44 20 (0) 7946 0958", "+4420079460958"),
            ("+4412 (0) 345 6789", "+441203456789"),  # 4 digits: no code
        ],
    )
    def test_a_zero_in_parentheses_after_the_country_code_is_dropped(
        self, given_number: str, normalised: str
    ) -> None:
        assert normalise_phone(given_number) == normalised

    def test_the_digits_are_counted_without_the_trunk_prefix(self) -> None:
        # 15 digits and the 0: a number; 6 digits and the 0: none.
        assert normalise_phone("+44 (0)" + "1" * 13) == "+44" + "1" * 13
        for junk in ("+1 (0) 12345", "+44 (0)" + "1" * 14):
            with pytest.raises(InvalidPhoneError, match="7 to 15 digits"):
                normalise_phone(junk)

    @given(
        st.text(string.digits, min_size=1, max_size=3),
        st.data(),
        st.sampled_from(["(0)", "(0) ", " (0)", " (0) ", "( 0 )"]),
    )
    def test_a_trunk_prefix_is_dropped_and_the_number_reads_back(
        self, country: str, data: st.DataObject, trunk: str
    ) -> None:
        rest = data.draw(
            st.text(string.digits, min_size=7 - len(country), max_size=15 - len(country))
        )
        messy = f"+{country}{trunk}{rest}"

        once = normalise_phone(messy)

        assert once == f"+{country}{rest}"
        assert normalise_phone(once) == once
        assert g.phone_repair(messy) == 'dropped the trunk prefix "(0)"'
        assert g.phone_repair(once) is None

    @pytest.mark.parametrize(
        "text", ["+44 20 7946 0958", "(020) 7946 0958", "+1 (0) 12345", "call me", 442079460958]
    )
    def test_only_a_dropped_trunk_prefix_is_a_repair(self, text: object) -> None:
        assert g.phone_repair(text) is None
