"""Figures: data → shapes → SVG (for the site) or PNG (for Word), measured in the shipped font.

drawing.py holds the shapes and both writers; charts.py and orgdiagram.py lay out the status
charts and the organisation diagram from a model.
"""
