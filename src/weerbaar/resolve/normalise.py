"""Dutch-specific normalisation of person and company names for entity resolution.

Person features are computed by one DuckDB SQL query (`person_features_sql`), so that the
batch run (Splink on DuckDB, a million records) and intake (one signal's parties against
their candidates) derive exactly the same features from the same input.

What the features undo: particles inside or outside the surname field ("van der Berg",
tussenvoegsel "van der" + "Berg", "Berg, van der", "Vanderberg"), titles ("Dhr.", "Mevr.",
"Dr.", "Frau"), upper case and accents, initials instead of given names ("J.P."), Dutch
spelling variants of the same sound (ij/ei/y, ch/g, dt/d/t, ck/k, ...) and a birth date with
day and month swapped.
"""

from __future__ import annotations

import re

from weerbaar.core.names import PARTICLES, fold

PERSON_INPUT: tuple[str, ...] = (
    "unique_id", "source_dataset", "voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum",
    "bsn", "straat", "huisnummer", "postcode", "woonplaats",
)

# Feature columns produced by person_features_sql, in order.
FEATURES: tuple[str, ...] = (
    "unique_id", "source_dataset", "voornaam", "voornamen_lijst", "initialen", "initiaal",
    "achternaam_kern", "achternaam_vol", "achternaam_fon", "achternaam_letters", "voornamen_alle",
    "kern_zonder_datum",
    "geboortedatum", "geboortejaar", "geboortedatum_omgedraaid", "bsn", "postcode", "huisnummer",
    "straat", "woonplaats",
)

# Every word that occurs in a particle, plus the apostrophe forms once punctuation is gone
# ("van 't Hek" -> van, t, hek; "d'Ancona" -> d, ancona).
PARTICLE_WORDS: tuple[str, ...] = tuple(sorted(
    {w for p in PARTICLES for w in re.findall(r"[a-z]+", p)} | {"t", "d", "l", "o", "vd", "vander", "vanden"}
))

# Titles and forms of address written before a name (folded, without the dot).
TITLES: tuple[str, ...] = (
    "dhr", "de heer", "heer", "hr", "mevr", "mevrouw", "mw", "mr", "mrs", "ms", "dr", "drs", "ir", "ing",
    "prof", "ds", "herr", "frau", "fr", "mme", "mlle", "monsieur", "madame", "sir", "meneer", "mijnheer",
)

_TITLE_RE = r"^((" + "|".join(t.replace(" ", r"\s+") for t in sorted(TITLES, key=len, reverse=True)) + r")(\.|\s)\s*)+"


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _fold_sql(expr: str) -> str:
    """SQL for core.names.fold: lower case, accents off (incl. ł, ø, ı, ß, æ), one space."""
    return (
        "trim(regexp_replace(replace(replace(translate(strip_accents(lower(" + expr + ")), "
        "'łøıđ', 'loid'), 'ß', 'ss'), 'æ', 'ae'), '\\s+', ' ', 'g'))"
    )


def _phonetic_sql(expr: str) -> str:
    """A Dutch sound key (before doubled letters are collapsed, see _collapse_sql): spelling
    variants that sound alike get the same key. Order matters: sch before ch, ij/ei before y,
    dt before the final d."""
    rules = [
        ("sch", "s"), ("ch", "g"), ("gh", "g"), ("ck", "k"), ("cz", "tsj"), ("sz", "s"), ("qu", "kw"),
        ("c", "k"), ("q", "k"), ("x", "ks"), ("ph", "f"), ("th", "t"), ("dt", "t"), ("d$", "t"),
        ("ij", "y"), ("ei", "y"), ("ey", "y"), ("ie", "i"), ("ae", "a"), ("ou", "au"), ("oe", "u"),
        ("v", "f"), ("z", "s"), ("w", "v"), ("h$", ""),
    ]
    out = expr
    for pattern, repl in rules:
        out = f"regexp_replace({out}, '{pattern}', '{repl}', 'g')"
    return out


