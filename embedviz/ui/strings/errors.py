"""The errors embedviz raises on purpose, as the page says them ("error."): one string per message key of
:class:`embedviz.errors.EmbedvizError`. The English text is the core's own message (``str(error)``) for the
same values; numbers arrive as numbers and are formatted for the language. Memory refusals are worded in
``budget.py``."""

STRINGS: dict[str, tuple[str, str]] = {
    "error.invalid": (
        "This input cannot be used. Change it and try again.",
        "Diese Eingabe lässt sich nicht verwenden. Ändern Sie sie und versuchen Sie es noch einmal.",
    ),
    "error.text_too_long": (
        "The text has {length:,} characters; embedviz accepts at most {max_chars:,}. Nothing was cut: "
        "shorten it and try again.",
        "Der Text hat {length:,} Zeichen; embedviz nimmt höchstens {max_chars:,}. Es wurde nichts "
        "abgeschnitten: Kürzen Sie ihn und versuchen Sie es noch einmal.",
    ),
    "error.lone_surrogate": (
        "The text contains an invalid character (a lone surrogate, {code}) at position {position:,}. It "
        "cannot be turned into bytes; remove it and try again.",
        "Der Text enthält an Position {position:,} ein ungültiges Zeichen (ein einzelnes Surrogat, {code}). "
        "Es lässt sich nicht in Bytes umwandeln; entfernen Sie es und versuchen Sie es noch einmal.",
    ),
    "error.too_many_tokens": (
        "The text has {n_tokens:,} tokens, but the context length is {context_length:,}: there is no "
        "position vector for positions {context_length:,} to {last:,}. Shorten the text by {excess:,} "
        "tokens or raise the context length.",
        "Der Text hat {n_tokens:,} Tokens, die Kontextlänge ist aber {context_length:,}: Für die "
        "Positionen {context_length:,} bis {last:,} gibt es keinen Positionsvektor. Kürzen Sie den Text um "
        "{excess:,} Tokens oder erhöhen Sie die Kontextlänge.",
    ),
    "error.setting": (
        "A setting is outside its allowed range. Reset the settings and try again.",
        "Eine Einstellung liegt außerhalb ihres erlaubten Bereichs. Setzen Sie die Einstellungen zurück "
        "und versuchen Sie es noch einmal.",
    ),
    "error.setting_range": (
        "{name} must be a whole number from {low:,} to {high:,}, not {value}.",
        "{name} muss eine ganze Zahl von {low:,} bis {high:,} sein, nicht {value}.",
    ),
    "error.positional": (
        "Unknown positional mode {name}. Choose one of: {choices}.",
        "Unbekannte Art von Positions-Embeddings: {name}. Möglich sind: {choices}.",
    ),
    "error.train_spec": (
        "The tiny GPT trains GPT-2's token table with learned positions only.",
        "Das kleine GPT trainiert die Token-Tabelle von GPT-2 nur mit lernbaren Positionen.",
    ),
    "error.unknown_encoding": (
        "Unknown encoding {name}. Choose one of: {choices}.",
        "Unbekannte Kodierung {name}. Möglich sind: {choices}.",
    ),
    "error.encoding_unavailable": (
        "The encoding '{name}' could not be loaded: tiktoken downloads its vocabulary once, at first use, "
        "and that download failed ({cause}). Connect to the internet once, or pre-cache it on a connected "
        'machine with TIKTOKEN_CACHE_DIR=/some/dir python -c "import tiktoken; '
        "tiktoken.get_encoding('{name}')\" and copy that folder here, with TIKTOKEN_CACHE_DIR pointing at "
        "it (now: {cache}). The 'gpt2' encoding ships with embedviz and always works.",
        "Die Kodierung „{name}“ ließ sich nicht laden: tiktoken lädt ihr Vokabular einmal beim ersten "
        "Gebrauch herunter, und dieser Download ist fehlgeschlagen ({cause}). Verbinden Sie den Server "
        "einmal mit dem Internet, oder legen Sie das Vokabular auf einem Rechner mit Internet an, mit "
        'TIKTOKEN_CACHE_DIR=/irgendein/ordner python -c "import tiktoken; '
        "tiktoken.get_encoding('{name}')\", und kopieren Sie den Ordner hierher; TIKTOKEN_CACHE_DIR muss "
        "auf ihn zeigen (jetzt: {cache}). Die Kodierung „gpt2“ ist in embedviz enthalten und funktioniert "
        "immer.",
    ),
    "error.tables_too_big": (
        "{encoding} at {dim:,} dimensions needs tables of {gigabytes:.2f} GB ({n_vocab:,} + "
        "{context_length:,} rows x {dim:,} x 4 bytes); the limit is {limit_mib:.0f} MiB. Choose at most "
        "{largest:,} dimensions for this encoding.",
        "{encoding} mit {dim:,} Dimensionen braucht Tabellen von {gigabytes:.2f} GB ({n_vocab:,} + "
        "{context_length:,} Zeilen × {dim:,} × 4 Bytes); die Grenze liegt bei {limit_mib:.0f} MiB. Wählen "
        "Sie für diese Kodierung höchstens {largest:,} Dimensionen.",
    ),
    "error.window_too_short": (
        "The text has {n_tokens:,} tokens, but one window needs max_length + 1 = {needed:,} tokens (the "
        "number of tokenized inputs must be at least max_length + 1: the targets reach one token further "
        "than the inputs). Use a longer text or a max_length of at most {largest:,}.",
        "Der Text hat {n_tokens:,} Tokens, ein Fenster braucht aber max_length + 1 = {needed:,} Tokens "
        "(die Zahl der Eingabe-Tokens muss mindestens max_length + 1 sein: Die Ziele reichen ein Token "
        "weiter als die Eingaben). Nehmen Sie einen längeren Text oder höchstens max_length = {largest:,}.",
    ),
    "error.training_text_too_short": (
        "The training text has {n_tokens:,} tokens; training needs at least {needed:,} (one window of "
        "{max_length} inputs plus the next token). Use a longer text.",
        "Der Trainingstext hat {n_tokens:,} Tokens; das Training braucht mindestens {needed:,} (ein "
        "Fenster mit {max_length} Eingaben plus das nächste Token). Nehmen Sie einen längeren Text.",
    ),
    "error.pretrained": (
        "GPT-2's trained embeddings could not be loaded: the file is damaged or not a GPT-2 checkpoint. "
        "Delete the cached file and load again.",
        "Die trainierten Embeddings von GPT-2 ließen sich nicht laden: Die Datei ist beschädigt oder kein "
        "GPT-2-Checkpoint. Löschen Sie die zwischengespeicherte Datei und laden Sie sie erneut.",
    ),
    "error.pretrained_offline": (
        "GPT-2's trained embeddings could not be loaded: offline mode is on (HF_HUB_OFFLINE=1) and there is "
        "no cached copy in {cache}{cause}. embedviz reads them once from the Hub ({repo}, {filename}) and "
        "keeps them on disk. Connect to the internet once (with HF_HUB_OFFLINE unset), or set HF_HOME to a "
        "folder that already holds the cached file (copied from a machine that loaded it).",
        "Die trainierten Embeddings von GPT-2 ließen sich nicht laden: Der Offline-Modus ist an "
        "(HF_HUB_OFFLINE=1), und in {cache} liegt keine Kopie{cause}. embedviz lädt sie einmal vom Hub "
        "({repo}, {filename}) und behält sie auf der Festplatte. Verbinden Sie den Server einmal mit dem "
        "Internet (ohne HF_HUB_OFFLINE), oder setzen Sie HF_HOME auf einen Ordner, der die Datei schon "
        "enthält (kopiert von einem Rechner, der sie geladen hat).",
    ),
    "error.pretrained_unreachable": (
        "GPT-2's trained embeddings could not be loaded: the Hugging Face Hub could not be reached and "
        "there is no cached copy in {cache}{cause}. embedviz reads them once from the Hub ({repo}, "
        "{filename}) and keeps them on disk. Connect to the internet once (with HF_HUB_OFFLINE unset), or "
        "set HF_HOME to a folder that already holds the cached file (copied from a machine that loaded it).",
        "Die trainierten Embeddings von GPT-2 ließen sich nicht laden: Der Hugging Face Hub war nicht "
        "erreichbar, und in {cache} liegt keine Kopie{cause}. embedviz lädt sie einmal vom Hub ({repo}, "
        "{filename}) und behält sie auf der Festplatte. Verbinden Sie den Server einmal mit dem Internet "
        "(ohne HF_HUB_OFFLINE), oder setzen Sie HF_HOME auf einen Ordner, der die Datei schon enthält "
        "(kopiert von einem Rechner, der sie geladen hat).",
    ),
    "error.run_cancelled": (
        "The training run was cancelled before it finished: there is no result.",
        "Der Trainingslauf wurde vor seinem Ende abgebrochen: Es gibt kein Ergebnis.",
    ),
}
