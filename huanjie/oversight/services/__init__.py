"""The oversight ledgers' write services, one module per noun: inspections (groups, visits,
problems), petitions, training, and the meetings and documents. Each checks its actor itself
(oversight.services.common), writes its audit event and, for a workflow's transition, its history
row, in one transaction."""