def _collapse_sql(column: str) -> str:
    """Doubled letters collapsed (aa -> a, tt -> t); RE2 has no back-references, so per character."""
    return (f"array_to_string(list_filter(str_split({column}, ''), "
            f"lambda ch, i: i = 1 OR ch != str_split({column}, '')[i - 1]), '')")


def person_features_sql(input_table: str) -> str:
    """SELECT of the matching features of every row of `input_table` (PERSON_INPUT columns).

    Columns: see FEATURES. `voornaam` is the first given name written out (NULL for an
    initial), `initialen` the first letters of all given names, `achternaam_kern` the surname
    without particles, `achternaam_vol` with its particles written as one word,
    `achternaam_fon` the Dutch sound key of the core, `geboortedatum` ISO text (also an
    impossible date written as digits is kept, so a typo can still be compared),
    `geboortedatum_omgedraaid` the same date with day and month swapped (when that is a date).
    """
    particles = _sql_list(PARTICLE_WORDS)
    title_re = _TITLE_RE.replace("'", "''")
    return f"""
WITH src AS (
    SELECT CAST(unique_id AS VARCHAR) AS unique_id,
           CAST(source_dataset AS VARCHAR) AS source_dataset,
           regexp_replace({_fold_sql("CAST(voornamen AS VARCHAR)")}, '{title_re}', '') AS vn,
           {_fold_sql("CAST(tussenvoegsel AS VARCHAR)")} AS tv,
           regexp_replace({_fold_sql("CAST(geslachtsnaam AS VARCHAR)")}, '{title_re}', '') AS gn,
           trim(CAST(geboortedatum AS VARCHAR)) AS gd_raw,
           nullif(upper(regexp_replace(CAST(bsn AS VARCHAR), '[^0-9A-Za-z]', '', 'g')), '') AS bsn,
           nullif(upper(regexp_replace(CAST(postcode AS VARCHAR), '[^0-9A-Za-z]', '', 'g')), '') AS postcode,
           nullif(regexp_extract(CAST(huisnummer AS VARCHAR), '[0-9]+'), '') AS huisnummer,
           nullif({_fold_sql("CAST(straat AS VARCHAR)")}, '') AS straat,
           nullif({_fold_sql("CAST(woonplaats AS VARCHAR)")}, '') AS woonplaats
    FROM {input_table}
),
parts AS (
    SELECT *,
        list_filter(regexp_split_to_array(regexp_replace(coalesce(vn, ''), '[-'']', '', 'g'), '[^a-z0-9]+'),
                    lambda w: w != '') AS vn_tokens,
        -- "Berg, van der" -> "van der Berg" (words after the comma that are no particle,
        -- such as initials written there, are dropped)
        CASE WHEN contains(coalesce(gn, ''), ',')
             THEN array_to_string(list_filter(
                      regexp_split_to_array(split_part(gn, ',', 2), '[^a-z0-9]+'),
                      lambda w: list_contains({particles}, w)), ' ') || ' ' || split_part(gn, ',', 1)
             ELSE gn END AS gn_ordered,
        CASE WHEN regexp_full_match(gd_raw, '[0-9]{{4}}-?[0-9]{{2}}-?[0-9]{{2}}')
                  THEN CAST(try_strptime(replace(gd_raw, '-', ''), '%Y%m%d') AS DATE)
             WHEN regexp_full_match(gd_raw, '[0-9]{{1,2}}[-/.][0-9]{{1,2}}[-/.][0-9]{{4}}')
                  THEN CAST(try_strptime(regexp_replace(gd_raw, '[/.]', '-', 'g'), '%d-%m-%Y') AS DATE)
        END AS gd_date,
        CASE WHEN regexp_full_match(gd_raw, '[0-9]{{4}}-?[0-9]{{2}}-?[0-9]{{2}}')
             THEN regexp_replace(gd_raw, '^([0-9]{{4}})-?([0-9]{{2}})-?([0-9]{{2}})$', '\\1-\\2-\\3') END AS gd_digits
    FROM src
),
surname AS (
    SELECT *,
        list_filter(regexp_split_to_array(coalesce(tv, '') || ' ' || coalesce(gn_ordered, ''), '[^a-z0-9]+'),
                    lambda w: w != '') AS sn_tokens
    FROM parts
),
core AS (
    SELECT *,
        nullif(array_to_string(list_filter(sn_tokens, lambda w: NOT list_contains({particles}, w)), ''), '')
            AS sn_core,
        nullif(array_to_string(sn_tokens, ''), '') AS sn_full
    FROM surname
),
sound AS (
    SELECT *, {_phonetic_sql("coalesce(sn_core, sn_full)")} AS sn_sound FROM core
)
SELECT
    unique_id,
    source_dataset,
    CASE WHEN length(vn_tokens[1]) > 1 THEN vn_tokens[1] END AS voornaam,
    list_filter(vn_tokens, lambda w: length(w) > 1) AS voornamen_lijst,
    nullif(array_to_string(list_transform(vn_tokens, lambda w: left(w, 1)), ''), '') AS initialen,
    nullif(left(vn_tokens[1], 1), '') AS initiaal,
    coalesce(sn_core, sn_full) AS achternaam_kern,
    sn_full AS achternaam_vol,
    {_collapse_sql("sn_sound")} AS achternaam_fon,
    -- the surname's distinct letters, sorted: the same after a swap or a doubled letter
    array_to_string(list_sort(list_distinct(str_split(coalesce(sn_core, sn_full), ''))), '') AS achternaam_letters,
    CASE WHEN len(list_filter(vn_tokens, lambda w: length(w) > 1)) >= 2
         THEN array_to_string(list_filter(vn_tokens, lambda w: length(w) > 1), ' ') END AS voornamen_alle,
    CASE WHEN coalesce(strftime(gd_date, '%Y-%m-%d'), gd_digits) IS NULL
         THEN coalesce(sn_core, sn_full) END AS kern_zonder_datum,
    coalesce(strftime(gd_date, '%Y-%m-%d'), gd_digits) AS geboortedatum,
    CAST(left(coalesce(strftime(gd_date, '%Y-%m-%d'), gd_digits), 4) AS INTEGER) AS geboortejaar,
    CASE WHEN day(gd_date) <= 12 AND day(gd_date) != month(gd_date)
         THEN strftime(make_date(year(gd_date), day(gd_date), month(gd_date)), '%Y-%m-%d') END
        AS geboortedatum_omgedraaid,
    bsn, postcode, huisnummer, straat, woonplaats
FROM sound
"""


