"""Pure domain rules: validators, the problem lifecycle, figures, reference data, records."""
