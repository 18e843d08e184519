"""Synthetic names and places for demo data. No real person's data is used."""

FIRST_NAMES = [
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg", "Hilde", "Silje", "Ida",
    "Nora", "Emma", "Sara", "Thea", "Maja", "Ingvild", "Tone", "Camilla", "Marte", "Julie", "Hanne", "Linn",
    "Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Hans", "Geir", "Tor", "Morten",
    "Jon", "Terje", "Anders", "Martin", "Jonas", "Magnus", "Sander", "Emil", "Henrik", "Even", "Sindre", "Vegard",
]
IMMIGRANT_FIRST_NAMES = [
    "Mohammed", "Ali", "Ahmed", "Abdi", "Hassan", "Omar", "Yusuf", "Mustafa", "Fatima", "Amina", "Aisha", "Hodan",
    "Sahra", "Zainab", "Maryam", "Leyla", "Tesfay", "Yonas", "Senait", "Helen", "Dawit", "Arif", "Nasrin", "Reza",
    "Farida", "Samir", "Layla", "Karim", "Hamid", "Noor", "Thi", "Minh", "Lan", "Ramin", "Shirin", "Bilal",
]
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen",
    "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl",
    "Jørgensen", "Henriksen", "Lund", "Halvorsen", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand",
    "Solberg", "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen", "Mathisen", "Lie",
    "Ødegård", "Østby", "Aasen", "Åsheim", "Ærvik",
]
IMMIGRANT_LAST_NAMES = [
    "Ahmed", "Ali", "Mohamed", "Hassan", "Hussein", "Abdi", "Omar", "Khan", "Nguyen", "Tesfamariam", "Haile",
    "Yilmaz", "Hosseini", "Rahimi", "Karimi", "Farah", "Osman", "Ibrahim", "Jama", "Warsame", "Tran", "Kebede",
]
LANGUAGES = ["ar", "so", "ti", "fa", "ur", "pl", "uk", "vi", "en", "ku", "prs"]

COUNTIES = [
    ("03", "Oslo"), ("31", "Østfold"), ("32", "Akershus"), ("33", "Buskerud"), ("34", "Innlandet"), ("39", "Vestfold"),
    ("40", "Telemark"), ("42", "Agder"), ("11", "Rogaland"), ("46", "Vestland"), ("15", "Møre og Romsdal"),
    ("50", "Trøndelag"), ("18", "Nordland"), ("55", "Troms"), ("56", "Finnmark"),
]

PLACE_PARTS_A = ["Nord", "Sør", "Øst", "Vest", "Stor", "Lille", "Ny", "Gamle", "Øvre", "Nedre", "Indre", "Ytre"]
PLACE_PARTS_B = ["dal", "fjord", "vik", "nes", "berg", "strand", "haug", "øy", "li", "sand", "heim", "by", "stad", "land"]
PLACE_STEMS = ["Aur", "Bjør", "Fjell", "Gran", "Hval", "Kvit", "Lang", "Mos", "Rød", "Sol", "Skog", "Vass", "Eid", "Fos", "Hol"]
