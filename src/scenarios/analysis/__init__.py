"""Analyses of a validated scenario: binding numbers, belief and strategic evaluation."""
