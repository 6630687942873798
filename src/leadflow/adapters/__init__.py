"""CRM adapters: read CRM records into leadflow values and write decisions back.

One module per CRM, each with the same entry points::

    from leadflow.adapters import dynamics

    crm_lead = dynamics.read_lead(record, mapping=dynamics.DynamicsMapping(currency="EUR"))
    decision = leadflow.qualify(crm_lead.contact, crm_lead.evidence, as_of=now)
    body = dynamics.write_lead(crm_lead, decision, mapping=...)

- ``read_lead(record, *, mapping)`` -> :class:`CrmLead`
- ``write_lead(crm_lead, decision=None, *, mapping)`` -> the minimal update (only
  what leadflow owns and changed; ``{}`` when nothing did), or a create's body
- ``write_opportunity(opportunity_or_outcome, *, mapping, record=None)`` -> the body
- ``read_opportunity_fields(record, *, mapping)`` -> :class:`OpportunityFields`
- ``read_only_fields(metadata)`` -> the fields the CRM's own metadata marks read-only
- ``describe(mapping)`` -> the field table as Markdown

:func:`records` walks a page of records as each CRM's API or SDK returns one.

Modules: :mod:`~leadflow.adapters.dynamics` (Dynamics 365 Sales),
:mod:`~leadflow.adapters.salesforce`, :mod:`~leadflow.adapters.hubspot` and
:mod:`~leadflow.adapters.odoo`. Each field map is a table of data in its module;
a :class:`CustomFields` mapping names the custom fields that hold the criteria a
CRM has no field for. Reading a record loses nothing: fields leadflow does not
model are kept in :attr:`CrmLead.extras`, and what reading had to repair is in
:attr:`CrmLead.repairs`. Writing back never touches them: an update holds only the
fields leadflow owns whose value changed, never a field the CRM refuses, and
closes nothing unless the mapping opts in (:attr:`CrmMapping.close_disqualified`).

The adapters depend on the core; the core never imports them.
"""

# Where things live: _model.py holds the values every adapter returns (CrmLead,
# OpportunityFields); _codecs.py how one CRM value is read and written (the Dialect and
# the codecs); _mapping.py the field-map rows, custom fields, what every CRM's mapping
# holds, and the engine that applies a table; _skeleton.py the one read/write/describe
# skeleton and its per-CRM hooks. Each CRM's module holds its tables, its mapping
# class, its hooks and its documented entry points.
from leadflow.adapters import dynamics, hubspot, odoo, salesforce
from leadflow.adapters._mapping import (
    BUDGET_VALUES,
    NEED_VALUES,
    PROCESS_VALUES,
    ROLE_VALUES,
    TIMEFRAME_VALUES,
    CrmMapping,
    CustomFields,
    WriteRatings,
)
from leadflow.adapters._model import CrmId, CrmLead, OpportunityFields, Repair
from leadflow.adapters._skeleton import records

__all__ = [
    "BUDGET_VALUES",
    "NEED_VALUES",
    "PROCESS_VALUES",
    "ROLE_VALUES",
    "TIMEFRAME_VALUES",
    "CrmId",
    "CrmLead",
    "CrmMapping",
    "CustomFields",
    "OpportunityFields",
    "Repair",
    "WriteRatings",
    "dynamics",
    "hubspot",
    "odoo",
    "records",
    "salesforce",
]
