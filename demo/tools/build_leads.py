#!/usr/bin/env python3
"""Generate the CRM export of the fictional company Ergolis.

Writes demo/leads.csv and demo/lead_interactions.csv (UTF-8, ';' delimiter),
deterministically (fixed seed). The export looks like a real CRM dump: phone
numbers in varied formats, inconsistent casing, legal forms spelt differently,
duplicates, invalid SIRETs and missing fields.

Outcomes carry a realistic, noisy signal: recommendations and inbound calls
convert more, larger companies and leads with more interactions convert more,
free-mail addresses convert less. Nothing is deterministic.

Phone numbers use the ranges that ARCEP reserves for fiction (09 75 10, 04 65 71,
01 99 00, 03 53 18, 05 36 49), so no real subscriber is listed. The fiction mobile
range (06 39 98) is not used: libphonenumber's metadata, which levier's phone
normaliser follows, knows no 06 39 numbers and rejects it, so private customers
get a number of the non-geographic fiction range (09 75 10, an internet box line)
and the import reports no rejected phone.

Usage: python3 demo/tools/build_leads.py
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import random
import unicodedata
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent
SEED = 20261120
EXPORT_DATE = dt.date(2026, 11, 20)
START_DATE = dt.date(2025, 1, 6)
N_LEADS = 312
N_DUP_SAME_PERSON = 16
N_DUP_SAME_COMPANY = 10
N_INVALID_SIRET = 15

HEADER = ["id", "date_creation", "prenom", "nom", "email", "telephone", "entreprise", "siret",
          "code_postal", "ville", "secteur", "effectif", "source", "nb_interactions",
          "derniere_interaction", "statut", "montant_estime", "date_cloture"]

PRENOMS_F = ["Sophie", "Nathalie", "Isabelle", "Céline", "Aurélie", "Émilie", "Julie", "Camille", "Laura",
             "Sarah", "Claire", "Anne", "Marion", "Audrey", "Élodie", "Caroline", "Virginie", "Sandrine",
             "Stéphanie", "Mélanie", "Pauline", "Léa", "Manon", "Chloé", "Inès", "Yasmine", "Nadia", "Fatima",
             "Amandine", "Agnès", "Christine", "Valérie", "Hélène", "Florence", "Mathilde", "Lucie", "Margaux",
             "Anaïs", "Clémence", "Océane", "Sonia", "Karima", "Leïla", "Ana", "Mariana", "Johanna", "Delphine"]
PRENOMS_H = ["Nicolas", "Julien", "Thomas", "Sébastien", "Guillaume", "Maxime", "Alexandre", "Romain",
             "Jérôme", "Christophe", "Stéphane", "Olivier", "Frédéric", "Laurent", "David", "Pierre", "Antoine",
             "Mathieu", "Vincent", "François", "Benoît", "Cédric", "Fabien", "Arnaud", "Damien", "Hugo",
             "Lucas", "Théo", "Karim", "Mehdi", "Yassine", "Rachid", "Samir", "Kevin", "Jordan", "Loïc",
             "Yannick", "Éric", "Gilles", "Philippe", "Marc", "Bruno", "Hervé", "Tiago", "João", "Quentin"]
NOMS = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
        "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
        "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
        "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier",
        "Robin", "Masson", "Sanchez", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gaillard", "Brun",
        "Benali", "Haddad", "Bouzid", "Mansouri", "Cherif", "Nguyen", "Tran", "Pereira", "Ferreira", "Da Silva",
        "Rodrigues", "Bourgeois", "Charpentier", "Perret", "Gros", "Rey", "Chauvin", "Collet", "Vial",
        "Berthet", "Jacquet", "Bouvier", "Tissot", "Chapuis", "Perrier", "Grange", "Rochette", "Besson",
        "Ducret", "Favre", "Buisson", "Carron", "Jourdan", "Marchand", "Picard", "Rivière", "Barbier"]

# (code postal, ville, phone prefix, weight)
CITIES = [
    ("69001", "Lyon", "AURA", 3), ("69002", "Lyon", "AURA", 5), ("69003", "Lyon", "AURA", 7),
    ("69006", "Lyon", "AURA", 5), ("69007", "Lyon", "AURA", 5), ("69009", "Lyon", "AURA", 3),
    ("69100", "Villeurbanne", "AURA", 6), ("69200", "Vénissieux", "AURA", 2), ("69500", "Bron", "AURA", 2),
    ("69300", "Caluire-et-Cuire", "AURA", 2), ("69130", "Écully", "AURA", 2), ("69800", "Saint-Priest", "AURA", 2),
    ("69120", "Vaulx-en-Velin", "AURA", 1), ("69400", "Villefranche-sur-Saône", "AURA", 2),
    ("38000", "Grenoble", "AURA", 6), ("38240", "Meylan", "AURA", 2), ("38130", "Échirolles", "AURA", 1),
    ("38200", "Vienne", "AURA", 1), ("42000", "Saint-Étienne", "AURA", 4), ("42300", "Roanne", "AURA", 1),
    ("74000", "Annecy", "AURA", 4), ("74100", "Annemasse", "AURA", 1), ("73000", "Chambéry", "AURA", 3),
    ("73100", "Aix-les-Bains", "AURA", 1), ("63000", "Clermont-Ferrand", "AURA", 3), ("26000", "Valence", "AURA", 2),
    ("01000", "Bourg-en-Bresse", "AURA", 2), ("01100", "Oyonnax", "AURA", 1), ("01210", "Ferney-Voltaire", "AURA", 1),
    ("71000", "Mâcon", "BFC", 1), ("21000", "Dijon", "BFC", 2), ("75008", "Paris", "IDF", 2),
    ("75011", "Paris", "IDF", 2), ("75002", "Paris", "IDF", 1), ("92100", "Boulogne-Billancourt", "IDF", 1),
    ("13002", "Marseille", "SUD", 1), ("34000", "Montpellier", "SUD", 1), ("31000", "Toulouse", "SUD", 1),
]
COMMUNES = [("69650", "Belleroche-sur-Saône"), ("38460", "Saint-Alban-les-Vignes"), ("01390", "Chanteloup-en-Dombes"),
            ("42140", "Villars-le-Haut"), ("69590", "Saint-Cyr-des-Monts"), ("38590", "Montaigu-la-Rivière"),
            ("73230", "Les Essarts-du-Lac"), ("74350", "Saint-Julien-des-Combes"), ("69360", "Champfleury-sur-Rhône"),
            ("26300", "La Tour-de-Garon"), ("63450", "Saint-Amand-la-Roche"), ("01500", "Val-de-Bresse")]

SECTORS = {
    # name: (weight, effectif range, base log-odds, public?)
    "cabinet comptable": (30, (4, 60), 0.45, False),
    "cabinet d'avocats": (18, (3, 45), 0.35, False),
    "office notarial": (8, (5, 30), 0.30, False),
    "agence web": (26, (3, 70), 0.05, False),
    "ESN": (14, (15, 250), -0.05, False),
    "start-up": (22, (4, 90), 0.0, False),
    "clinique": (12, (40, 450), 0.35, False),
    "laboratoire": (8, (12, 200), 0.25, False),
    "centre médical": (9, (6, 40), 0.20, False),
    "mairie": (16, (15, 320), -1.0, True),
    "industrie": (18, (25, 600), -0.15, False),
    "enseignement": (8, (20, 800), -0.9, True),
    "association": (10, (3, 40), -0.45, False),
    "agence immobilière": (10, (3, 25), 0.05, False),
    "cabinet d'architectes": (8, (2, 20), 0.15, False),
    "assurance": (8, (8, 120), 0.05, False),
    "particulier": (48, (1, 1), -0.20, False),
}

SOURCES = ["salon", "site web", "LinkedIn", "recommandation", "appel entrant", "campagne email", "partenaire"]
SOURCE_EFFECT = {"recommandation": 1.25, "appel entrant": 1.05, "partenaire": 0.35, "site web": 0.0,
                 "salon": -0.25, "LinkedIn": -0.55, "campagne email": -0.8}
SOURCE_WEIGHTS_B2B = {"salon": 15, "site web": 26, "LinkedIn": 14, "recommandation": 13, "appel entrant": 12,
                      "campagne email": 12, "partenaire": 8}
SOURCE_WEIGHTS_B2C = {"salon": 5, "site web": 52, "LinkedIn": 2, "recommandation": 14, "appel entrant": 14,
                      "campagne email": 13, "partenaire": 0}

FREEMAIL = ["gmail.com", "gmail.com", "gmail.com", "orange.fr", "hotmail.fr", "free.fr", "wanadoo.fr",
            "laposte.net", "yahoo.fr", "outlook.fr", "sfr.fr", "icloud.com"]

WORDS = ["Pixel", "Onde", "Kréa", "Néo", "Bleu", "Kiwi", "Alto", "Nova", "Cime", "Prisme", "Lueur", "Azur", "Brume",
         "Sillon", "Galet", "Ardoise", "Colibri", "Ocre", "Tilleul", "Zénith", "Boréal", "Quartz", "Mistral",
         "Lynx", "Orage", "Écume", "Cobalt", "Rubis", "Velours", "Oxalis"]
TECH_SUFFIX = ["ly", "io", "lab", "flow", "data", "hub", "tech", "wise", "box", "mind"]
SAINTS = ["Saint-Joseph", "Saint-Vincent", "Sainte-Anne", "du Parc", "des Alpes", "du Val de Saône",
          "Jean-Mermoz", "des Cèdres", "Pasteur", "du Lac", "Belledonne", "de la Croix-Rousse"]

COMMERCIAUX = ["Élodie Garnier", "Antoine Mercier", "Pauline Chevalier", "Nicolas Faure", "Karim Benali"]


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siret_valid(value: str) -> bool:
    """True if value is a well-formed SIRET (14 digits once spaces removed, Luhn)."""
    s = value.replace(" ", "").replace(".", "")
    return len(s) == 14 and s.isdigit() and luhn_ok(s) and luhn_ok(s[:9])


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def slug(s: str) -> str:
    s = strip_accents(s).lower()
    out = []
    for ch in s:
        out.append(ch if ch.isalnum() else "-")
    return "-".join(p for p in "".join(out).split("-") if p)


class Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.used_sirens: set[str] = set()
        self.used_phones: set[str] = set()

    # ------------------------------------------------------------ identifiers
    def siren(self, public: bool) -> str:
        while True:
            if public:
                base = "2" + self.r.choice("01") + "".join(self.r.choice("0123456789") for _ in range(6))
            else:
                base = self.r.choice("345789") + "".join(self.r.choice("0123456789") for _ in range(7))
            for c in "0123456789":
                if luhn_ok(base + c) and base + c not in self.used_sirens:
                    self.used_sirens.add(base + c)
                    return base + c

    def siret(self, siren: str) -> str:
        while True:
            nic4 = f"{self.r.choice([1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 21, 27, 33]):04d}"
            for c in "0123456789":
                if luhn_ok(siren + nic4 + c):
                    return siren + nic4 + c

    def phone_number(self, region: str, mobile: bool) -> str:
        prefix = "0975 10" if mobile else {"AURA": "0465 71", "IDF": "0199 00", "BFC": "0353 18",
                                            "SUD": "0536 49"}[region]
        p = prefix.replace(" ", "")
        while True:
            tail = f"{self.r.randint(0, 9999):04d}"
            if not mobile and region == "AURA" and tail.startswith("20"):
                continue  # 04 65 71 20 xx belongs to Ergolis
            num = p + tail
            if num not in self.used_phones:
                self.used_phones.add(num)
                return num

    def fmt_phone(self, num: str) -> str:
        d = num  # 10 digits, starting with 0
        pairs = [d[i:i + 2] for i in range(0, 10, 2)]
        style = self.r.choices(["spaces", "compact", "dots", "intl", "intl_compact", "0033", "dash", "paren"],
                               [38, 16, 12, 12, 6, 6, 5, 5])[0]
        if style == "spaces":
            return " ".join(pairs)
        if style == "compact":
            return d
        if style == "dots":
            return ".".join(pairs)
        if style == "dash":
            return "-".join(pairs)
        if style == "intl":
            return "+33 " + d[1] + " " + " ".join(pairs[1:])
        if style == "intl_compact":
            return "+33" + d[1:]
        if style == "0033":
            return "0033 " + d[1] + " " + " ".join(pairs[1:])
        return "+33 (0)" + d[1] + " " + " ".join(pairs[1:])

    # ------------------------------------------------------------ companies
    def company(self, sector: str, nom: str, city: str) -> tuple[str, str]:
        """Returns (display name without legal form, legal form)."""
        r = self.r
        n2 = r.choice(NOMS)
        w = r.choice(WORDS)
        if sector == "cabinet comptable":
            name = r.choice([f"Cabinet {nom} Expertise", f"{nom} & Associés", f"{nom} Audit Conseil",
                             f"Expertise {w}", f"{nom} {n2} Expertise Comptable", f"Compta {w}"])
            form = r.choice(["SAS", "SARL", "SELARL", "SA", "SELAS"])
        elif sector == "cabinet d'avocats":
            name = r.choice([f"{nom} {n2} Avocats", f"Cabinet {nom}", f"{nom} & {n2}", f"{w} Avocats"])
            form = r.choice(["SELARL", "SCP", "AARPI", "SELAS"])
        elif sector == "office notarial":
            name = r.choice([f"Office notarial {nom} & {n2}", f"{nom}-{n2} Notaires", f"Étude {nom}"])
            form = r.choice(["SCP", "SELARL", "SAS"])
        elif sector == "agence web":
            name = r.choice([f"{w} Studio", f"Agence {w}", f"{w}{r.choice(WORDS).lower()}", f"Studio {w}",
                             f"{w} Digital", f"Les {w}s"])
            form = r.choice(["SAS", "SARL", "SASU", "EURL"])
        elif sector == "ESN":
            name = r.choice([f"{w} Consulting", f"{w} IT Services", f"{w} Informatique", f"{nom} Systèmes"])
            form = r.choice(["SAS", "SA", "SAS"])
        elif sector == "start-up":
            name = r.choice([f"{w}{r.choice(TECH_SUFFIX)}", f"{w} {r.choice(['Labs', 'Tech', 'Energy', 'Health'])}",
                             f"{strip_accents(w)}{r.choice(TECH_SUFFIX)}"])
            form = r.choice(["SAS", "SAS", "SASU"])
        elif sector == "clinique":
            name = r.choice([f"Clinique {r.choice(SAINTS)}", f"Polyclinique {r.choice(SAINTS)}",
                             f"Hôpital privé {r.choice(SAINTS)}"])
            form = r.choice(["SAS", "SA", "SAS"])
        elif sector == "laboratoire":
            name = r.choice([f"Laboratoire {nom}", f"Bio{w.lower()} Analyses", f"Labo {w} Biologie",
                             f"Laboratoire d'analyses {city}"])
            form = r.choice(["SELAS", "SELARL", "SAS"])
        elif sector == "centre médical":
            name = r.choice([f"Centre médical {w}", f"Cabinet de radiologie {city}", f"Maison de santé {w}",
                             f"Cabinet dentaire {nom}"])
            form = r.choice(["SCM", "SELARL", "SCP", "SAS"])
        elif sector == "industrie":
            name = r.choice([f"{nom} Industrie", f"{w} Mécanique", f"Plasturgie {city}", f"{nom} Frères",
                             f"Ateliers {nom}", f"{w} Process"])
            form = r.choice(["SAS", "SA", "SARL"])
        elif sector == "association":
            name = r.choice([f"Association {w}", f"{w} Insertion", f"Relais emploi {city}", f"Les Amis du {w}"])
            form = ""
        elif sector == "agence immobilière":
            name = r.choice([f"{nom} Immobilier", f"Agence {w} Immo", f"{city} Immobilier"])
            form = r.choice(["SARL", "SAS", "EURL"])
        elif sector == "cabinet d'architectes":
            name = r.choice([f"Atelier {nom} Architectes", f"{w} Architecture", f"Studio {nom} Archi"])
            form = r.choice(["SARL", "EURL", "SAS"])
        elif sector == "assurance":
            name = r.choice([f"Cabinet {nom} Assurances", f"{nom} Courtage", f"{w} Assurances"])
            form = r.choice(["SARL", "SAS"])
        elif sector == "enseignement":
            name = r.choice([f"Lycée {r.choice(['Ampère', 'Condorcet', 'Jean-Moulin', 'Lumière', 'Vaucanson'])}",
                             f"École {w}", f"Institut {w} de formation", f"Campus {w}"])
            form = ""
        else:
            name, form = "", ""
        return name, form

    def with_legal_form(self, name: str, form: str, messy: bool = True) -> str:
        if not form:
            return name
        r = self.r
        variants = {"SAS": ["SAS", "S.A.S.", "sas", "S.A.S"], "SARL": ["SARL", "S.A.R.L.", "sarl", "Sarl"],
                    "SASU": ["SASU", "sasu", "S.A.S.U."], "EURL": ["EURL", "eurl", "E.U.R.L."],
                    "SA": ["SA", "S.A."], "SELARL": ["SELARL", "Selarl"], "SELAS": ["SELAS"], "SCP": ["SCP"],
                    "AARPI": ["AARPI"], "SCM": ["SCM"]}[form]
        f = r.choice(variants) if messy else form
        style = r.choices(["suffix", "prefix", "paren", "upper", "none"], [50, 14, 8, 8, 20])[0]
        if style == "suffix":
            return f"{name} {f}"
        if style == "prefix":
            return f"{f} {name}"
        if style == "paren":
            return f"{name} ({f})"
        if style == "upper":
            return f"{strip_accents(name).upper()} {f.upper()}"
        return name


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def daterange(r: random.Random, a: dt.date, b: dt.date) -> dt.date:
    if b <= a:
        return a
    return a + dt.timedelta(days=r.randint(0, (b - a).days))


def business_day(d: dt.date) -> dt.date:
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d


# ---------------------------------------------------------------------------
# Notes of interactions
# ---------------------------------------------------------------------------

PRODUITS = ["Alto 160", "Alto 140", "Alto 180", "Solo 120", "Orbe", "Orbe Pro", "Flex 2", "Silva", "Écho 140",
            "Cocon", "Lumen"]

FIRST_NOTES = {
    "salon": ["Rencontré sur le stand, intéressé par les {p1} pour {postes} postes.",
              "Contact salon : a testé le {p1} sur le stand, demande une documentation.",
              "Carte de visite récupérée au salon. Projet de réaménagement, {postes} postes environ.",
              "Passage sur le stand avec un collègue. Se plaint du bruit en open space, intéressé par Silva et Écho."],
    "site web": ["Formulaire de contact pro : demande d'informations sur {p1} et tarifs volume.",
                 "Demande de devis en ligne pour {postes} postes.",
                 "Formulaire site : question sur la remise entreprise et l'installation.",
                 "Chat du site transféré au commercial : projet de {postes} postes."],
    "LinkedIn": ["Réponse à un message LinkedIn. Curieux mais pas de projet daté.",
                 "A commenté un post sur les TMS, prise de contact par message privé.",
                 "Échange LinkedIn, accepte un appel découverte la semaine prochaine."],
    "recommandation": ["Recommandé par un client existant ({ref}). Projet de {postes} postes.",
                       "Appel suite à la recommandation de {ref}, très satisfaits de leur installation.",
                       "Contact transmis par {ref} : veut le même équipement."],
    "appel entrant": ["Appel entrant : projet de déménagement, {postes} postes, souhaite un devis rapide.",
                      "Appel au 04 65 71 20 30, cherche des bureaux assis-debout pour {postes} personnes.",
                      "Appel entrant après visite du showroom. Budget validé."],
    "campagne email": ["A cliqué sur la campagne « rentrée ergonomique », rappel pour qualifier.",
                       "Réponse à la newsletter pro : demande la grille tarifaire.",
                       "Clic campagne e-mail, téléchargement du guide ergonomie."],
    "partenaire": ["Lead transmis par l'architecte d'intérieur partenaire. Plans reçus.",
                   "Apporté par notre installateur partenaire, projet de {postes} postes.",
                   "Lead partenaire (cabinet d'ergonomie) : étude de postes réalisée."],
}
B2C_FIRST = ["Demande de conseil sur le choix entre Alto et Solo.", "Appel : mal de dos, cherche un fauteuil adapté.",
             "Question sur la livraison avec montage au 3e étage.", "Demande de rendez-vous visio conseil.",
             "Visite du showroom, a essayé {p1}.", "Demande d'infos sur le paiement en 3 fois."]
MID_NOTES = {
    "appel": ["Appel découverte : {postes} postes, décision prévue {mois}.", "Point téléphonique, attend l'avis de la direction.",
              "Appel : questions sur la garantie moteurs et les délais.", "Échange avec la DAF sur les conditions de paiement à 30 jours.",
              "Appel de qualification, interlocuteur = office manager, décideur = DG.",
              "Pas joignable, message laissé.", "Appel : compare avec un concurrent en ligne moins cher.",
              "Appel : souhaite un prêt d'essai pour deux collaborateurs."],
    "email": ["Envoi de la documentation et des fiches produits.", "Envoi de références clients du même secteur.",
              "E-mail : questions techniques sur la charge maximale et les bras d'écran.",
              "Envoi du plan d'implantation proposé.", "Réponse aux questions sur la livraison à l'étage.",
              "E-mail récapitulatif suite au rendez-vous.", "Demande de précisions sur le nombre de postes."],
    "rdv": ["Visite du showroom avec {nb} personnes, essai de l'{p1} et de l'Orbe.",
            "Rendez-vous sur site : relevé des mesures, {postes} postes confirmés.",
            "Visio de présentation (30 min) avec la direction.", "Rendez-vous sur site avec le médecin du travail.",
            "Prêt d'essai installé : Alto + Orbe pour 2 semaines."],
    "devis": ["Devis envoyé : {postes} postes, {montant} € HT, remise {remise} %.",
              "Devis révisé : remise portée à {remise} %, installation incluse.",
              "Devis DV-{annee}-{num} envoyé, validité 30 jours.", "Devis variante avec Solo pour réduire le budget."],
    "relance": ["Relance par e-mail, pas de réponse.", "Relance téléphonique, « on revient vers vous ».",
                "Relance devis, décision repoussée au prochain budget.", "Relance, messagerie.",
                "Relance : en attente de la validation du comité d'achat."],
}
WIN_NOTES = ["Bon de commande reçu, livraison planifiée.", "Devis signé, acompte de 30 % reçu.",
             "Commande confirmée par e-mail, installation prévue le {date}.", "Accord oral puis commande passée sur le compte Pro.",
             "Bon de commande signé. Demande l'atelier réglage de poste."]
WIN_NOTES_B2C = ["Commande passée sur le site.", "A commandé au showroom.", "Commande passée par téléphone."]
LOSS_NOTES = ["Perdu : prix, a choisi un concurrent moins cher.", "Perdu : projet abandonné (budget gelé).",
              "Perdu : pas de réponse après 3 relances, clôturé.", "Perdu : délai de livraison incompatible.",
              "Perdu : marché attribué à un autre candidat.", "Perdu : a acheté du mobilier d'occasion.",
              "Perdu : décision reportée sine die.", "Perdu : trop cher pour une association, orienté vers Seconde Vie."]
LOSS_NOTES_B2C = ["Perdu : a acheté un bureau moins cher en grande surface.", "Perdu : budget trop élevé pour le moment.",
                  "Perdu : pas de réponse après relance.", "Perdu : a choisi un fauteuil d'une autre marque essayé en magasin.",
                  "Perdu : projet de télétravail abandonné."]
MID_NOTES_B2C = {
    "appel": ["Rappel : hésite entre Alto 140 et Alto 160.", "Appel : questions sur la livraison et le montage.",
              "Appel : veut venir essayer l'Orbe au showroom.", "Pas joignable, message laissé."],
    "email": ["Envoi du guide « bien régler son poste ».", "E-mail : comparatif Solo / Alto envoyé.",
              "Réponse sur le paiement en 3 fois sans frais.", "Envoi du lien vers la gamme Seconde Vie."],
    "rdv": ["Visite du showroom, essai de l'{p1} et de l'Orbe.", "Rendez-vous visio conseil de 20 minutes."],
    "devis": ["Panier préparé par le conseiller et envoyé par e-mail.", "Proposition Seconde Vie envoyée."],
    "relance": ["Relance e-mail (panier abandonné).", "Relance téléphonique, réfléchit encore."],
}
GENERIC = {"cabinet", "agence", "studio", "les", "du", "de", "la", "le", "et", "des", "d", "l", "office", "notarial",
           "centre", "maison", "sante", "laboratoire", "clinique", "polyclinique", "hopital", "prive", "ecole",
           "institut", "lycee", "association", "atelier", "campus", "etude", "formation"}
REFS = ["Morel Bertrand & Associés", "Pixelmotion", "Clinique du Parc Saint-Exupéry", "BioRhône", "Mécafluid",
        "un client du même immeuble", "un confrère", "notre installateur"]
MOIS = ["en janvier", "avant la fin de l'année", "au prochain CODIR", "au printemps", "en mars", "fin du trimestre"]


def generate():
    """Build the leads in memory. Returns (generator, lead dicts, interaction rows)."""
    g = Gen(SEED)
    r = g.r
    leads = []

    sector_names = list(SECTORS)
    sector_weights = [SECTORS[s][0] for s in sector_names]
    city_weights = [c[3] for c in CITIES]

    for i in range(N_LEADS):
        # creation dates grow over time (more leads in 2026)
        u = r.random() ** 0.8
        created = business_day(START_DATE + dt.timedelta(days=int(u * (EXPORT_DATE - START_DATE).days - 2)))
        sector = r.choices(sector_names, sector_weights)[0]
        _, (lo, hi), sector_effect, public = SECTORS[sector]
        b2c = sector == "particulier"
        female = r.random() < 0.5
        prenom = r.choice(PRENOMS_F if female else PRENOMS_H)
        nom = r.choice(NOMS)
        if sector == "mairie":
            cp, ville = r.choice(COMMUNES)
            region = "AURA"
        else:
            cp, ville, region, _ = r.choices(CITIES, city_weights)[0]
        effectif = 1 if b2c else int(round(math.exp(r.uniform(math.log(lo), math.log(hi)))))
        src_w = SOURCE_WEIGHTS_B2C if b2c else SOURCE_WEIGHTS_B2B
        source = r.choices(list(src_w), list(src_w.values()))[0]
        if sector == "mairie":
            name, form = r.choice([f"Mairie de {ville}", f"Commune de {ville}"]), ""
        elif sector == "enseignement" or not b2c:
            name, form = g.company(sector, nom, ville)
        else:
            name, form = "", ""

        # e-mail
        if b2c:
            freemail = True
        else:
            p_free = 0.45 if effectif < 10 else 0.22 if effectif < 50 else 0.06
            if sector in ("mairie", "clinique", "enseignement"):
                p_free = 0.03
            freemail = r.random() < p_free
        if freemail:
            domain = r.choice(FREEMAIL)
        elif sector == "mairie":
            domain = "mairie-" + slug(ville) + ".fr"
        else:
            tokens = [t for t in slug(name.replace("&", " ").replace("'", " ")).split("-")
                      if t not in GENERIC and len(t) > 1] or slug(name).split("-")
            domain = "-".join(tokens[:2]) + r.choice([".fr", ".fr", ".fr", ".com", ".io" if sector == "start-up" else ".fr"])
        local = r.choices([f"{slug(prenom)}.{slug(nom)}", f"{slug(prenom)[0]}.{slug(nom)}", f"{slug(prenom)}",
                           f"{slug(nom)}.{slug(prenom)}", f"{slug(prenom)}{slug(nom)}{r.randint(1, 99)}",
                           "contact", "accueil"],
                          [45, 18, 8, 6, 10 if freemail else 0, 0 if freemail else 8, 0 if freemail else 5])[0]
        email = f"{local}@{domain}"

        # latent engagement and interactions
        z = r.gauss(0, 1)
        size_term = 0.0 if b2c else math.log(effectif + 1) - math.log(20)
        n_inter = max(1, min(14, int(round(2.6 + 1.25 * z + 0.45 * size_term + r.gauss(0, 0.8)
                                           + (0.8 if source in ("recommandation", "appel entrant") else 0)))))
        # amount
        if b2c:
            montant = r.choice([399, 459, 559, 619, 669, 729, 799, 890, 1050, 1190, 1290, 1450])
            postes = 1
        else:
            share = r.uniform(0.25, 0.9) if effectif < 60 else r.uniform(0.08, 0.45)
            postes = max(1, int(round(effectif * share)))
            per = r.choice([650, 780, 900, 1050, 1180, 1320])
            montant = int(round(postes * per * r.uniform(0.9, 1.1), -2))
            if r.random() < 0.05:
                montant += 7490 * r.randint(1, 3)  # cabines Cocon

        leads.append(dict(created=created, prenom=prenom, nom=nom, email=email, freemail=freemail, region=region,
                          sector=sector, public=public, b2c=b2c, effectif=effectif, source=source, name=name,
                          form=form, cp=cp, ville=ville, z=z, n_inter=n_inter, montant=montant, postes=postes,
                          sector_effect=sector_effect, size_term=size_term, dup_of=None, siren=None))

    # -------------------------------------------------------------- status
    def logit(L, b0):
        return (b0 + SOURCE_EFFECT[L["source"]] + L["sector_effect"] + 0.32 * L["size_term"]
                + 0.30 * (L["n_inter"] - 4) - (0.85 if L["freemail"] else 0.0) + L["noise"])

    for L in leads:
        L["noise"] = r.gauss(0, 0.7)
        age = (EXPORT_DATE - L["created"]).days
        cycle = 120 if L["public"] else 45 if not L["b2c"] else 14
        p_open = (0.95 if age < cycle * 0.9 else 0.7 if age < cycle * 2 else 0.3 if age < cycle * 4
                  else 0.1 if age < 420 else 0.02)
        L["open"] = r.random() < p_open

    # calibrate b0 so that about 35 % of all leads are won (43.75 % of closed ones)
    closed = [L for L in leads if not L["open"]]
    target = 0.35 * len(leads) / max(1, len(closed))
    lo_b, hi_b = -6.0, 6.0
    for _ in range(60):
        mid = (lo_b + hi_b) / 2
        mean = sum(sigmoid(logit(L, mid)) for L in closed) / len(closed)
        lo_b, hi_b = (mid, hi_b) if mean < target else (lo_b, mid)
    b0 = (lo_b + hi_b) / 2
    for L in leads:
        if L["open"]:
            L["statut"] = "en cours"
        else:
            L["statut"] = "gagné" if r.random() < sigmoid(logit(L, b0)) else "perdu"

    # -------------------------------------------------------------- SIRET
    for L in leads:
        if L["b2c"]:
            L["siret"] = ""
            continue
        L["siren"] = g.siren(L["public"] or L["sector"] == "enseignement" and r.random() < 0.7)
        L["siret_clean"] = g.siret(L["siren"])
        L["siret"] = L["siret_clean"] if r.random() > 0.18 else ""  # missing in the CRM
        if L["siret"] and r.random() < 0.15:
            s = L["siret"]
            L["siret"] = f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}"  # valid, written with spaces

    # -------------------------------------------------------------- duplicates
    rows = list(leads)
    b2b = [L for L in leads if not L["b2c"]]
    candidates = r.sample(leads, N_DUP_SAME_PERSON)
    for base in candidates:
        d = dict(base)
        d["dup_of"] = base
        d["dup_kind"] = "same_person"
        d["created"] = business_day(min(EXPORT_DATE - dt.timedelta(days=3),
                                        base["created"] + dt.timedelta(days=r.randint(12, 240))))
        d["source"] = r.choice([s for s in SOURCES if s != base["source"]] if not base["b2c"]
                               else ["site web", "appel entrant", "campagne email"])
        tweak = r.choice(["upper_name", "no_accent", "email_caps", "email_space", "swap"])
        if tweak == "upper_name":
            d["nom"] = base["nom"].upper()
        elif tweak == "no_accent":
            d["prenom"] = strip_accents(base["prenom"])
            d["nom"] = strip_accents(base["nom"])
        elif tweak == "swap":
            d["prenom"], d["nom"] = base["nom"].upper(), base["prenom"]
        if tweak in ("email_caps", "upper_name") or r.random() < 0.3:
            loc, dom = base["email"].split("@")
            d["email"] = loc.capitalize() + "@" + dom.upper() if r.random() < 0.5 else base["email"].upper()
        if tweak == "email_space":
            d["email"] = " " + base["email"] + " "
        d["siret"] = base.get("siret_clean", "") if r.random() < 0.5 else ""
        d["z"] = r.gauss(-0.3, 1)
        d["n_inter"] = max(1, min(8, int(round(2 + 1.1 * d["z"]))))
        d["noise"] = r.gauss(0, 0.7)
        age = (EXPORT_DATE - d["created"]).days
        d["open"] = age < 50 and r.random() < 0.7
        d["statut"] = "en cours" if d["open"] else ("gagné" if r.random() < sigmoid(logit(d, b0) - 0.4) else "perdu")
        rows.append(d)

    for base in r.sample(b2b, N_DUP_SAME_COMPANY):
        d = dict(base)
        d["dup_of"] = base
        d["dup_kind"] = "same_company"
        female = r.random() < 0.5
        d["prenom"] = r.choice(PRENOMS_F if female else PRENOMS_H)
        d["nom"] = r.choice(NOMS)
        dom = base["email"].split("@")[1]
        if base["freemail"]:
            dom = r.choice(FREEMAIL)
        d["email"] = f"{slug(d['prenom'])}.{slug(d['nom'])}@{dom}"
        d["created"] = business_day(min(EXPORT_DATE - dt.timedelta(days=2),
                                        base["created"] + dt.timedelta(days=r.randint(5, 300))))
        d["source"] = r.choice(SOURCES)
        d["siret"] = base.get("siret_clean", "") if r.random() < 0.6 else ""
        d["z"] = r.gauss(0, 1)
        d["n_inter"] = max(1, min(10, int(round(2.4 + 1.2 * d["z"]))))
        d["noise"] = r.gauss(0, 0.7)
        age = (EXPORT_DATE - d["created"]).days
        d["open"] = age < 60 and r.random() < 0.75
        d["statut"] = "en cours" if d["open"] else ("gagné" if r.random() < sigmoid(logit(d, b0)) else "perdu")
        rows.append(d)

    # -------------------------------------------------------------- invalid SIRETs (intentional)
    with_siret = [L for L in rows if L["siret"]]
    for k, L in enumerate(r.sample(with_siret, N_INVALID_SIRET)):
        s = L["siret"].replace(" ", "")
        kind = ["checksum"] * 8 + ["short"] * 3 + ["long"] * 2 + ["letter"] * 2
        kind = kind[k % len(kind)]
        if kind == "checksum":
            while True:
                pos = r.randint(9, 13)
                bad = s[:pos] + str((int(s[pos]) + r.randint(1, 9)) % 10) + s[pos + 1:]
                if not luhn_ok(bad):
                    break
        elif kind == "short":
            pos = r.randint(0, 13)
            bad = s[:pos] + s[pos + 1:]
        elif kind == "long":
            bad = s + str(r.randint(0, 9))
        else:
            bad = s[:10] + "O" + s[11:]
        L["siret"] = bad
        L["siret_invalid_intent"] = True

    # -------------------------------------------------------------- interactions and dates
    rows.sort(key=lambda L: (L["created"], L["nom"]))
    inter_rows = []
    for idx, L in enumerate(rows):
        L["id"] = 1001 + idx
    for L in rows:
        n = L["n_inter"]
        created = L["created"]
        if L["statut"] == "en cours":
            end = EXPORT_DATE - dt.timedelta(days=r.randint(0, 25))
            end = max(end, created)
        else:
            span = r.randint(7, 40) if L["b2c"] else r.randint(15, 150 if L["public"] else 90)
            end = min(EXPORT_DATE - dt.timedelta(days=1), created + dt.timedelta(days=span))
        dates = sorted([created] + [daterange(r, created, end) for _ in range(n - 1)])
        dates = [business_day(d) if d <= EXPORT_DATE - dt.timedelta(days=3) else d for d in dates]
        dates = sorted(min(d, EXPORT_DATE) for d in dates)
        types = first_types(L, r, n)
        ref = r.choice(REFS)
        p1 = r.choice(PRODUITS)
        for k, (d, t) in enumerate(zip(dates, types)):
            note = interaction_note(L, r, k, n, t, p1, ref, d)
            inter_rows.append((L["id"], d, t, note))
        L["last"] = dates[-1]
        if L["statut"] == "gagné":
            L["cloture"] = dates[-1] + dt.timedelta(days=r.randint(0, 3))
        elif L["statut"] == "perdu":
            L["cloture"] = min(EXPORT_DATE, dates[-1] + dt.timedelta(days=r.choice([0, 0, 1, 5, 14, 30, 60])))
        else:
            L["cloture"] = None

    return g, rows, inter_rows


def main() -> None:
    g, rows, inter_rows = generate()
    write_outputs(g, rows, inter_rows)


def first_types(L: dict, r: random.Random, n: int) -> list[str]:
    first = {"appel entrant": "appel", "recommandation": "appel", "salon": "rdv", "site web": "email",
             "LinkedIn": "email", "campagne email": "email", "partenaire": "email"}[L["source"]]
    if L["b2c"] and first == "rdv":
        first = "appel"
    types = [first]
    for k in range(1, n):
        last = k == n - 1
        if L["statut"] == "gagné" and last:
            types.append(r.choice(["email", "appel"]) if not L["b2c"] else r.choice(["email", "appel", "rdv"]))
        elif L["statut"] == "perdu" and last:
            types.append(r.choice(["relance", "relance", "appel", "email"]))
        else:
            w = {"appel": 26, "email": 30, "rdv": 12 if not L["b2c"] else 5, "devis": 16 if not L["b2c"] else 4,
                 "relance": 16}
            types.append(r.choices(list(w), list(w.values()))[0])
    if not L["b2c"] and L["statut"] == "gagné" and "devis" not in types and n >= 2:
        types[-2 if n >= 3 else -1] = "devis"
    return types


def interaction_note(L, r, k, n, t, p1, ref, d) -> str:
    postes = L["postes"]
    fmt = dict(p1=p1, postes=postes, ref=ref, mois=r.choice(MOIS), nb=r.randint(2, 4),
               montant=f"{L['montant']:,}".replace(",", " "), remise=r.choice([5, 8, 8, 12, 12, 14, 15]),
               annee=d.year, num=f"{r.randint(100, 499):04d}",
               date=(d + dt.timedelta(days=r.randint(7, 25))).strftime("%d/%m"))
    if k == 0:
        pool = B2C_FIRST if L["b2c"] else FIRST_NOTES[L["source"]]
        return r.choice(pool).format(**fmt)
    if k == n - 1 and L["statut"] == "gagné":
        return r.choice(WIN_NOTES_B2C if L["b2c"] else WIN_NOTES).format(**fmt)
    if k == n - 1 and L["statut"] == "perdu":
        if L["b2c"]:
            return r.choice(LOSS_NOTES_B2C)
        pool = [x for x in LOSS_NOTES if ("marché" not in x or L["public"])
                and ("association" not in x or L["sector"] == "association")]
        return r.choice(pool)
    pool = MID_NOTES_B2C.get(t, MID_NOTES[t]) if L["b2c"] else MID_NOTES[t]
    note = r.choice(pool).format(**fmt)
    if not L["b2c"] and r.random() < 0.12:
        note += " (" + r.choice(COMMERCIAUX).split()[0] + ")"
    return note


def write_outputs(g: Gen, rows: list, inter_rows: list) -> None:
    r = g.r
    with (DEMO / "leads.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(HEADER)
        for L in rows:
            # company name with messy legal forms
            if L["b2c"]:
                entreprise = ""
            elif L.get("dup_of") is not None:
                entreprise = g.with_legal_form(L["name"], L["form"])
            else:
                entreprise = g.with_legal_form(L["name"], L["form"], messy=r.random() < 0.5)
            # phone
            if r.random() < 0.13:
                tel = ""
            else:
                base = L.get("dup_of") or L
                if "phone" not in base:
                    mobile = L["b2c"] or r.random() < 0.45
                    base["phone"] = g.phone_number(base["region"], mobile)
                num = base["phone"] if L.get("dup_kind") != "same_company" else g.phone_number(L["region"], True)
                tel = g.fmt_phone(num)
            # postal code / city mess
            cp, ville = L["cp"], L["ville"]
            roll = r.random()
            if roll < 0.04:
                cp = ""
            elif cp.startswith("0") and roll < 0.5:
                cp = cp[1:]  # spreadsheet ate the leading zero
            roll = r.random()
            if roll < 0.08:
                ville = ville.upper()
            elif roll < 0.12:
                ville = strip_accents(ville).replace("Saint-", "St ").replace("Sainte-", "Ste ")
            elif roll < 0.15:
                ville = ville.lower()
            elif ville == "Lyon" and roll < 0.35:
                arr = int(L['cp'][-2:])
                ville = f"Lyon {arr}{'er' if arr == 1 else 'e'}"
            email = L["email"]
            if r.random() < 0.03:
                email = ""
            effectif = "" if (r.random() < 0.07 and not L["b2c"]) else str(L["effectif"])
            if L["b2c"] and r.random() < 0.5:
                effectif = ""
            montant = "" if r.random() < 0.06 else str(L["montant"])
            n_inter = sum(1 for x in inter_rows if x[0] == L["id"])
            w.writerow([L["id"], L["created"].isoformat(), L["prenom"], L["nom"], email, tel, entreprise,
                        L["siret"], cp, ville, L["sector"], effectif, L["source"], n_inter, L["last"].isoformat(),
                        L["statut"], montant, L["cloture"].isoformat() if L["cloture"] else ""])
    with (DEMO / "lead_interactions.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(["lead_id", "date", "type", "note"])
        for lead_id, d, t, note in sorted(inter_rows, key=lambda x: (x[0], x[1])):
            w.writerow([lead_id, d.isoformat(), t, note])

    from collections import Counter
    st = Counter(L["statut"] for L in rows)
    print(f"leads.csv: {len(rows)} rows, statut {dict(st)}, "
          f"duplicates {sum(1 for L in rows if L.get('dup_of') is not None)}, "
          f"intended invalid SIRETs {sum(1 for L in rows if L.get('siret_invalid_intent'))}")
    print(f"lead_interactions.csv: {len(inter_rows)} rows")


def intended_invalid_sirets() -> set[str]:
    """Ids (as strings) of the leads whose SIRET was made invalid on purpose."""
    _, rows, _ = generate()
    return {str(L["id"]) for L in rows if L.get("siret_invalid_intent")}


if __name__ == "__main__":
    main()
