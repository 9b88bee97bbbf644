"""Eligibility rules for emulation titles and forms of award, as dated data: a pure function of one case, no database.

`case` holds what a case is, `checks` the criteria, `table` the rules by law and decree, `judge` the verdict and
`cases_json` the reader of the `eligibility` command's JSON cases; `tdkt.awards.eligibility` builds cases from the
database. Import the module you need: this package re-exports nothing.
"""
