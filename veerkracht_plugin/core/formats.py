"""What a table file really is, before it is parsed: its encoding (BOM, UTF-16 without BOM, UTF-8, Windows-1252),
a web page or XML saved as .csv, a zip or Excel 97-2003 container, a password or a cut-off download. Each
problem is a ``VeerkrachtError`` in Dutch naming the file and what to do; no Qt here."""

import io
import zipfile

from . import VeerkrachtError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003, and any password-protected Office file
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 (met BOM)"),
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16 (little endian)"),
    (b"\xfe\xff", "utf-16", "UTF-16 (big endian)"),
)
_OTHER_FORMATS = (
    (b"%PDF", "een PDF-document"),
    (b"\x89PNG", "een PNG-afbeelding"),
    (b"\xff\xd8\xff", "een JPEG-afbeelding"),
    (b"SQLite format 3", "een SQLite-database of GeoPackage"),
)


def refuse_ole(path, raw):
    """An OLE container (``raw``, the bytes of ``path``) is either a password-protected Office file or Excel
    97-2003 (read only with xlrd)."""
    if "EncryptionInfo".encode("utf-16-le") in raw or "EncryptedPackage".encode("utf-16-le") in raw:
        raise VeerkrachtError(
            f"Tabel '{path.name}' is beveiligd met een wachtwoord (versleuteld) en kan niet gelezen worden. "
            "Open het in Excel of LibreOffice, verwijder het wachtwoord en sla het op als XLSX of CSV."
        )
    try:
        import xlrd  # noqa: F401 (optional: reads Excel 97-2003 when installed)
    except ImportError:
        raise VeerkrachtError(
            f"Tabel '{path.name}' is een oud Excel-bestand (Excel 97-2003, .xls) en dat formaat wordt hier niet "
            "gelezen. Open het in Excel of LibreOffice en sla het op als XLSX of CSV."
        ) from None
    return None


def decode_text(path, raw):
    """(text, name of the encoding) of ``raw``, the bytes of a text file at ``path``: a BOM decides, else UTF-16
    without BOM (NUL bytes), UTF-8, and failing that Windows-1252. A file that is not text is refused, naming
    what it is."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec), name
            except UnicodeDecodeError as error:
                raise VeerkrachtError(
                    f"Tabel '{path.name}' begint als {name}, maar is dat niet overal (byte {error.start}). "
                    "Sla de tabel opnieuw op als CSV UTF-8."
                ) from error
    sample = raw[:4096]
    for magic, what in _OTHER_FORMATS:
        if sample.startswith(magic):
            raise VeerkrachtError(f"Tabel '{path.name}' is {what}, geen tabel.")
    if sample and sample.count(b"\x00") > len(sample) // 4:
        codec = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        try:
            return raw.decode(codec), f"UTF-16 zonder BOM ({codec[-2:]})"
        except UnicodeDecodeError:
            pass
    if b"\x00" in sample:
        raise VeerkrachtError(
            f"Tabel '{path.name}' is geen tekstbestand (het bevat binaire gegevens). Gebruik CSV, XLSX of ODS."
        )
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "Windows-1252"


def refuse_markup(path, text):
    """A web page or XML document saved with a table's name."""
    start = text.lstrip()[:2000].lower()
    if start.startswith(("<!doctype html", "<html", "<table", "<head", "<body")) or (
        start.startswith("<") and "<html" in start
    ):
        raise VeerkrachtError(
            f"Tabel '{path.name}' is een webpagina (HTML), geen tabel: zo'n bestand ontstaat als een pagina of "
            "download met 'Opslaan als' een andere extensie kreeg. Download de tabel opnieuw als CSV of XLSX, of "
            "open het in Excel en sla het op als XLSX."
        )
    if start.startswith("<?xml") or start.startswith("<"):
        raise VeerkrachtError(f"Tabel '{path.name}' is een XML-bestand, geen CSV. Sla de tabel op als CSV of XLSX.")


def refuse_broken_zip(path, raw):
    """A zip (``raw``, the bytes of ``path``) that is cut off, or an ODS saved with a password, named before the
    reader stumbles on it."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = set(archive.namelist())
            manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    except (zipfile.BadZipFile, OSError) as error:
        raise VeerkrachtError(
            f"Tabel '{path.name}' is beschadigd: het is geen volledig Excel/ODS-bestand (afgebroken download of "
            "kopie?). Open het in Excel of LibreOffice en sla het opnieuw op, of download het opnieuw."
        ) from error
    if b"encryption-data" in manifest:
        raise VeerkrachtError(
            f"Tabel '{path.name}' is beveiligd met een wachtwoord (versleuteld) en kan niet gelezen worden. "
            "Open het in LibreOffice, verwijder het wachtwoord en sla het op als ODS, XLSX of CSV."
        )
    if not ({"content.xml", "xl/workbook.xml"} & names):
        raise VeerkrachtError(
            f"Tabel '{path.name}' is een zip-bestand, maar geen Excel- of ODS-werkmap. Pak het uit of kies de "
            "tabel zelf."
        )
