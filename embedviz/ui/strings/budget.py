"""Strings of the server's memory budget: what a visitor reads when a request does not fit right now
("budget."). Numbers arrive already formatted for the language (embedviz.ui.budget_text.number)."""

STRINGS: dict[str, tuple[str, str]] = {
    "budget.table": (
        "dim {dim} needs {needed} MB; this server has room for up to dim {largest} right now. Choose a "
        "smaller dim, or try again in a minute.",
        "dim {dim} braucht {needed} MB; dieser Server hat gerade Platz für höchstens dim {largest}. Wählen "
        "Sie eine kleinere dim oder versuchen Sie es in einer Minute noch einmal.",
    ),
    "budget.table_full": (
        "dim {dim} needs {needed} MB, but this server's memory is full right now; try again in a minute.",
        "dim {dim} braucht {needed} MB, aber der Speicher dieses Servers ist gerade voll; versuchen Sie es "
        "in einer Minute noch einmal.",
    ),
    "budget.other": (
        "This needs {needed} MB, but only {available} MB of this server's memory are free right now; try "
        "again in a minute.",
        "Das braucht {needed} MB, aber vom Speicher dieses Servers sind gerade nur {available} MB frei; "
        "versuchen Sie es in einer Minute noch einmal.",
    ),
}
