"""Strings of a live class: the room ("class."), the class board ("board.") and the check questions ("q.").

The teacher is addressed with "Sie", the students with "du", as in a German classroom."""

STRINGS: dict[str, tuple[str, str]] = {
    # The room: starting, joining, leading, following
    "class.start": ("Start a class", "Klassenraum öffnen"),
    "class.start_help": (
        "Students join with a code or a QR code and follow your page on their phones.",
        "Die Schülerinnen und Schüler treten mit einem Code oder QR-Code bei und folgen Ihrer Seite auf "
        "dem Handy.",
    ),
    "class.title": ("Class {code}", "Klassenraum {code}"),
    "class.join": ("Join on your phone", "Auf dem Handy beitreten"),
    "class.code": ("Code", "Code"),
    "class.qr_caption": ("QR code of the students' link", "QR-Code des Links für die Klasse"),
    "class.copy": ("Copy my teacher link", "Meinen Link als Lehrkraft kopieren"),
    "class.copied": (
        "Copied. Keep it private: it makes any page the teacher's.",
        "Kopiert. Geben Sie ihn nicht weiter: Er macht jede Seite zur Seite der Lehrkraft.",
    ),
    "class.copy_failed": (
        "The browser did not allow copying here.",
        "Der Browser hat das Kopieren hier nicht erlaubt.",
    ),
    "class.copy_help": (
        "A private link to lead this class again after a reload or from another device. It is never shown "
        "on the page.",
        "Ein privater Link, mit dem Sie diesen Klassenraum nach dem Neuladen oder auf einem anderen Gerät "
        "wieder leiten. Er wird nie auf der Seite angezeigt.",
    ),
    "class.end": ("End the class", "Klassenraum schließen"),
    "class.leading": (
        "You lead this class: every change you make appears on the students' pages.",
        "Sie leiten diesen Klassenraum: Jede Änderung erscheint auf den Seiten der Klasse.",
    ),
    "class.following": ("Following the teacher", "Du folgst der Lehrkraft"),
    "class.explore": ("Explore on my own", "Selbst ausprobieren"),
    "class.exploring": ("Exploring on your own", "Du probierst selbst aus"),
    "class.follow_again": ("Follow again", "Wieder folgen"),
    "class.ended": (
        "This class has ended. The page keeps working for you alone.",
        "Dieser Klassenraum ist geschlossen. Die Seite funktioniert für dich allein weiter.",
    ),
    "class.unknown": (
        "There is no class with the code {code} on this server: it may have ended. The page works on its "
        "own.",
        "Auf diesem Server gibt es keinen Klassenraum mit dem Code {code}: Vielleicht ist er schon "
        "geschlossen. Die Seite funktioniert auch allein.",
    ),
    "class.forged": (
        "This teacher link is not valid: you follow the class as a student.",
        "Dieser Link der Lehrkraft ist ungültig: Du folgst dem Unterricht als Schülerin oder Schüler.",
    ),
    "class.refused": (
        "The class could not be started. {message}",
        "Der Klassenraum ließ sich nicht öffnen. {message}",
    ),
    "class.too_many": (
        "This server already holds {max_rooms} classes. Try again when one has ended.",
        "Dieser Server hält schon {max_rooms} Klassenräume. Versuchen Sie es wieder, wenn einer "
        "geschlossen ist.",
    ),
    # The class board
    "board.title": ("Class board", "Klassentafel"),
    "board.intro": (
        "Send a word or a short sentence: it appears on the projector with everyone's tokens.",
        "Schick ein Wort oder einen kurzen Satz: Er erscheint am Beamer mit den Tokens aller anderen.",
    ),
    "board.text": ("A word or a short sentence", "Ein Wort oder ein kurzer Satz"),
    "board.nickname": ("Nickname (optional)", "Spitzname (freiwillig)"),
    "board.send": ("Send to the board", "An die Tafel schicken"),
    "board.sent": ("Sent: {text}", "Geschickt: {text}"),
    "board.locked": (
        "The teacher has closed the board for now.",
        "Die Lehrkraft hat die Tafel gerade geschlossen.",
    ),
    "board.full": (
        "The board is full ({max_entries} entries). The teacher can clear it.",
        "Die Tafel ist voll ({max_entries} Einträge). Die Lehrkraft kann sie leeren.",
    ),
    "board.empty_entry": (
        "Type a word or a short sentence first.",
        "Schreib zuerst ein Wort oder einen kurzen Satz.",
    ),
    "board.too_long": (
        "An entry has at most {max_chars} characters; this one has {n_chars}.",
        "Ein Eintrag hat höchstens {max_chars} Zeichen, dieser hat {n_chars}.",
    ),
    "board.too_fast": (
        "One entry every few seconds: send again in {seconds} s.",
        "Ein Eintrag alle paar Sekunden: Schick den nächsten in {seconds} s.",
    ),
    "board.nothing_yet": (
        "Nothing on the board yet: students send words from their phones.",
        "Noch nichts an der Tafel: Die Klasse schickt Wörter von ihren Handys.",
    ),
    "board.entries.one": ("{n} entry", "{n} Eintrag"),
    "board.entries.other": ("{n} entries", "{n} Einträge"),
    "board.space": ("Everyone's tokens in one space", "Alle Tokens in einem Raum"),
    "board.space_caption": (
        "One PCA over the input embeddings of every entry, at the settings above: the same token at the "
        "same position lands on the same point, whoever sent it.",
        "Eine PCA über die Input-Embeddings aller Einträge, mit den Einstellungen oben: Dasselbe Token an "
        "derselben Position landet auf demselben Punkt, egal wer es geschickt hat.",
    ),
    "board.trace": ("input embeddings of the entries", "Input-Embeddings der Einträge"),
    "board.hover": ("{token} in {entry}", "{token} in {entry}"),
    "board.hover_nick": ("{token} in {entry} (from {nickname})", "{token} in {entry} (von {nickname})"),
    "board.found": ("What the class found", "Was die Klasse gefunden hat"),
    "board.most": ("Most tokens", "Die meisten Tokens"),
    "board.n_tokens.one": ("{n} token", "{n} Token"),
    "board.n_tokens.other": ("{n} tokens", "{n} Tokens"),
    "board.space_pairs": ("A word alone and after a space", "Ein Wort allein und nach einem Leerzeichen"),
    "board.col.word": ("word", "Wort"),
    "board.col.alone": ("alone", "allein"),
    "board.col.spaced": ("after a space", "nach einem Leerzeichen"),
    "board.entries": ("Entries", "Einträge"),
    "board.hide": ("Hide", "Ausblenden"),
    "board.clear": ("Clear the board", "Tafel leeren"),
    "board.open": ("Students may send", "Die Klasse darf schicken"),
    # Check questions
    "q.title": ("Check question", "Kontrollfrage"),
    "q.pick": ("Question", "Frage"),
    "q.ask": ("Ask the class", "Der Klasse stellen"),
    "q.reveal": ("Reveal the answer", "Antwort zeigen"),
    "q.close": ("Close the question", "Frage schließen"),
    "q.n_tokens": ("How many tokens does the sentence have?", "Wie viele Tokens hat der Satz?"),
    "q.same_rows": (
        "Which token looks up the same row of the token table more than once?",
        "Welches Token schlägt mehr als einmal dieselbe Zeile der Token-Tabelle nach?",
    ),
    "q.batch_shape": (
        "What shape do the input embeddings have for a batch of {batch} sentences like this one?",
        "Welche Form haben die Input-Embeddings für einen Batch aus {batch} solchen Sätzen?",
    ),
    "q.swap": (
        "If two different tokens of the sentence swap places, does each one's input embedding change?",
        "Wenn zwei verschiedene Tokens des Satzes die Plätze tauschen: Ändert sich ihr Input-Embedding?",
    ),
    "q.choice.none": ("none: every token appears once", "keines: Jedes Token kommt nur einmal vor"),
    "q.choice.yes": ("yes", "ja"),
    "q.choice.no": ("no", "nein"),
    "q.your_answer": ("Your answer", "Deine Antwort"),
    "q.answered": (
        "Answer sent. You can change it until the teacher shows the answer.",
        "Antwort geschickt. Du kannst sie ändern, bis die Lehrkraft die Lösung zeigt.",
    ),
    "q.tally.one": ("{n} answer so far", "{n} Antwort bisher"),
    "q.tally.other": ("{n} answers so far", "{n} Antworten bisher"),
    "q.right": ("Right answer: {answer}", "Richtige Antwort: {answer}"),
    "q.reason.n_tokens": (
        "GPT-2's byte-pair encoding cuts the sentence into {n} tokens (ids {ids}), not into words.",
        "Die Byte-Pair-Kodierung von GPT-2 zerlegt den Satz in {n} Tokens (IDs {ids}), nicht in Wörter.",
    ),
    "q.reason.same_rows": (
        "{token} stands at positions {positions}: one id, so the same row of the table each time.",
        "{token} steht an den Positionen {positions}: eine ID, also jedes Mal dieselbe Zeile der Tabelle.",
    ),
    "q.reason.same_rows.none": (
        "Every token of this sentence appears once, so no row is looked up twice.",
        "Jedes Token dieses Satzes kommt nur einmal vor, also wird keine Zeile zweimal nachgeschlagen.",
    ),
    "q.reason.batch_shape": (
        "{batch} sentences × {n} tokens × {dim} numbers in each vector.",
        "{batch} Sätze × {n} Tokens × {dim} Zahlen pro Vektor.",
    ),
    "q.reason.swap.yes": (
        "A position embedding is added to each token: the same token at another place gets another sum.",
        "Zu jedem Token wird ein Positions-Embedding addiert: Dasselbe Token an einem anderen Platz ergibt "
        "eine andere Summe.",
    ),
    "q.reason.swap.no": (
        "Without position embeddings a token's input embedding is its row of the table alone, wherever it "
        "stands: the two vectors only change places.",
        "Ohne Positions-Embeddings ist das Input-Embedding eines Tokens nur seine Zeile der Tabelle, egal wo "
        "es steht: Die beiden Vektoren tauschen nur die Plätze.",
    ),
}
