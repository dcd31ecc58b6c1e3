//! PII redaction before a call to a provider that is not local: table-driven cases in French
//! and English, each checking what is replaced, that the value no longer appears, and that
//! restoring gives the text back; and texts that must pass untouched (dates, order numbers,
//! prices, quantities), since over-redaction would blind the model to the facts it needs.

use PiiKind::*;
use levier_assist::llm::redact::{PiiKind, Redactor, Vault};

/// (text, the value that must disappear, its kind).
const FOUND: &[(&str, &str, PiiKind)] = &[
    (
        "Écrivez-moi à jean.dupont@exemple.fr demain.",
        "jean.dupont@exemple.fr",
        Email,
    ),
    (
        "Contact: J.Martin+factures@sous.domaine.co.uk",
        "J.Martin+factures@sous.domaine.co.uk",
        Email,
    ),
    (
        "Appelez le 06 12 34 56 78 après 18 h.",
        "06 12 34 56 78",
        Phone,
    ),
    ("tél. : 01.23.45.67.89", "01.23.45.67.89", Phone),
    ("Mon portable : 0612345678", "0612345678", Phone),
    (
        "Joignable au +33 6 12 34 56 78.",
        "+33 6 12 34 56 78",
        Phone,
    ),
    (
        "Standard : +33 (0)1 23 45 67 89",
        "+33 (0)1 23 45 67 89",
        Phone,
    ),
    (
        "depuis l'étranger : 0033 1 23 45 67 89",
        "0033 1 23 45 67 89",
        Phone,
    ),
    (
        "Bureau de Bruxelles : +32 2 123 45 67",
        "+32 2 123 45 67",
        Phone,
    ),
    ("GSM : 0470 12 34 56", "0470 12 34 56", Phone),
    (
        "Call me on +1 (555) 123-4567 tomorrow.",
        "+1 (555) 123-4567",
        Phone,
    ),
    (
        "London office: +44 20 7946 0958.",
        "+44 20 7946 0958",
        Phone,
    ),
    (
        "IBAN : FR76 3000 6000 0112 3456 7890 189 merci",
        "FR76 3000 6000 0112 3456 7890 189",
        Iban,
    ),
    (
        "Remboursez sur BE68 5390 0754 7034 svp",
        "BE68 5390 0754 7034",
        Iban,
    ),
    (
        "Account GB82 WEST 1234 5698 7654 32.",
        "GB82 WEST 1234 5698 7654 32",
        Iban,
    ),
    (
        "IBAN DE89370400440532013000 BIC COBADEFFXXX",
        "DE89370400440532013000",
        Iban,
    ),
    (
        "Ma carte 4111 1111 1111 1111 a été débitée deux fois.",
        "4111 1111 1111 1111",
        Card,
    ),
    (
        "Card number 5555-5555-5555-4444, expiry 12/27",
        "5555-5555-5555-4444",
        Card,
    ),
    ("Amex 378282246310005", "378282246310005", Card),
    ("SIRET : 732 829 320 00074", "732 829 320 00074", Siret),
    (
        "notre siret 73282932000074 figure sur la facture",
        "73282932000074",
        Siret,
    ),
    ("SIREN 732 829 320", "732 829 320", Siren),
    ("RCS Lyon 552100554", "552100554", Siren),
    (
        "société immatriculée sous le numéro 443061841",
        "443061841",
        Siren,
    ),
    (
        "n° de sécurité sociale : 2 55 08 14 168 025 38",
        "2 55 08 14 168 025 38",
        Nir,
    ),
    ("NIR 255081416802538", "255081416802538", Nir),
    (
        "né en Corse, NIR 1 85 02 2A 012 345 58",
        "1 85 02 2A 012 345 58",
        Nir,
    ),
    (
        "Livrez au 12 rue de la République, 69002 Lyon s'il vous plaît.",
        "12 rue de la République, 69002 Lyon",
        Address,
    ),
    (
        "J'habite 3 bis avenue Jean Jaurès depuis mars.",
        "3 bis avenue Jean Jaurès",
        Address,
    ),
    (
        "Siège : 45 bd Haussmann 75009 Paris",
        "45 bd Haussmann 75009 Paris",
        Address,
    ),
    ("Adresse : 7, place d'Armes", "7, place d'Armes", Address),
    (
        "Rue de la Loi 16, 1000 Bruxelles",
        "Rue de la Loi 16, 1000 Bruxelles",
        Address,
    ),
    (
        "ZI des Bruyères, 69800 Saint-Priest",
        "69800 Saint-Priest",
        Address,
    ),
    (
        "Send it to 221B Baker Street please.",
        "221B Baker Street",
        Address,
    ),
    (
        "Ship to 1600 Pennsylvania Avenue, thanks",
        "1600 Pennsylvania Avenue",
        Address,
    ),
];

