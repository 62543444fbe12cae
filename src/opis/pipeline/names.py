"""Name-shape vocabulary shared by the apparatus, entities and linking components.

Facts about how names are written in Soviet, Chinese and Western archival documents and
their English translations: honorifics and ranks before a personal name, generic words after a
place name ("Ili District"), kinds of military and border units, heads of organisation names,
and the classification/heading phrases that look like names but are not.
"""

from __future__ import annotations

import re

# Honorifics, ranks and offices written before a personal name (longest first in the regex).
TITLES = [
    "Cde.", "Cde", "Comrade", "Comrades", "Tov.", "Citizen", "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Professor",
    "Academician", "Marshal", "Marshal of the Soviet Union", "General", "Major General", "Lieutenant General",
    "Colonel General", "General of the Army", "Colonel", "Lieutenant Colonel", "Major", "Captain", "Lieutenant",
    "Senior Lieutenant", "Sergeant", "Private", "Admiral", "Vice Admiral", "Rear Admiral", "Commissar",
    "Commander", "Kombrig", "Komdiv", "Komkor", "Ataman", "Vice Minister", "Deputy Minister", "Minister",
    "Vice Premier", "Premier", "Vice Chairman", "Chairman", "President", "Vice President", "Ambassador",
    "Consul", "Consul General", "Secretary", "First Secretary", "General Secretary", "Governor", "Mayor",
    "Prince", "King", "Emperor", "Tsar", "Khan", "Sultan", "Mullah", "Imam", "Bishop", "Father",
]
TITLE_WORDS = {w for t in TITLES for w in t.replace(".", "").split()} | {"Cde.", "Mr.", "Mrs.", "Dr.", "Prof."}

# Words that, after a title, show that the phrase is an office or body and not a person.
NOT_NAME_AFTER_TITLE = {
    "Staff", "Secretary", "Secretariat", "Assembly", "Council", "Committee", "Government", "Headquarters",
    "Directorate", "Consulate", "Prosecutor", "Department", "Administration", "Command", "Plan", "Office",
    "Commissariat", "Ministry", "Embassy", "Court", "Army", "Division", "District", "Of", "The", "And",
}

# Generic words written after (or before) a place name; "Ili District" names Ili.
PLACE_SUFFIXES = [
    "District", "Districts", "Province", "Provinces", "County", "Counties", "Oblast", "Oblast'", "Region",
    "Prefecture", "Okrug", "Uyezd", "Uezd", "Raion", "Rayon", "Krai", "Kray", "Autonomous Region",
    "Autonomous Prefecture", "Municipality", "Volost", "area", "areas", "region", "district", "county",
    "oblast", "province", "River", "Valley", "Pass", "Mountains", "Range", "Steppe", "Basin",
]
PLACE_PREFIXES = ["Lake", "Mount", "Mt.", "River", "Gulf of", "Bay of", "Cape", "Port"]

# Nouns that introduce place names: "the cities of Bay and Nurgak", "the posts of X, Y, and Z".
PLACE_INTRODUCERS = [
    "city", "cities", "town", "towns", "village", "villages", "settlement", "settlements", "post", "posts",
    "county", "counties", "district", "districts", "province", "provinces", "region", "regions", "oblast",
    "station", "stations", "port", "ports", "outpost", "outposts", "area", "areas", "tract", "valley",
    "pass", "river", "lake", "aul", "auls", "volost", "uyezd", "okrug", "raion",
]

# Kinds of military and security units.
UNIT_HEADS = [
    "Army", "Armies", "Front", "Fronts", "Corps", "Division", "Divisions", "Brigade", "Brigades", "Regiment",
    "Regiments", "Battalion", "Battalions", "Squadron", "Squadrons", "Company", "Detachment", "Detachments",
    "detachment", "detachments", "Group", "Fleet", "Flotilla", "Military District", "Border District",
    "border detachment", "border detachments", "Border Detachment", "border guard detachment",
    "border guard unit", "border unit", "commandant's office", "Commandant's Office",
    "border commandant's office", "frontier post", "border post", "outpost",
]
UNIT_KINDS = [
    "Cavalry", "Rifle", "Infantry", "Tank", "Guards", "Mountain", "Mechanized", "Motorized", "Motor Rifle",
    "Shock", "Air", "Airborne", "Artillery", "Red Banner", "Border", "NKVD", "Partisan", "Mongolian",
    "Special", "Reserve", "Separate", "Field", "Route", "Volunteer", "Sapper", "Signal", "Engineer",
]
ORDINAL_WORDS = [
    "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
    "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth",
    "Eighteenth", "Nineteenth", "Twentieth",
]

