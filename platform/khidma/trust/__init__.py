"""Trust: issued documents (signed PDF/A-3 summaries stored once) and their verification.

`signing` holds the platform's signing identity and checks signatures; `documents`
issues a request's documents and finds them again. The hash-chained audit log is in
`khidma.storage.audit`. No Flask here except where a document needs the public
verification address (`documents.verify_url`).
"""
