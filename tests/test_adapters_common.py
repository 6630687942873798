"""The adapters' shared machinery: the lead value, custom fields, codecs and the engine."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapter_support import decided
from leadflow import (
    BudgetLevel,
    Contact,
    Evidence,
    InvalidFieldError,
    InvalidRecordError,
    LeadflowError,
    Money,
    NaiveDatetimeError,
    NeedLevel,
    Organisation,
    PurchaseRole,
    Rating,
    Verdict,
    WrongTypeError,
)
from leadflow import strategies as lfst
from leadflow.adapters import (
    BUDGET_VALUES,
    NEED_VALUES,
    CrmLead,
    CustomFields,
    dynamics,
    hubspot,
    odoo,
    salesforce,
)
from leadflow.adapters._codecs import (
    Amount,
    Choice,
    Context,
    Count,
    Day,
    Dialect,
    Email,
    Instant,
    Percent,
    Phone,
    Text,
    json_number,
)
from leadflow.adapters._mapping import (
    Field,
    Name,
    describe_table,
    lead_table,
    read_lead_parts,
    write_fields,
)
from leadflow.adapters._skeleton import creates_open, written_rating

UTC = timezone.utc
CREATED = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
DIALECTS = {
    "dynamics": dynamics.DIALECT,
    "salesforce": salesforce.DIALECT,
    "hubspot": hubspot.DIALECT,
    "odoo": odoo.DIALECT,
}
dialects = st.sampled_from(list(DIALECTS.values()))
PLAIN = Dialect(name="plain", null=None)


def ctx(dialect: Dialect = PLAIN, currency: str | None = "EUR") -> Context:
    return Context(dialect, currency)


def contact() -> Contact:
    return Contact(name="Ada Lovelace", email="ada@analytical.example", created_at=CREATED)


class TestCrmLead:
    def test_extras_are_a_deep_copy_of_what_was_given(self) -> None:
        given_extras: dict[str, Any] = {"tags": ["vip"], "owner": {"name": "Ada"}}

        crm_lead = CrmLead(contact=contact(), extras=given_extras)
        given_extras["tags"].append("changed")
        given_extras["owner"]["name"] = "changed"
        given_extras["new"] = 1

        assert dict(crm_lead.extras) == {"tags": ["vip"], "owner": {"name": "Ada"}}

    def test_extras_cannot_be_replaced_in_place(self) -> None:
        crm_lead = CrmLead(contact=contact(), extras={"subject": "x"})

        with pytest.raises(TypeError):
            crm_lead.extras["subject"] = "y"  # type: ignore[index]

    def test_field_names_are_strings(self) -> None:
        with pytest.raises(WrongTypeError):
            CrmLead(contact=contact(), extras={1: "x"})

    @pytest.mark.parametrize("bad", [True, 1.5, "", " 42"])
    def test_a_record_id_is_a_non_blank_string_or_an_int(self, bad: object) -> None:
        with pytest.raises(InvalidFieldError):
            CrmLead(contact=contact(), id=bad)  # type: ignore[arg-type]

    def test_leads_with_equal_parts_are_equal_and_hash_alike(self) -> None:
        one = CrmLead(contact=contact(), id=7, extras={"a": [1]})
        two = CrmLead(contact=contact(), id=7, extras={"a": [1]})

        assert one == two
        assert hash(one) == hash(two)

    def test_the_evidence_defaults_to_knowing_nothing(self) -> None:
        assert CrmLead(contact=contact()).evidence == Evidence()


class TestCustomFields:
    def test_one_field_cannot_hold_two_criteria(self) -> None:
        with pytest.raises(InvalidFieldError):
            CustomFields(need="Qualification__c", budget="Qualification__c")

    def test_a_value_table_maps_to_its_own_levels(self) -> None:
        with pytest.raises(WrongTypeError):
            CustomFields(need="Need__c", need_values={"high": BudgetLevel.APPROVED})

    def test_a_float_is_no_picklist_value(self) -> None:
        with pytest.raises(WrongTypeError):
            CustomFields(need="Need__c", need_values={1.0: NeedLevel.STRONG})

    def test_a_field_name_is_not_blank(self) -> None:
        with pytest.raises(InvalidFieldError):
            CustomFields(need=" ")

    def test_rows_exist_for_the_named_fields_only(self) -> None:
        rows = CustomFields(need="Need__c", budget_amount="Budget__c").rows()

        assert [(row.name, row.attr) for row in rows] == [
            ("Need__c", "evidence.need.level"),
            ("Budget__c", "evidence.budget.amount"),
        ]

    def test_the_default_values_are_leadflows_level_names(self) -> None:
        assert dict(NEED_VALUES) == {
            "none": NeedLevel.NONE,
            "latent": NeedLevel.LATENT,
            "expressed": NeedLevel.EXPRESSED,
            "strong": NeedLevel.STRONG,
        }
        assert "unknown" not in BUDGET_VALUES

    def test_a_custom_field_replaces_the_native_column_for_its_attribute(self) -> None:
        table = lead_table(dynamics.LEAD_FIELDS, CustomFields(need="new_need"))

        need_rows = [row for row in table if row.attr == "evidence.need.level"]
        assert [row.owns for row in need_rows] == [("new_need",)]
        assert len(table) == len(dynamics.LEAD_FIELDS)

    def test_a_custom_field_named_like_a_native_column_replaces_it(self) -> None:
        table = lead_table(dynamics.LEAD_FIELDS, CustomFields(role="jobtitle"))

        assert [row.attr for row in table if "jobtitle" in row.owns] == ["contact.role"]


class TestArgumentsOfTheWrongType:
    @pytest.mark.parametrize("module", [dynamics, salesforce, hubspot, odoo])
    def test_custom_fields_of_the_wrong_type_are_a_leadflow_error_naming_the_field(
        self, module: Any
    ) -> None:
        mapping_type = {
            dynamics: dynamics.DynamicsMapping,
            salesforce: salesforce.SalesforceMapping,
            hubspot: hubspot.HubSpotMapping,
            odoo: odoo.OdooMapping,
        }[module]

        with pytest.raises(WrongTypeError) as caught:
            mapping_type(custom={"need": "x"})

        assert caught.value.field == "custom"

    @pytest.mark.parametrize("module", [dynamics, salesforce, hubspot, odoo])
    def test_describing_something_that_is_not_a_mapping_is_refused(self, module: Any) -> None:
        with pytest.raises(WrongTypeError) as caught:
            module.describe("not a mapping")

        assert caught.value.field == "mapping"


class TestTimestamps:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("2026-01-05T10:00:00Z", datetime(2026, 1, 5, 10, 0, tzinfo=UTC)),
            ("2026-01-05T10:00:00.000+0000", datetime(2026, 1, 5, 10, 0, tzinfo=UTC)),
            ("2026-01-05T12:00:00+02:00", datetime(2026, 1, 5, 10, 0, tzinfo=UTC)),
            ("2026-01-05T05:00:00-0500", datetime(2026, 1, 5, 10, 0, tzinfo=UTC)),
            ("2026-01-05T10:00:00.123456789Z", datetime(2026, 1, 5, 10, 0, 0, 123456, UTC)),
            ("2026-01-05T10:00:00.5Z", datetime(2026, 1, 5, 10, 0, 0, 500000, UTC)),
        ],
    )
    def test_iso_timestamps_read_as_the_instant_they_name(
        self, raw: str, expected: datetime
    ) -> None:
        assert Instant().decode(raw, ctx()) == expected

    def test_a_timestamp_without_offset_is_refused_where_the_crm_sends_one(self) -> None:
        with pytest.raises(NaiveDatetimeError):
            Instant().decode("2026-01-05T10:00:00", ctx(dynamics.DIALECT))

    def test_a_timestamp_without_offset_is_utc_in_odoo(self) -> None:
        moment = Instant().decode("2026-01-05 10:00:00", ctx(odoo.DIALECT))

        assert moment == datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
        assert moment.utcoffset() == timedelta(0)

    @pytest.mark.parametrize(
        "raw",
        ["2026-02-30T10:00:00Z", "2026-01-05T10:00:00+25:00", "2026-01-05", "5 Jan 2026", ""],
    )
    def test_what_is_no_timestamp_is_refused(self, raw: str) -> None:
        with pytest.raises(InvalidFieldError):
            Instant().decode(raw, ctx())

    @pytest.mark.parametrize(
        ("crm", "written"),
        [
            ("dynamics", "2026-01-05T10:00:00Z"),
            ("salesforce", "2026-01-05T10:00:00.250+0000"),
            ("hubspot", "2026-01-05T10:00:00.250Z"),
            ("odoo", "2026-01-05 10:00:00"),
        ],
    )
    def test_each_crm_writes_timestamps_its_own_way(self, crm: str, written: str) -> None:
        moment = datetime(2026, 1, 5, 11, 0, 0, 250000, tzinfo=timezone(timedelta(hours=1)))

        assert Instant().encode(moment, ctx(DIALECTS[crm])) == written

    @given(lfst.aware_datetimes(), dialects)
    def test_a_written_timestamp_reads_back_to_the_crms_precision(
        self, moment: datetime, dialect: Dialect
    ) -> None:
        precise = dialect in (salesforce.DIALECT, hubspot.DIALECT)
        kept = moment.microsecond // 1000 * 1000 if precise else 0

        read = Instant().decode(Instant().encode(moment, ctx(dialect)), ctx(dialect))

        assert read == moment.replace(microsecond=kept)


class TestDates:
    @given(lfst.dates(), dialects)
    def test_a_written_date_reads_back_unchanged(self, day: date, dialect: Dialect) -> None:
        assert Day().decode(Day().encode(day, ctx(dialect)), ctx(dialect)) == day

    @pytest.mark.parametrize("raw", ["2026-13-01", "2026-3-1", "20260301", "2026-03-01T00:00"])
    def test_what_is_no_date_is_refused(self, raw: str) -> None:
        with pytest.raises(InvalidFieldError):
            Day().decode(raw, ctx())


class TestAmounts:
    def test_a_json_float_reads_as_its_shortest_decimal(self) -> None:
        assert Amount().decode(0.1, ctx()) == Money(Decimal("0.1"), "EUR")

    def test_a_hubspot_amount_string_keeps_its_places(self) -> None:
        amount = Amount().decode("50000.00", ctx(hubspot.DIALECT))

        assert amount.amount.as_tuple() == Decimal("50000.00").as_tuple()
        assert Amount().encode(amount, ctx(hubspot.DIALECT)) == "50000.00"

    @pytest.mark.parametrize(
        ("amount", "written"), [("50000", 50000), ("50000.50", 50000.5), ("0.10", 0.1)]
    )
    def test_json_numbers_are_ints_when_whole(self, amount: str, written: object) -> None:
        number = json_number(Decimal(amount))

        assert number == written
        assert type(number) is type(written)

    def test_an_amount_a_float_cannot_carry_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError):
            json_number(Decimal("1234567890.123456789"))

    @pytest.mark.parametrize(
        "raw", [-1, float("nan"), float("inf"), "1e5", "12,50", True, 10**15, [1]]
    )
    def test_what_is_no_amount_is_refused(self, raw: object) -> None:
        with pytest.raises(InvalidFieldError):
            Amount().decode(raw, ctx())

    def test_an_amount_without_a_currency_cannot_be_read(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Amount().decode(10, ctx(currency=None))

        assert "currency" in caught.value.reason

    def test_an_amount_in_another_currency_cannot_be_written(self) -> None:
        with pytest.raises(InvalidFieldError):
            Amount().encode(Money(10, "USD"), ctx(currency="EUR"))

    @given(lfst.money(st.just("EUR")), dialects)
    def test_a_written_amount_reads_back_unchanged(self, money: Money, dialect: Dialect) -> None:
        raw = Amount().encode(money, ctx(dialect))

        assert Amount().decode(raw, ctx(dialect)) == money


class TestNumbers:
    @pytest.mark.parametrize(("raw", "expected"), [(62.5, 63), (62.49, 62), ("10", 10), (0, 0)])
    def test_a_percentage_is_rounded_half_up(self, raw: object, expected: int) -> None:
        assert Percent().decode(raw, ctx()) == expected

    @pytest.mark.parametrize("raw", [101, -1, "ten"])
    def test_a_percentage_stays_between_0_and_100(self, raw: object) -> None:
        with pytest.raises(InvalidFieldError):
            Percent().decode(raw, ctx())

    def test_hubspot_counts_are_strings(self) -> None:
        assert Count().decode("240", ctx(hubspot.DIALECT)) == 240
        assert Count().encode(240, ctx(hubspot.DIALECT)) == "240"

    @pytest.mark.parametrize("raw", [-3, 2.5, "240", True])
    def test_a_json_count_is_a_whole_number_of_zero_or_more(self, raw: object) -> None:
        with pytest.raises(InvalidFieldError):
            Count().decode(raw, ctx())


class TestChoices:
    CODES = Choice({0: NeedLevel.STRONG, 1: NeedLevel.EXPRESSED, 2: NeedLevel.UNKNOWN})

    def test_true_is_not_code_one(self) -> None:
        with pytest.raises(WrongTypeError):
            self.CODES.decode(True, ctx())

    def test_an_unlisted_code_is_refused_without_a_fallback(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            self.CODES.decode(7, ctx())

        assert "0, 1, 2" in caught.value.reason

    def test_an_unlisted_code_reads_as_the_fallback(self) -> None:
        choice = Choice({1: NeedLevel.STRONG}, fallback=NeedLevel.NONE)

        assert choice.decode(100000001, ctx()) is NeedLevel.NONE

    def test_a_member_listed_twice_is_written_as_its_first_value(self) -> None:
        choice = Choice({"Must have": NeedLevel.STRONG, "must": NeedLevel.STRONG})

        assert choice.encode(NeedLevel.STRONG, ctx()) == "Must have"

    def test_an_unlisted_member_is_written_as_otherwise(self) -> None:
        choice = Choice({True: PurchaseRole.DECISION_MAKER}, otherwise=False)

        assert choice.encode(PurchaseRole.ADVISER, ctx()) is False


class TestNames:
    NAME = Name(("first", "last"), fallbacks=("email",), max_lengths=(None, 10))

    @pytest.mark.parametrize(
        ("record", "name"),
        [
            ({"first": " Ada ", "last": "Lovelace"}, "Ada Lovelace"),
            ({"first": None, "last": "Lovelace"}, "Lovelace"),
            ({"first": "", "last": " ", "email": "ada@x.example"}, "ada@x.example"),
            ({"email": 7}, None),
        ],
    )
    def test_parts_are_joined_and_the_fallback_serves_when_they_are_blank(
        self, record: dict[str, Any], name: str | None
    ) -> None:
        assert self.NAME.read(record, ctx()) == name

    @pytest.mark.parametrize(
        ("name", "first", "last"),
        [
            ("Ada Lovelace", "Ada", "Lovelace"),
            ("Mary Ann Smith", "Mary Ann", "Smith"),
            ("Ada", None, "Ada"),
        ],
    )
    def test_the_last_word_is_written_as_the_last_part(
        self, name: str, first: str | None, last: str
    ) -> None:
        assert self.NAME.write(name, ctx()) == {"first": first, "last": last}

    def test_a_part_too_long_for_its_field_is_refused_at_that_field(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            self.NAME.write("Ada Lovelace-Byron", ctx())

        assert caught.value.path == "$.last"


class TestTextCodecs:
    @given(lfst.emails(), dialects)
    def test_a_written_email_reads_back_unchanged(self, email: str, dialect: Dialect) -> None:
        codec = Email(display_name=dialect is odoo.DIALECT)

        assert codec.decode(codec.encode(email, ctx(dialect)), ctx(dialect)) == email

    @given(lfst.phones(), lfst.texts(), dialects)
    def test_written_phones_and_texts_read_back_unchanged(
        self, phone: str, text: str, dialect: Dialect
    ) -> None:
        assert Phone().decode(Phone().encode(phone, ctx(dialect)), ctx(dialect)) == phone
        assert Text().decode(Text().encode(text, ctx(dialect)), ctx(dialect)) == text

    @given(st.text(max_size=40))
    def test_reading_any_text_as_an_address_raises_only_leadflow_errors(self, raw: str) -> None:
        try:
            address = Email(display_name=True).decode(raw, ctx(odoo.DIALECT))
        except LeadflowError:
            return
        assert address is None or "@" in address

    def test_an_odoo_address_is_taken_from_its_brackets(self) -> None:
        codec = Email(display_name=True)

        assert codec.decode("Ada <Ada@X.example>", ctx(odoo.DIALECT)) == "Ada@x.example"


TABLE = (
    Name(("first", "last")),
    Field("created", "contact.created_at", Instant(), writable=False),
    Field("email", "contact.email", Email()),
    Field("phone", "contact.phone", Phone()),
    Field("company", "contact.organisation.name", Text()),
    Field("employees", "contact.organisation.employees", Count()),
    Field("need", "evidence.need.level", Choice({"strong": NeedLevel.STRONG})),
)
RECORD = {
    "first": "Ada",
    "last": "Lovelace",
    "created": "2026-01-05T10:00:00Z",
    "email": "Ada@Analytical.EXAMPLE",
    "phone": "+44 20 7946 0958",
    "company": "Analytical Engines",
    "employees": 12,
    "need": "strong",
    "subject": "Engines",
}


def read(record: dict[str, Any]) -> CrmLead:
    errors: list[InvalidFieldError] = []
    contact, evidence, extras, original = read_lead_parts(
        record, TABLE, ctx(), crm_id=None, what="test record", errors=errors
    )
    return CrmLead(contact=contact, evidence=evidence, extras=extras, original=original)


def write(crm_lead: CrmLead) -> dict[str, Any]:
    errors: list[InvalidFieldError] = []
    values = {
        "contact.name": crm_lead.contact.name,
        "contact.email": crm_lead.contact.email,
        "contact.phone": crm_lead.contact.phone,
        "contact.organisation.name": (
            crm_lead.contact.organisation and crm_lead.contact.organisation.name
        ),
        "contact.organisation.employees": (
            crm_lead.contact.organisation and crm_lead.contact.organisation.employees
        ),
        "evidence.need.level": crm_lead.evidence.need.level,
    }
    out = dict(crm_lead.extras)
    out.update(
        write_fields(
            values, TABLE, ctx(), extras=crm_lead.extras, original=crm_lead.original, errors=errors
        )
    )
    if errors:
        raise InvalidRecordError(errors)
    return out


class TestEngine:
    def test_unchanged_values_are_written_exactly_as_read(self) -> None:
        crm_lead = read(RECORD)

        assert write(crm_lead) == {k: v for k, v in RECORD.items() if k != "created"}

    def test_a_changed_value_is_written_in_canonical_form(self) -> None:
        crm_lead = read(RECORD)
        changed = attrs.evolve(crm_lead.contact, phone="+44 (0) 113 496 0000")

        assert write(attrs.evolve(crm_lead, contact=changed))["phone"] == "+4401134960000"

    def test_a_cleared_value_is_written_as_no_value_where_the_record_had_one(self) -> None:
        record = {k: v for k, v in RECORD.items() if k != "phone"}
        crm_lead = read(record)
        changed = attrs.evolve(crm_lead.contact, email=None, phone="+15550100")

        body = write(attrs.evolve(crm_lead, contact=changed))

        assert body["email"] is None
        assert body["phone"] == "+15550100"

    def test_a_field_never_read_and_still_unknown_is_not_written(self) -> None:
        record = {k: v for k, v in RECORD.items() if k != "need"}

        assert "need" not in write(read(record))

    def test_organisation_fields_without_a_name_stay_with_the_extras(self) -> None:
        record = {**RECORD, "company": None, "employees": "a dozen"}

        crm_lead = read(record)

        assert crm_lead.contact.organisation is None
        assert crm_lead.extras["employees"] == "a dozen"
        assert write(crm_lead)["employees"] == "a dozen"

    def test_the_organisation_is_built_from_its_fields(self) -> None:
        assert read(RECORD).contact.organisation == Organisation(
            name="Analytical Engines", employees=12
        )

    def test_every_bad_field_is_reported_at_once_under_the_records_prefix(self) -> None:
        errors: list[InvalidFieldError] = []
        record = {**RECORD, "email": "ada", "phone": "n/a", "need": "urgent", "created": None}

        with pytest.raises(InvalidRecordError) as caught:
            read_lead_parts(
                record, TABLE, ctx(), crm_id=None, what="x", errors=errors, prefix="properties"
            )

        assert [error.path for error in caught.value.errors] == [
            "$.properties.email",
            "$.properties.phone",
            "$.properties.need",
            "$.properties.created",
        ]

    @given(st.dictionaries(st.sampled_from(list(RECORD)), st.none() | st.integers() | st.text()))
    def test_reading_any_values_raises_only_leadflow_errors(self, record: dict[str, Any]) -> None:
        try:
            crm_lead = read(record)
        except LeadflowError:
            return
        assert set(crm_lead.extras).isdisjoint(crm_lead.original)


class TestRows:
    def test_a_row_maps_only_attributes_leadflow_has(self) -> None:
        with pytest.raises(InvalidFieldError):
            Field("emailaddress1", "contact.mail", Email())

    def test_a_read_only_row_is_never_written(self) -> None:
        crm_lead = read(RECORD)
        changed = attrs.evolve(crm_lead.contact, created_at=CREATED + timedelta(days=1))

        assert "created" not in write(attrs.evolve(crm_lead, contact=changed))


class TestDescribe:
    def test_every_row_is_a_line_of_the_table(self) -> None:
        lines = describe_table(TABLE, "Test").splitlines()

        assert lines[0] == "| Test field | leadflow attribute | values | on write |"
        assert len(lines) == 2 + len(TABLE)
        assert "| created | contact.created_at | timestamp | read-only, not written |" in lines
        assert "| first + last | contact.name | text | written |" in lines


class TestDecisions:
    @pytest.mark.parametrize("verdict", list(Verdict))
    @pytest.mark.parametrize("rating", list(Rating))
    def test_only_an_undetermined_cold_rating_is_left_unwritten(
        self, verdict: Verdict, rating: Rating
    ) -> None:
        lead = CrmLead(contact=contact())

        written = written_rating(decided(lead, verdict, rating))

        if verdict is Verdict.UNDETERMINED and rating is Rating.COLD:
            assert written is None
        else:
            assert written is rating

    @pytest.mark.parametrize("verdict", list(Verdict))
    def test_a_new_lead_is_created_open_unless_disqualified(self, verdict: Verdict) -> None:
        new = CrmLead(contact=contact())
        existing = attrs.evolve(new, id="L-1")
        decision = decided(new, verdict, Rating.WARM)

        assert creates_open(new, decision) is (verdict is not Verdict.DISQUALIFIED)
        assert creates_open(existing, decision) is False
        assert creates_open(new, None) is False
