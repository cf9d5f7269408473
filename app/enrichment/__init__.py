"""Enrichment: the NLP layer (`models`) run over stored messages, results kept in the store."""
