"""A small labelled retrieval corpus: one document per topic plus distractors, and three kinds
of query per topic: a paraphrase sharing few words with its target, an exact identifier (error
code, name, number), and a mixed one (identifier plus paraphrase)."""

from __future__ import annotations

from dataclasses import dataclass

# (path, document text, paraphrase query, identifier query, mixed query)
TOPICS: list[tuple[str, str, str, str, str]] = [
    (
        "ops/disk.md",
        "Error E-4012 means the database volume ran out of free space; delete old "
        "backups or grow the disk.",
        "storage is full what do I do",
        "E-4012",
        "E-4012 no room left",
    ),
    (
        "ops/cert.md",
        "The TLS certificate for gateway.internal expires every 90 days; renew it "
        "with certbot before it lapses.",
        "when does the https credential run out",
        "gateway.internal",
        "gateway.internal security expiry",
    ),
    (
        "people/miso.md",
        "Miso is our grey cat; she sleeps on the warm laptop every afternoon.",
        "the kitten naps on the computer",
        "Miso",
        "Miso kitten nap",
    ),
    (
        "travel/lisbon.md",
        "Flight LH452 to Lisbon departs at 07:15 from terminal 2.",
        "plane trip to Portugal morning departure",
        "LH452",
        "LH452 airport time",
    ),
    (
        "health/allergy.md",
        "Anna is allergic to penicillin; antibiotics must be checked first.",
        "which medicine reaction does she have",
        "penicillin",
        "penicillin drug sensitivity",
    ),
    (
        "finance/tax.md",
        "The quarterly VAT return for invoice series INV-2291 is due on the 10th.",
        "when do I file the sales levy paperwork",
        "INV-2291",
        "INV-2291 deadline",
    ),
    (
        "home/boiler.md",
        "The Vaillant boiler shows fault F28 when the gas supply is interrupted.",
        "heating does not ignite",
        "F28",
        "F28 heater broken",
    ),
    (
        "work/oncall.md",
        "Rotation: Priya covers pager duty in week 14, Tomás in week 15.",
        "who is on call for emergencies",
        "Priya",
        "Priya emergency shifts",
    ),
    (
        "cooking/bread.md",
        "Sourdough: 500 g flour, 350 g water, 100 g starter, bake at 250 °C.",
        "recipe for homemade loaf",
        "350 g water",
        "sourdough baking temperature",
    ),
    (
        "car/service.md",
        "The Skoda needs its 60000 km inspection; oil and brake fluid change.",
        "vehicle maintenance appointment",
        "60000 km",
        "Skoda maintenance",
    ),
    (
        "garden/tomato.md",
        "Tomatoes get blossom end rot from uneven watering and low calcium.",
        "vegetables turning black at the bottom",
        "blossom end rot",
        "tomato plants black bottom",
    ),
    (
        "dev/deploy.md",
        "Deploys run through pipeline job build-7731; rollback with make revert.",
        "how to undo a release",
        "build-7731",
        "build-7731 undo release",
    ),
    (
        "dev/python.md",
        "Pin numpy below 2 for the legacy scipy 1.9 wheel or imports crash.",
        "library version conflict breaks the program",
        "scipy 1.9",
        "numpy version crash",
    ),
    (
        "family/birthday.md",
        "Grandma Ilse turns 85 on 12 May; she wants a garden bench.",
        "present for an elderly relative",
        "Ilse",
        "Ilse gift",
    ),
    (
        "network/vpn.md",
        "WireGuard peer 10.8.0.7 is the office NAS; key rotated in March.",
        "remote access tunnel to the file server",
        "10.8.0.7",
        "10.8.0.7 tunnel",
    ),
    (
        "pets/vet.md",
        "Rex the dog has his rabies booster at the Lindenhof clinic on Tuesday.",
        "animal doctor vaccination",
        "Lindenhof",
        "Lindenhof injection puppy",
    ),
    (
        "music/guitar.md",
        "Practise the F barre chord slowly; press with the side of the index.",
        "learning a difficult hand position on strings",
        "barre chord",
        "barre finger technique",
    ),
    (
        "books/reading.md",
        "Currently reading Middlemarch by George Eliot, chapter 31.",
        "novel I am in the middle of",
        "Middlemarch",
        "Middlemarch novel progress",
    ),
    (
        "fitness/run.md",
        "Half marathon goal: sub 1:45, long run of 18 km every Sunday.",
        "endurance jogging training plan",
        "1:45",
        "1:45 jogging weekend",
    ),
    (
        "house/lease.md",
        "The apartment lease with Hausverwaltung Kranz ends on 31 August 2027.",
        "when does the rental contract finish",
        "Kranz",
        "Kranz rental end",
    ),
]

DISTRACTORS: list[str] = [
    "Meeting notes: discussed the roadmap, hiring and the budget for next year.",
    "A list of films to watch: Alien, Heat, Amélie, Spirited Away.",
    "The weather this week was rainy with occasional sunshine on Thursday.",
    "Shopping: eggs, milk, coffee beans, dish soap and batteries.",
    "Ideas for the blog: writing about compilers, gardening and slow travel.",
    "Notes from the conference talk on distributed consensus and Raft.",
    "Phone numbers of the neighbours are in the paper address book.",
    "The printer on the second floor jams when the tray is overfilled.",
]


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    kind: str  # paraphrase | identifier | mixed
    target: str


def documents() -> list[tuple[str, str]]:
    docs = [(path, text) for path, text, *_ in TOPICS]
    docs += [(f"misc/distractor-{i}.md", text) for i, text in enumerate(DISTRACTORS)]
    return docs


def queries() -> list[Query]:
    found: list[Query] = []
    for path, _, paraphrase, identifier, mixed in TOPICS:
        found += [
            Query(paraphrase, "paraphrase", path),
            Query(identifier, "identifier", path),
            Query(mixed, "mixed", path),
        ]
    return found
