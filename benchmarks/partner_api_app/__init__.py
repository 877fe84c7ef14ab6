"""A benchmark-only Django app: the real URLs plus the endpoints it is compared with (see
`benchmarks/partner_api.py`). Never part of a deployment."""