/// Texts with no personal data in them, which must come out as they went in.
const UNTOUCHED: &[&str] = &[
    "Commande CMD-2024-00123 du 12/03/2024 pour 1 249,90 € TTC.",
    "Livraison le 12.03.2024, retour avant le 2024-04-11.",
    "Votre commande ERG-482913 part sous 2 à 3 jours ouvrés.",
    "commande n° 552100555 (numéro invalide comme SIREN)",
    "référence article 732829320 en stock",
    "Le bureau Alto 160 x 80 cm coûte 649 € ; livraison 5,90 € ou offerte dès 150 €.",
    "Ouvert du lundi au vendredi de 9 h à 18 h, 30 jours pour retourner un produit.",
    "Garantie 5 ans, 3 ans sur les moteurs, 2 ans sur les plateaux.",
    "Order #A-1029 shipped on 2024-03-12 for $1,249.90.",
    "Ticket 20240312 opened, 14 days to reply, 100 000 units sold in 2023.",
    "La carte 4111 1111 1111 1112 ne passe pas le contrôle de Luhn.",
    "Clé fausse : 2 55 08 14 168 025 39.",
    "Code erreur E01 ou H01 : attendez 18 minutes.",
    "Le vérin supporte 120 kg, la hauteur va de 62,0 cm à 127,5 cm.",
];

#[test]
fn each_kind_is_replaced_by_its_placeholder_and_restored() {
    let redactor = Redactor::new(&[]);
    for (text, value, kind) in FOUND {
        let mut vault = Vault::default();
        let redacted = redactor.redact(text, &mut vault);
        assert!(!redacted.contains(value), "{kind:?} left in {redacted:?}");
        let placeholder = format!("[{}_1]", kind.label());
        assert!(
            redacted.contains(&placeholder),
            "{text:?} → {redacted:?}, expected {placeholder}"
        );
        assert_eq!(
            vault.counts().get(kind),
            Some(&1),
            "{text:?} → {redacted:?}"
        );
        assert_eq!(
            vault.counts().values().sum::<usize>(),
            1,
            "{text:?} → {redacted:?}"
        );
        assert_eq!(vault.restore(&redacted), *text);
    }
}

#[test]
fn dates_order_numbers_prices_and_quantities_stay() {
    let redactor = Redactor::new(&[]);
    for text in UNTOUCHED {
        let mut vault = Vault::default();
        assert_eq!(redactor.redact(text, &mut vault), *text);
        assert!(vault.counts().is_empty(), "{text:?}: {:?}", vault.counts());
    }
}

#[test]
fn contact_names_go_in_full_or_by_capitalised_part_only() {
    let redactor = Redactor::new(&["Jean Dupont", "Rose Martin"]);
    let cases: &[(&str, usize)] = &[
        ("Bonjour, je suis Jean Dupont.", 1),
        ("jean dupont, client depuis 2019", 1),
        ("M. Dupont a rappelé, puis Rose aussi.", 2),
        (
            "Un fauteuil rose pour Martin ? Non : martin est un verbe ici.",
            1,
        ),
        ("Jeanne Durand et M. Dupontel", 0),
    ];
    for (text, expected) in cases {
        let mut vault = Vault::default();
        let redacted = redactor.redact(text, &mut vault);
        let names = vault.counts().get(&Name).copied().unwrap_or(0);
        assert_eq!(names, *expected, "{text:?} → {redacted:?}");
        assert_eq!(vault.restore(&redacted), *text);
    }
}

#[test]
fn one_value_keeps_one_placeholder_across_texts_and_restores_without_brackets() {
    let redactor = Redactor::new(&[]);
    let mut vault = Vault::default();
    let question = redactor.redact("Mon mail : a.b@exemple.fr, tel 06 12 34 56 78", &mut vault);
    let passage = redactor.redact("Nous écrivons à a.b@exemple.fr", &mut vault);
    assert_eq!(question, "Mon mail : [EMAIL_1], tel [PHONE_1]");
    assert_eq!(passage, "Nous écrivons à [EMAIL_1]");
    assert_eq!(vault.counts().get(&Email), Some(&2));
    assert_eq!(
        vault.restore("Nous vous répondrons à EMAIL_1 ou au [PHONE_1]. [EMAIL_7] inconnu."),
        "Nous vous répondrons à a.b@exemple.fr ou au 06 12 34 56 78. [EMAIL_7] inconnu."
    );
}

#[test]
fn a_message_mixing_kinds_loses_all_of_them() {
    let redactor = Redactor::new(&["Claire Fontaine"]);
    let text = "Bonjour, Claire Fontaine (claire.f@orange.fr, 07 81 22 33 44), 8 rue des Lilas \
                33000 Bordeaux. IBAN FR14 2004 1010 0505 0001 3M02 606. Commande ERG-104233 du \
                03/11/2026, 389,00 €.";
    let mut vault = Vault::default();
    let redacted = redactor.redact(text, &mut vault);
    for kind in [Name, Email, Phone, Address, Iban] {
        assert_eq!(
            vault.counts().get(&kind),
            Some(&1),
            "{kind:?} in {redacted:?}"
        );
    }
    for kept in ["ERG-104233", "03/11/2026", "389,00 €"] {
        assert!(redacted.contains(kept), "{kept} lost: {redacted:?}");
    }
    assert_eq!(vault.restore(&redacted), text);
}
