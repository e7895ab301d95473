"""Strings of the "batches" view: a long text cut into windows, batches and 3D tensors."""

STRINGS: dict[str, tuple[str, str]] = {
    "batches.title": ("Batches: many windows of text at once", "Batches: viele Textfenster auf einmal"),
    "batches.intro": (
        "A model is trained on many short pieces of text at the same time. The lesson's scenario: a "
        "**batch** of 8 samples, each a window of `max_length` = 4 tokens, each token a vector of 256 "
        "numbers — a 3D tensor of shape (8, 4, 256). Here the lesson's own data loader cuts a real text into "
        "windows, live.",
        "Ein Modell wird mit vielen kurzen Textstücken gleichzeitig trainiert. Das Szenario aus dem "
        "Lehrtext: ein **Batch** aus 8 Proben, jede ein Fenster von `max_length` = 4 Tokens, jedes Token ein "
        "Vektor aus 256 Zahlen — ein 3D-Tensor der Form (8, 4, 256). Hier zerlegt der Dataloader aus dem "
        "Lehrtext einen echten Text live in Fenster.",
    ),
    # Source text
    "batches.source": ("Text to batch", "Text für die Batches"),
    "batches.source.verdict": ("The story (The Verdict)", "Die Geschichte (The Verdict)"),
    "batches.source.own": ("My own text", "Eigener Text"),
    "batches.verdict": (
        "Edith Wharton, *The Verdict* (1908), public domain — the short story the lesson's code example "
        "(Raschka, *Build a Large Language Model (From Scratch)*, ch. 2) loads as `raw_text`.",
        "Edith Wharton, *The Verdict* (1908), gemeinfrei — die Kurzgeschichte, die das Codebeispiel des "
        "Lehrtexts (Raschka, *Build a Large Language Model (From Scratch)*, Kap. 2) als `raw_text` lädt.",
    ),
    "batches.own": ("Your text", "Ihr Text"),
    "batches.own_help": (
        "Paste a longer text (up to {max_chars:,} characters). Ctrl+Enter or click outside to update.",
        "Fügen Sie einen längeren Text ein (bis {max_chars:,} Zeichen). Strg+Enter oder außerhalb klicken "
        "zum Aktualisieren.",
    ),
    "batches.own_empty": (
        "Paste a text above: a few sentences are enough for small windows.",
        "Fügen Sie oben einen Text ein: Für kleine Fenster reichen ein paar Sätze.",
    ),
    "batches.too_long": (
        "The text has {chars:,} characters; at most {max_chars:,} are allowed. Nothing was cut: shorten it "
        "and try again.",
        "Der Text hat {chars:,} Zeichen; erlaubt sind höchstens {max_chars:,}. Es wurde nichts gekürzt: "
        "Kürzen Sie ihn und versuchen Sie es noch einmal.",
    ),
    "batches.too_short": (
        "The text has {tokens:,} tokens, but one window needs max_length + 1 = {needed:,} tokens (the "
        "targets reach one token further than the inputs). Use a longer text or a smaller max_length.",
        "Der Text hat {tokens:,} Tokens, ein Fenster braucht aber max_length + 1 = {needed:,} Tokens (die "
        "Zielwerte reichen ein Token weiter als die Eingaben). Nehmen Sie einen längeren Text oder eine "
        "kleinere max_length.",
    ),
    "batches.too_few_windows": (
        "The text gives {windows:,} windows, fewer than batch_size = {batch_size}. The data loader drops an "
        "incomplete batch (`drop_last=True`), so there is no batch to show. Lower the batch size, max_length "
        "or stride, or use a longer text.",
        "Der Text ergibt {windows:,} Fenster, weniger als batch_size = {batch_size}. Der Dataloader verwirft "
        "einen unvollständigen Batch (`drop_last=True`), also gibt es keinen Batch. Verkleinern Sie die "
        "Batch-Größe, max_length oder stride, oder nehmen Sie einen längeren Text.",
    ),
    "batches.no_positions": (
        "max_length = {max_length} is longer than the context length ({context_length:,}): the position "
        "table has no rows for positions {context_length:,}–{last:,}. Lower max_length or raise the context "
        "length in the sidebar.",
        "max_length = {max_length} ist größer als die Kontextlänge ({context_length:,}): Die "
        "Positionstabelle hat keine Zeilen für die Positionen {context_length:,}–{last:,}. Verkleinern Sie "
        "max_length oder erhöhen Sie die Kontextlänge in der Seitenleiste.",
    ),
    # Controls
    "batches.batch_size": ("Batch size", "Batch-Größe"),
    "batches.batch_size_help": (
        "Samples per batch: the first dimension of the tensor (the lesson: 8).",
        "Proben pro Batch: die erste Dimension des Tensors (im Lehrtext: 8).",
    ),
    "batches.max_length": ("Max length (tokens per window)", "Max. Länge (Tokens pro Fenster)"),
    "batches.max_length_help": (
        "Tokens per sample: the second dimension (the lesson: 4).",
        "Tokens pro Probe: die zweite Dimension (im Lehrtext: 4).",
    ),
    "batches.stride": ("Stride", "Schrittweite (stride)"),
    "batches.stride_help": (
        "How far the window moves from one sample to the next. Equal to max_length: windows touch; smaller: "
        "they overlap; larger: tokens in between are skipped.",
        "Wie weit das Fenster von einer Probe zur nächsten rückt. Gleich max_length: Fenster stoßen "
        "aneinander; kleiner: sie überlappen; größer: Tokens dazwischen werden übersprungen.",
    ),
    "batches.shuffle": ("Shuffle", "Mischen (shuffle)"),
    "batches.shuffle_help": (
        "Draw the windows in random order, as training does. Seeded with the page's random seed, so the "
        "batches are reproducible.",
        "Die Fenster in zufälliger Reihenfolge ziehen, wie im Training. Mit dem Zufalls-Seed der Seite, "
        "also reproduzierbar.",
    ),
    "batches.batch": ("Batch number", "Batch-Nummer"),
    "batches.batch_help": ("0 to {last:,}", "0 bis {last:,}"),
    "batches.counts": (
        "{tokens:,} tokens → {windows:,} windows (one every {stride} tokens) → {batches:,} batches of "
        "{batch_size}",
        "{tokens:,} Tokens → {windows:,} Fenster (eines alle {stride} Tokens) → {batches:,} Batches zu "
        "{batch_size}",
    ),
    "batches.dropped": (
        " ({dropped:,} windows left over: dropped, `drop_last=True`).",
        " ({dropped:,} Fenster übrig: verworfen, `drop_last=True`).",
    ),
    "batches.in_order": (
        "In order (`shuffle=False`): batch {batch} holds windows {first:,}–{last:,}.",
        "Der Reihe nach (`shuffle=False`): Batch {batch} enthält die Fenster {first:,}–{last:,}.",
    ),
    "batches.shuffled": (
        "Shuffled with `torch.Generator().manual_seed({seed})`, the page's random seed: the same seed always "
        "gives the same batches. Batch {batch} holds windows {windows}.",
        "Gemischt mit `torch.Generator().manual_seed({seed})`, dem Zufalls-Seed der Seite: gleicher Seed, "
        "gleiche Batches. Batch {batch} enthält die Fenster {windows}.",
    ),
    # 1 Windows in the text
    "batches.text.title": ("1 · The windows in the text", "1 · Die Fenster im Text"),
    "batches.case.overlap": (
        "**Overlap:** stride {stride} < max_length {max_length}, so neighbouring windows share {tokens}; "
        "a token can be in up to {per_token} windows (striped).",
        "**Überlappung:** stride {stride} < max_length {max_length}, also teilen sich benachbarte Fenster "
        "{tokens}; ein Token kann in bis zu {per_token} Fenstern stehen (gestreift).",
    ),
    "batches.case.touch": (
        "**No overlap, no gap:** stride {stride} = max_length {max_length}, so the windows touch: no token "
        "is used twice and none is skipped (the lesson's setting).",
        "**Keine Überlappung, keine Lücke:** stride {stride} = max_length {max_length}, also stoßen die "
        "Fenster aneinander: Kein Token kommt doppelt vor, keines wird übersprungen (die Einstellung im "
        "Lehrtext).",
    ),
    "batches.case.gap": (
        "**Gap:** stride {stride} > max_length {max_length}, so neighbouring windows skip {tokens} (grey, "
        "struck through): what lies between them never becomes an input.",
        "**Lücke:** stride {stride} > max_length {max_length}, also überspringen benachbarte Fenster "
        "jeweils {tokens} (grau, durchgestrichen): Was dazwischen liegt, wird nie zur Eingabe.",
    ),
    "batches.legend": (
        "Each colour is one sample (row) of this batch: its window is underlined in that colour, and the "
        "number marks where it starts. Overlapping windows get parallel underlines and stripes. Grey and "
        "struck through: in no window. No colour: in windows of other batches.",
        "Jede Farbe ist eine Probe (Zeile) dieses Batches: Das Fenster der Probe ist in dieser Farbe "
        "unterstrichen, die Nummer markiert seinen Anfang. Überlappende Fenster haben parallele "
        "Unterstreichungen und Streifen. Grau und durchgestrichen: in keinem Fenster. Ohne Farbe: in "
        "Fenstern anderer Batches.",
    ),
    "batches.skipped": ("… {n:,} tokens …", "… {n:,} Tokens …"),
    "batches.excerpt_cut": (
        "The excerpt shows the first {shown:,} tokens around this batch; the ruler below shows every window.",
        "Der Ausschnitt zeigt die ersten {shown:,} Tokens rund um diesen Batch; das Lineal darunter zeigt "
        "alle Fenster.",
    ),
    "batches.token_title": ("token {index:,} · id {id}", "Token {index:,} · ID {id}"),
    "batches.in_windows": ("samples {rows}", "Proben {rows}"),
    "batches.ruler": ("Token index ruler", "Lineal der Token-Indizes"),
    "batches.ruler.axis": ("token index in the text", "Token-Index im Text"),
    "batches.ruler.sample": ("sample", "Probe"),
    "batches.ruler.tokens": ("tokens", "Tokens"),
    # 2 inputs and targets
    "batches.ids.title": ("2 · inputs and targets", "2 · inputs und targets"),
    "batches.ids.intro": (
        "Each row of `inputs` is one window: a sample. The same row of `targets` is that window shifted one "
        "token to the right: at every position the target is the *next* token, the one the model learns to "
        "predict. Each cell: token id · token.",
        "Jede Zeile von `inputs` ist ein Fenster: eine Probe. Dieselbe Zeile von `targets` ist das Fenster "
        "um ein Token nach rechts verschoben: An jeder Position ist das Ziel das *nächste* Token, das das "
        "Modell vorhersagen lernt. Jede Zelle: Token-ID · Token.",
    ),
    "batches.ids.sample": ("sample", "Probe"),
    # 3 Token embeddings
    "batches.embed.title": ("3 · Token embeddings: a 3D tensor", "3 · Token-Embeddings: ein 3D-Tensor"),
    "batches.embed.intro": (
        "`token_embedding_layer(inputs)` replaces every id by its row of the page's token table "
        "(`torch.nn.Embedding({n_vocab}, {dim})`, seed {seed}): each id becomes {dim} numbers, so the 2D "
        "batch of ids becomes a 3D tensor (batch_size, max_length, embedding_dim).",
        "`token_embedding_layer(inputs)` ersetzt jede ID durch ihre Zeile der Token-Tabelle der Seite "
        "(`torch.nn.Embedding({n_vocab}, {dim})`, Seed {seed}): Jede ID wird zu {dim} Zahlen, der 2D-Batch "
        "aus IDs also zu einem 3D-Tensor (batch_size, max_length, embedding_dim).",
    ),
    "batches.picture.batch": ("batch_size = {n}", "batch_size = {n}"),
    "batches.picture.copies": ("same block, {n}×", "derselbe Block, {n}×"),
    "batches.picture.positions": ("max_length = {n}", "max_length = {n}"),
    "batches.picture.dim": ("dim = {dim}", "dim = {dim}"),
    "batches.picture.caption": (
        "Each card is one sample (in front: sample 0); each column is one token and holds {dim} numbers.",
        "Jede Karte ist eine Probe (vorne: Probe 0); jede Spalte ist ein Token und enthält {dim} Zahlen.",
    ),
    # 4 Position embeddings, broadcasting
    "batches.pos.title": (
        "4 · + position embeddings (broadcasting)",
        "4 · + Positions-Embeddings (Broadcasting)",
    ),
    "batches.pos.intro": (
        "`pos_embeddings` has one row per position: shape ({max_length}, {dim}). PyTorch lines up the last "
        "dimensions and adds this same block to every one of the {batch_size} samples (*broadcasting*): "
        "position 0 of every window gets the same position vector, position 1 the next, and so on.",
        "`pos_embeddings` hat eine Zeile pro Position: Form ({max_length}, {dim}). PyTorch richtet die "
        "letzten Dimensionen aneinander aus und addiert denselben Block zu jeder der {batch_size} Proben "
        "(*Broadcasting*): Position 0 jedes Fensters bekommt denselben Positionsvektor, Position 1 den "
        "nächsten, und so weiter.",
    ),
    "batches.pos.learned": (
        "Rows 0–{last} of the page's position table (context length {context_length:,}): the same vectors "
        "the main view adds.",
        "Zeilen 0–{last} der Positionstabelle der Seite (Kontextlänge {context_length:,}): dieselben "
        "Vektoren, die die Hauptansicht addiert.",
    ),
    "batches.pos.sinusoidal": (
        "Sinusoidal positions 0–{last} (fixed, nothing learned), as set in the sidebar.",
        "Sinusförmige Positionen 0–{last} (fest, nichts gelernt), wie in der Seitenleiste eingestellt.",
    ),
    "batches.pos.none": (
        "Position embeddings are off in the sidebar: the block is all zeros, so the sum equals the token "
        "embeddings.",
        "Positions-Embeddings sind in der Seitenleiste ausgeschaltet: Der Block ist null, die Summe gleich "
        "den Token-Embeddings.",
    ),
    "batches.shapes": ("Shapes", "Formen"),
    "batches.numbers": ("Numbers of sample 0", "Zahlen der Probe 0"),
    "batches.numbers_caption": (
        "input_embeddings[0]: the first {shown} of {dim} dimensions, one row per position.",
        "input_embeddings[0]: die ersten {shown} von {dim} Dimensionen, eine Zeile pro Position.",
    ),
    # 5 Code
    "batches.code.title": ("5 · The code", "5 · Der Code"),
    "batches.code.intro": (
        "The lesson's code with the current values. Run it from the repository's folder: it prints the "
        "shapes above and gives the same `inputs`.",
        "Der Code aus dem Lehrtext mit den aktuellen Werten. Im Ordner des Repositorys ausgeführt, gibt er "
        "die Formen oben aus und liefert dieselben `inputs`.",
    ),
    "batches.code.own_file": ("your text, saved as my_text.txt", "Ihr Text, gespeichert als my_text.txt"),
    "batches.code.pos_order": (
        "drawn right after the token table, before the data loader uses the random generator",
        "direkt nach der Token-Tabelle erzeugt, bevor der Dataloader den Zufallsgenerator benutzt",
    ),
}
