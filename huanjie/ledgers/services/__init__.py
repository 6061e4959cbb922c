"""The write services of the village ledgers, one module per noun; each checks its actor,
validates, saves, writes its history row and its audit event in one transaction."""
