"""Records in and out: schema.org ClaimReview, Fact Check Tools responses, NDJSON, CSV, XLSX.

Every import writes through ``statements.services``, so what it brings in is checked, and its
conflicts and disputes derived, exactly as for a record written through the API.
"""
