"""Retrieval: Qdrant index and hybrid retriever (later issues)."""
