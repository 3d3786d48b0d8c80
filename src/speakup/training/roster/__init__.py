"""Importing an ESR-style staff roster. Nothing is re-exported: import from the module that
holds the name. The way in is `importing.staff_import`; it reads the header (`columns`) and the
file's encoding (`file_encoding`), checks each row (`row_checks`), writes by COPY on PostgreSQL
(`staging`) or in batches elsewhere (`row_by_row`), dates role and band changes
(`role_and_band_days`) and says what happened (`results`).
"""