# Legal forms and generic words that do not identify a company ("B.V.", "Holding", ...),
# folded and without punctuation, longest first.
_COMPANY_FORMS = (
    "besloten vennootschap", "naamloze vennootschap", "vennootschap onder firma", "commanditaire vennootschap",
    "cooperatie", "cooperatieve", "stichting", "vereniging", "holding", "eenmanszaak", "maatschap", "bvio",
    "bv", "nv", "vof", "cv", "ua", "wa", "ba", "gmbh", "ag", "se", "ltd", "llc", "inc", "sarl", "sa", "kg",
    "hodn", "en zn", "en zonen", "zn", "groep", "group",
)
_COMPANY_FORM_RE = re.compile(r"\b(" + "|".join(f.replace(" ", r"\s+") for f in _COMPANY_FORMS) + r")\b")


def company_name_key(name: str | None) -> str:
    """A comparable key of a company name: folded, legal forms and punctuation removed.

    "Groeimaat B.V." / "GROEIMAAT BV" / "Groeimaat Holding B.V." -> "groeimaat". Dots inside
    abbreviations are dropped first so that "B.V." and "V.O.F." become "bv" and "vof".
    """
    if not name:
        return ""
    text = fold(name).replace("&", " en ")
    text = re.sub(r"\b([a-z])\.(?=[a-z]\b\.?)", r"\1", text)  # b.v. -> bv., v.o.f. -> vof.
    text = re.sub(r"[^a-z0-9]+", " ", text)
    stripped = _COMPANY_FORM_RE.sub(" ", text)
    words = stripped.split() or text.split()
    return "".join(words)
