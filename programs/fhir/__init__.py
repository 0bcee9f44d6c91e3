"""FHIR R4 (R4B, 4.3.0) export of a patient's record: pure functions from selector
data to FHIR JSON, validated against the `fhir.resources` R4B models in the tests.

The request path writes plain dicts rather than building the pydantic models: for
90 days of logs (about 700 resources) building and serialising the models took
about 0.8 s on this machine, against a few milliseconds for the dicts; the tests
parse every resource with the models, so the shapes cannot drift.
"""