# Heads of organisation names: "Embassy of the Soviet Union", "Ministry of Foreign Affairs of ...".
ORG_HEADS = [
    "Embassy", "Consulate", "Consulate General", "Ministry", "Commissariat", "People's Commissariat",
    "People's Commissar", "Committee", "Central Committee", "Council", "Special Council", "Commission",
    "Foundation", "Bureau", "Directorate", "Main Directorate", "Department", "Administration", "Party",
    "Institute", "Academy", "University", "Presidium", "Politburo", "Secretariat", "Procuracy",
    "Prosecutor's Office", "Office", "Agency", "Service", "Court", "Tribunal", "Bank", "Trust",
    "Society", "League", "Congress", "Assembly",
    "General Staff", "Staff", "Headquarters", "Archive", "Library", "Museum", "Company", "Corporation",
]

# Phrases on archival pages that the statistical model takes for names.
NOT_NAMES = {
    "top secret", "secret", "strictly secret", "special importance", "of special importance",
    "confidential", "for official use only", "personal", "urgent", "copy", "draft", "cipher", "by cipher",
    "record id", "document information", "original language", "original classification", "summary",
    "citation", "credits", "contents", "appendix", "memorandum", "translation", "notes", "note", "basis",
    "original uploaded date", "digital archive", "keywords", "abstract", "funding", "received", "annex",
    "cde", "comrade", "comrades", "ibid", "ibid.", "op. cit", "publ", "ed", "eds", "vol",
}

_CAPS_WORD = re.compile(r"^[A-ZА-ЯЁ][A-ZА-ЯЁ'’\-]+$")


def is_caps(word: str) -> bool:
    """Whether the word is written all in capitals (Latin or Cyrillic, two letters or more)."""
    return bool(_CAPS_WORD.match(word))


def title_case(name: str) -> str:
    """``JIANG JIESHI`` -> ``Jiang Jieshi``; ``KAI-SHEK`` -> ``Kai-Shek``; mixed case stays."""
    if not any(c.isupper() for c in name) or any(c.islower() for c in name):
        return name
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[0] + m.group(0)[1:].lower(), name)


