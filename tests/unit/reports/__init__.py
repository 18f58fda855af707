"""Tests of formatting, terbilang, templates and the PDF adapter."""
