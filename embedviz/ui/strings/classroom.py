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
}
