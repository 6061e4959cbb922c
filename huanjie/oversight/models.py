"""Inspections, petitions, training and the county's meetings and documents."""