def alternation(words: list[str]) -> str:
    """A regex alternation of literal phrases, longest first, spaces as flexible whitespace."""
    parts = sorted({re.escape(w).replace(r"\ ", r"\s+") for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(parts) + ")"


ORDINAL = rf"(?:\d+(?:st|nd|rd|th)|{alternation(ORDINAL_WORDS)})"
_UNIT_HEAD_END = re.compile(rf"(?:^|\s)(?P<head>{alternation(UNIT_HEADS)})$")
_PLURAL_HEADS = {
    "Armies": "Army", "Fronts": "Front", "Divisions": "Division", "Brigades": "Brigade", "Regiments": "Regiment",
    "Battalions": "Battalion", "Squadrons": "Squadron", "Detachments": "Detachment",
    "detachments": "detachment", "border detachments": "border detachment",
}
_COORD = re.compile(rf"^(?P<nums>{ORDINAL}(?:(?:,\s*|,?\s+and\s+){ORDINAL})+)\s+(?P<rest>.+)$")
_FOLLOWING_HEAD = re.compile(rf"^\s+and\s+{ORDINAL}\s+(?:[A-Z][\w-]*\s+){{0,3}}?(?P<head>{alternation(UNIT_HEADS)})\b")


def singular_head(name: str) -> str:
    """A unit name with its plural head word made singular ("5th and 6th Armies" -> "... Army")."""
    m = _UNIT_HEAD_END.search(name)
    if not m:
        return name
    head = m.group("head")
    return name[: m.start("head")] + _PLURAL_HEADS.get(head, head)


def unit_names(surface: str, following: str = "") -> list[str]:
    """The units a phrase names, each in the singular: ``1st and 5th Cavalry Divisions`` ->
    ``1st Cavalry Division``, ``5th Cavalry Division``; ``5th Cavalry`` followed by ``and 3rd
    Rifle Divisions`` -> ``5th Cavalry Division`` (the shared head)."""
    s = " ".join(surface.split())
    if not _UNIT_HEAD_END.search(s) and following:
        h = _FOLLOWING_HEAD.match(following)
        if h:
            s = f"{s} {h.group('head')}"
    m = _COORD.match(s)
    if m:
        rest = singular_head(m.group("rest"))
        return [f"{n} {rest}" for n in re.findall(ORDINAL, m.group("nums"))]
    return [singular_head(s)]


# Peoples, and the adjectives of peoples, that are not tied to one state (so not in the authority's
# demonyms): as a mention alone they name a people, never a person, place or organisation
# ("the migration of Kazakhs", "the Kazakh population", "Kirgiz"). Plurals are derived.
ETHNONYMS = {
    "Kazakh", "Kazak", "Kirgiz", "Kyrgyz", "Kirghiz", "Uyghur", "Uighur", "Uigur", "Dungan", "Hui", "Han",
    "Tatar", "Uzbek", "Tajik", "Tadjik", "Turkmen", "Kalmyk", "Kalmuck", "Oirat", "Torgut", "Sart", "Taranchi",
    "Cossack", "Buryat", "Bashkir", "Chechen", "Ingush", "Mongol", "Manchu", "Tibetan", "Kurd", "Pashtun",
    "Baluch", "Arab", "Slav", "Jew", "Gypsy", "Roma", "Yakut", "Evenk", "Korean", "Turk", "Turkic",
    "Solon", "Sibe", "Xibe", "Uriankhai", "Tuvan", "Altaian", "Khakas", "Karakalpak", "Naiman", "Kerei",
    "Pole", "Magyar", "Serb", "Croat", "Czech", "Slovak", "Ukrainian", "Belarusian", "Armenian", "Georgian",
    "Azeri", "Azerbaijani", "Lithuanian", "Latvian", "Estonian", "Finn", "German", "Russian", "Chinese",
}
# Political and religious movements and their members: the name of a current, not of a person,
# place or body ("Basmachi", "the Bolsheviks").
MOVEMENTS = {
    "Bolshevik", "Menshevik", "Basmachi", "Basmach", "Communist", "Nationalist", "Socialist", "Trotskyist",
    "Trotskyite", "Kulak", "Jadid", "Pan-Turkist", "Pan-Islamist", "Muslim", "Moslem", "Christian",
    "Buddhist", "Lamaist", "Anarchist", "Fascist", "Nazi", "Zionist", "Imperialist", "Revisionist",
    "Maoist", "Titoist", "Social Democrat", "Social-Democrat", "Democrat", "Republican", "Liberal",
    "Conservative", "White", "Whites", "Red", "Reds", "White Guard", "White Guards", "Red Army men", "Partisans",
    "Separatist", "Counter-revolutionary", "Counterrevolutionary", "Rightist", "Leftist",
}
# Single words that are a direction, a bloc or a part of a name, never a name alone.
NOT_NAME_WORDS = {
    "East", "West", "North", "South", "Central", "Western", "Eastern", "Northern", "Southern", "Upper",
    "Lower", "Greater", "Little", "Great", "New", "Old", "Nizhny", "Nizhniy", "Nizhne", "Verkhny",
    "Verkhniy", "Verkhne", "Bolshoy", "Bolshoi", "Maly", "Malyi", "Novo", "Staro", "States", "State",
    "Nations", "Powers", "Allies", "Axis", "Left", "Right", "Centre", "Center", "Orient", "Occident",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "June", "July", "August", "September", "October", "November", "December",
}
# Assemblies and institutions a model may take for a person or a place: a single such word names
# a body ("the Duma", "the Sejm").
INSTITUTIONS = {
    "Duma", "Sejm", "Diet", "Knesset", "Bundestag", "Volkskammer", "Congress", "Parliament", "Senate",
    "Politburo", "Presidium", "Secretariat", "Cominform", "Comintern", "Kremlin", "Pentagon", "Majlis",
    "Mejlis", "Khural", "Kurultai", "Storting", "Riksdag", "Rada", "Verkhovna Rada",
    "Sovnarkom", "Narkomindel", "Stavka", "Vatican", "Cortes", "Reichstag",
}
# Words that open a model's span but belong to the sentence ("Without Nagy", "Via Shtykov").
LEADING_WORDS = {
    "Without", "Via", "With", "From", "To", "For", "By", "According", "After", "Before", "Since", "Under",
    "Between", "Dear", "If", "When", "While", "As", "At", "On", "In", "Of", "And", "But", "Or", "Per", "Re",
    "Also", "Only", "Even", "Both", "Neither", "Then", "Thus", "Yes", "No", "Not", "Although", "Though",
    "Because", "During", "Against", "Through", "Including", "Unlike", "Like", "Upon", "Once", "Let",
}
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Jan.", "Feb.", "Mar.", "Apr.", "Aug.", "Sept.", "Sep.", "Oct.", "Nov.", "Dec.",
]
# Plural offices: "Provincial Premiers", "Foreign Ministers" are people in general, not a name.
PLURAL_TITLES = {
    "Premiers", "Ministers", "Secretaries", "Chairmen", "Generals", "Ambassadors", "Presidents", "Comrades",
    "Leaders", "Governors", "Commanders", "Officers", "Deputies", "Members", "Delegates", "Consuls",
    "Colonels", "Marshals", "Heads", "Chiefs", "Representatives", "Envoys", "Advisers", "Advisors",
    "Experts", "Specialists", "Workers", "Peasants", "Citizens", "Authorities", "Guards", "Troops",
    "Powers", "Countries", "States", "Nations", "Parties", "Governments", "Forces",
}


def _plain_forms(word: str) -> set[str]:
    w = word.strip()
    out = {w}
    for suffix in ("es", "s"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            out.add(w[: -len(suffix)])
    return out


def is_group_word(word: str) -> bool:
    """``word`` (one word, any case, singular or plural) names a people or a movement
    (``Kazakhs``, ``Basmachi``, ``Bolsheviks``), or is a direction or name part (``West``,
    ``Nizhny``): not a name alone."""
    forms = {title_case(f) if f.isupper() else f for f in _plain_forms(word)}
    return bool(forms & (ETHNONYMS | MOVEMENTS | NOT_NAME_WORDS)) or word in NOT_NAME_WORDS
# Words of website and viewer chrome ("CITATION SHARE DOWNLOAD", "Size", "File"): no name has them.
CHROME_WORDS = {
    "citation", "share", "download", "size", "attachment", "print", "email", "e-mail", "login", "menu",
    "pdf", "html", "kb", "mb", "url", "http", "https", "www", "bookmark", "permalink", "memo",
}
# Last words of the names of documents, series and publications (not organisations or people):
# "CWIHP Working Paper", "National Security Files", "Working Notes".
DOCUMENT_HEADS = {
    "Paper", "Papers", "Bulletin", "Files", "File", "Series", "Collection", "Journal", "Review", "Notes",
    "Minutes", "Memorandum", "Memo", "Record", "Records", "Report", "Telegram", "Cable", "Letter", "Diary",
    "Transcript", "Talk", "Talks", "Conversation", "Cooperation", "Relations", "Declassified",
}

# Words of a body's name that say what kind of body it is, not whose: "Central Committee",
# "Politburo", "the Presidium" name the body of whichever party or state the document is about.
GENERIC_BODY_WORDS = {w for h in ORG_HEADS for w in h.split()} | {
    "Central", "Political", "Standing", "Executive", "Permanent", "Supreme", "CC", "Politburo", "Presidium",
    "Plenum", "Government", "Cabinet", "Foreign", "Affairs", "Ministry", "Defence", "Defense", "State",
    "Security", "Council", "People's", "Peoples", "Military", "Commission", "General",
}


def is_generic_body(name: str) -> bool:
    """``Central Committee``, ``Politburo``, ``the Presidium``: a kind of body, not whose."""
    words = [w for w in re.split(r"[\s-]+", name.strip()) if w and w.lower() not in ("the", "of", "and", "for")]
    return bool(words) and all(w in GENERIC_BODY_WORDS for w in words)
