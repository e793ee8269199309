"""Demo data: realistic Liaoning enterprises, visits, problems and follow-ups."""
