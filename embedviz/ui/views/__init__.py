"""Views: each composes sections into one screen of the page (pipeline, seed, batches, word order, train)."""
