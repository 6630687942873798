"""CRM adapters: read CRM records into leadflow values and write decisions back.

One module per CRM, each with the same entry points::

    from leadflow.adapters import dynamics

    crm_lead = dynamics.read_lead(record, mapping=dynamics.DynamicsMapping(currency="EUR"))
    decision = leadflow.qualify(crm_lead.contact, crm_lead.evidence, as_of=now)
    body = dynamics.write_lead(crm_lead, decision, mapping=...)

- ``read_lead(record, *, mapping)`` -> :class:`CrmLead`
- ``write_lead(crm_lead, decision=None, *, mapping)`` -> the record to write
- ``write_opportunity(opportunity_or_outcome, *, mapping)`` -> the record to write
- ``read_opportunity_fields(record, *, mapping)`` -> :class:`OpportunityFields`
- ``describe(mapping)`` -> the field table as Markdown

Modules: :mod:`~leadflow.adapters.dynamics` (Dynamics 365 Sales),
:mod:`~leadflow.adapters.salesforce`, :mod:`~leadflow.adapters.hubspot` and
:mod:`~leadflow.adapters.odoo`. Each field map is a table of data in its module;
a :class:`CustomFields` mapping names the custom fields that hold the criteria a
CRM has no field for. Reading and writing back a record loses nothing: fields
leadflow does not model are kept in :attr:`CrmLead.extras` and written back.

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
    CustomFields,
)
from leadflow.adapters._model import CrmId, CrmLead, OpportunityFields

__all__ = [
    "BUDGET_VALUES",
    "NEED_VALUES",
    "PROCESS_VALUES",
    "ROLE_VALUES",
    "TIMEFRAME_VALUES",
    "CrmId",
    "CrmLead",
    "CustomFields",
    "OpportunityFields",
    "dynamics",
    "hubspot",
    "odoo",
    "salesforce",
]
