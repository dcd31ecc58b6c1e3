#!/usr/bin/env python3
"""Build the demo mailbox of the fictional company Ergolis.

Writes demo/emails/msg-NNN.eml (one RFC 5322 message per file, CRLF line
endings), demo/emails/archive.mbox (older mails, mbox format) and
demo/emails/labels.csv (ground truth for triage: category, urgency, spam,
sentiment, language).

Only the Python standard library is used (email, mailbox). Output is
deterministic: Message-IDs and MIME boundaries are derived from each mail's key.

Usage: python3 demo/tools/build_emails.py
"""
from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import html
import mailbox
import struct
import zlib
from email import policy
from email.charset import BASE64, QP, Charset
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from zoneinfo import ZoneInfo

OUT = Path(__file__).resolve().parent.parent / "emails"
PARIS = ZoneInfo("Europe/Paris")

SUPPORT = "Service client Ergolis <support@ergolis.fr>"
CONTACT = "Ergolis <contact@ergolis.fr>"
FACTURES = "Comptabilité Ergolis <factures@ergolis.fr>"
RECRUTEMENT = "Recrutement Ergolis <recrutement@ergolis.fr>"

CATEGORIES = {"commande", "livraison", "retour/remboursement", "facturation", "technique",
              "devis/commercial", "candidature", "autre"}

MAILS: list[dict] = []


def mail(key, date, frm, to, subject, body, cat, urg, spam, sent, lang="fr", **kw):
    """Register one mail. date: 'YYYY-MM-DD HH:MM' local time (Paris unless tz=)."""
    assert cat in CATEGORIES, cat
    assert urg in {"basse", "normale", "haute"}, urg
    assert sent in {"negatif", "neutre", "positif"}, sent
    assert lang in {"fr", "en"}
    assert key not in {m["key"] for m in MAILS}, key
    MAILS.append(dict(key=key, date=date, frm=frm, to=to, subject=subject, body=body,
                      cat=cat, urg=urg, spam=spam, sent=sent, lang=lang, **kw))


def quote(header: str, text: str) -> str:
    """Format a quoted previous message, as mail clients do."""
    lines = text.strip("\n").splitlines()
    return "\n\n" + header + "\n" + "\n".join(("> " + l) if l else ">" for l in lines) + "\n"


# ---------------------------------------------------------------------------
# MIME helpers
# ---------------------------------------------------------------------------

def _digest(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


def _when(date: str, tz: str | None) -> dt.datetime:
    naive = dt.datetime.strptime(date, "%Y-%m-%d %H:%M")
    zone = ZoneInfo(tz) if tz else PARIS
    return naive.replace(tzinfo=zone, second=int(_digest(date)[:2], 16) % 60)


def message_id(key: str, addr: str, when: dt.datetime) -> str:
    domain = addr.split("@")[-1].lower()
    h = _digest(key)
    if domain in ("gmail.com", "googlemail.com"):
        return f"<CA{h[:10].upper()}+{h[10:22]}@mail.gmail.com>"
    if domain in ("hotmail.fr", "hotmail.com", "outlook.fr", "outlook.com", "live.fr"):
        return f"<PR{h[:4].upper()}MB{h[4:8].upper()}{h[8:20].upper()}@PR3P193MB0891.EURP193.PROD.OUTLOOK.COM>"
    if domain in ("icloud.com", "me.com"):
        return f"<{h[:8].upper()}-{h[8:12].upper()}-{h[12:16].upper()}-{h[16:20].upper()}-{h[20:32].upper()}@icloud.com>"
    return f"<{when.strftime('%Y%m%d%H%M%S')}.{h[:12]}@{domain}>"


def text_part(body: str, subtype: str = "plain", charset: str = "utf-8", cte: str = "8bit") -> MIMEText:
    cs = Charset(charset)
    cs.body_encoding = {"8bit": None, "qp": QP, "b64": BASE64}[cte]
    if cte == "8bit" and charset == "utf-8":
        part = MIMEText(body, subtype, cs)
        del part["Content-Transfer-Encoding"]
        part["Content-Transfer-Encoding"] = "8bit"
        return part
    return MIMEText(body, subtype, cs)


def to_html(body: str, flavour: str) -> str:
    """Turn a plain-text body into the HTML part a mail client would send."""
    blocks, quoted, para = [], [], []

    def flush_para():
        if para:
            blocks.append("<div>" + "<br>".join(html.escape(l, quote=False) for l in para) + "</div><div><br></div>")
            para.clear()

    for line in body.splitlines():
        if line.startswith(">"):
            flush_para()
            quoted.append(line[1:].lstrip() if line.startswith("> ") or line == ">" else line[1:])
            continue
        if quoted:
            blocks.append('<blockquote style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">'
                          + "<br>".join(html.escape(q, quote=False) for q in quoted) + "</blockquote>")
            quoted = []
        if line.strip():
            para.append(line)
        else:
            flush_para()
    flush_para()
    if quoted:
        blocks.append('<blockquote style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">'
                      + "<br>".join(html.escape(q, quote=False) for q in quoted) + "</blockquote>")
    inner = "\n".join(blocks)
    if flavour == "outlook":
        return ('<html xmlns:o="urn:schemas-microsoft-com:office:office">\n<head>\n'
                '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
                '<style>p.MsoNormal, div {margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;}</style>\n'
                '</head>\n<body lang="FR">\n<div class="WordSection1">\n' + inner + "\n</div>\n</body>\n</html>\n")
    if flavour == "apple":
        return ('<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
                '<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space;">\n' + inner + "\n</body></html>\n")
    return '<div dir="ltr">\n' + inner + "\n</div>\n"


def tiny_png(rgb: tuple, size: int = 24) -> bytes:
    """A small valid PNG (solid colour), stands in for a customer photo."""
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def build(m: dict) -> Message:
    when = _when(m["date"], m.get("tz"))
    name, addr = parseaddr(m["frm"])
    style = m.get("style", "plain")
    charset = m.get("charset", "utf-8")
    cte = m.get("cte", "8bit" if charset == "utf-8" else "qp")
    body = m["body"].strip("\n") + "\n"
    if m.get("quoted"):
        body = body.rstrip("\n") + m["quoted"]

    if style == "bounce":
        msg = build_bounce(m, when)
    else:
        if style == "html":
            alt = MIMEMultipart("alternative")
            alt.attach(text_part(body, "plain", charset, cte))
            alt.attach(text_part(m.get("html") or to_html(body, m.get("flavour", "gmail")), "html", charset,
                                 "qp" if cte == "8bit" else cte))
            content = alt
        else:
            content = text_part(body, "plain", charset, cte)
        attachments = m.get("attach") or []
        if attachments:
            msg = MIMEMultipart("mixed")
            msg.attach(content)
            for fname, kind, data in attachments:
                if kind == "text/plain":
                    part = MIMEText(data, "plain", "utf-8")
                    del part["Content-Transfer-Encoding"]
                    part.set_payload(base64.encodebytes(data.encode("utf-8")).decode("ascii"))
                    part["Content-Transfer-Encoding"] = "base64"
                elif kind == "image/png":
                    part = MIMEImage(data, "png")
                else:
                    part = MIMEApplication(data, kind.split("/")[1])
                part.add_header("Content-Disposition", "attachment", filename=fname)
                msg.attach(part)
        else:
            msg = content

    # Headers, in the usual order
    headers = []
    if m.get("direction", "in") == "in" and style != "bounce":
        relay = {"gmail.com": "mail-wr1-f41.google.com", "orange.fr": "smtp-out.orange.fr",
                 "wanadoo.fr": "smtp-out.orange.fr", "free.fr": "smtp1-g21.free.fr",
                 "laposte.net": "smtp.laposte.net", "hotmail.fr": "mail-db8eur05on2041.outbound.protection.outlook.com",
                 "outlook.fr": "mail-am7eur03on2088.outbound.protection.outlook.com",
                 "icloud.com": "qs51p00im-qukt01072701.me.com"}.get(addr.split("@")[-1], "mail." + addr.split("@")[-1])
        headers.append(("Received", f"from {relay} by mx1.ergolis.fr with ESMTPS id {_digest(m['key'])[:10].upper()}; "
                        + format_datetime(when + dt.timedelta(seconds=7))))
    for k, v in (m.get("headers") or {}).items():
        headers.append((k, v))
    headers.append(("Message-ID", m.get("message_id") or message_id(m["key"], addr, when)))
    headers.append(("Date", format_datetime(when)))
    headers.append(("From", _addr_header(m["frm"], charset)))
    if m.get("reply_to"):
        headers.append(("Reply-To", m["reply_to"]))
    headers.append(("To", _addr_header(m["to"], "utf-8")))
    if m.get("cc"):
        headers.append(("Cc", m["cc"]))
    headers.append(("Subject", _subject(m["subject"], charset, m.get("subject_enc"))))
    if m.get("in_reply_to"):
        headers.append(("In-Reply-To", m["in_reply_to"]))
        headers.append(("References", m.get("references") or m["in_reply_to"]))
    if m.get("mailer"):
        headers.append(("X-Mailer" if not m["mailer"].startswith("Mozilla") else "User-Agent", m["mailer"]))
    if m.get("auto"):
        headers.append(("Auto-Submitted", "auto-replied"))
        headers.append(("X-Auto-Response-Suppress", "All"))
        headers.append(("Precedence", "auto_reply"))
    headers.append(("Content-Language", "en-GB" if m["lang"] == "en" else "fr-FR"))

    # Put our headers before the MIME ones generated by the email package
    mime_headers = [(k, v) for k, v in msg.items()]
    for k in list(msg.keys()):
        del msg[k]
    for k, v in headers + mime_headers:
        msg[k] = v
    if "MIME-Version" not in msg:
        msg["MIME-Version"] = "1.0"

    # sub-parts do not carry MIME-Version (embedded messages keep theirs)
    for part in msg.walk():
        if part is not msg and "Message-ID" not in part:
            del part["MIME-Version"]

    # deterministic boundaries
    for i, part in enumerate(msg.walk()):
        if part.get_content_maintype() == "multipart":
            part.set_boundary(f"----=_Part_{_digest(m['key'], str(i))[:24]}")
    return msg


def _addr_header(value: str, charset: str) -> str:
    out = []
    for chunk in value.split(","):
        name, addr = parseaddr(chunk.strip())
        if name and any(ord(c) > 127 for c in name):
            out.append(formataddr((name, addr), charset="iso-8859-1" if charset == "iso-8859-1" else "utf-8"))
        else:
            out.append(formataddr((name, addr)))
    return ", ".join(out)


def _subject(subject: str, charset: str, enc: str | None) -> str:
    if all(ord(c) < 128 for c in subject):
        return subject
    cs = Charset("iso-8859-1" if charset == "iso-8859-1" else "utf-8")
    if enc == "q" or charset == "iso-8859-1":
        cs.header_encoding = QP
    return Header(subject, cs).encode()


def build_bounce(m: dict, when: dt.datetime) -> Message:
    rep = MIMEMultipart("report", report_type="delivery-status")
    rep.attach(text_part(m["body"].strip("\n") + "\n", "plain", "us-ascii", "8bit"))
    ds = MIMEBase("message", "delivery-status")
    per_msg = Message()
    per_msg["Reporting-MTA"] = "dns; mx1.ergolis.fr"
    per_msg["X-Postfix-Queue-ID"] = _digest(m["key"])[:11].upper()
    per_msg["Arrival-Date"] = format_datetime(when - dt.timedelta(seconds=3))
    per_rcpt = Message()
    per_rcpt["Final-Recipient"] = f"rfc822; {m['failed_rcpt']}"
    per_rcpt["Original-Recipient"] = f"rfc822;{m['failed_rcpt']}"
    per_rcpt["Action"] = "failed"
    per_rcpt["Status"] = "5.1.1"
    per_rcpt["Remote-MTA"] = f"dns; {m['remote_mta']}"
    per_rcpt["Diagnostic-Code"] = m["diagnostic"]
    ds.set_payload([per_msg, per_rcpt])
    rep.attach(ds)
    original = Message()
    original["Message-ID"] = f"<{_digest(m['key'], 'orig')[:16]}@ergolis.fr>"
    original["Date"] = format_datetime(when - dt.timedelta(seconds=5))
    original["From"] = SUPPORT
    original["To"] = m["failed_rcpt"]
    original["Subject"] = Header(m["original_subject"], "utf-8").encode()
    original["MIME-Version"] = "1.0"
    body = text_part(m["original_body"].strip("\n") + "\n", "plain", "utf-8", "qp")
    for k, v in body.items():
        if k != "MIME-Version":
            original[k] = v
    original.set_payload(body.get_payload())
    rep.attach(MIMEMessage(original))
    return rep


# ===========================================================================
# The mails
# ===========================================================================

# ---------------------------------------------------------------- commande

mail("cmd-couleur", "2026-11-03 08:47", "Aurélie Fontanel <aurelie.fontanel@gmail.com>", SUPPORT,
     "Modification commande ERG-248713 - couleur du plateau",
     """Bonjour,

J'ai passé commande hier soir d'un bureau Alto 160 (commande ERG-248713) et je me rends compte ce matin que j'ai choisi le plateau noyer au lieu du chêne clair. Mon parquet est clair et le noyer risque de jurer un peu...

Est-ce qu'il est encore possible de modifier la couleur ? Le statut indique "En préparation" sur mon compte. Le prix est le même donc normalement pas de différence à payer.

Merci d'avance pour votre aide,
Aurélie Fontanel
06 39 98 12 47""",
     "commande", "normale", 0, "neutre", style="html", flavour="gmail")

mail("cmd-confirmation", "2026-11-04 21:12", "Gérard Pelletier <gerard.pelletier@orange.fr>", SUPPORT,
     "pas reçu de confirmation",
     """Bonsoir

J'ai commandé ce midi un fauteuil Orbe gris perle et un repose pieds sur votre site. J'ai bien été débité de 528 euros sur mon compte (j'ai vérifié sur l'appli de la banque) mais je n'ai reçu aucun mail de confirmation, rien dans les spams non plus.

Est-ce que la commande est bien enregistrée ? Je ne voudrais pas avoir payé pour rien.

Mon adresse : 14 rue des Glycines 42100 Saint-Étienne

Cordialement
G. Pelletier""",
     "commande", "normale", 0, "negatif", charset="iso-8859-1", mailer="Microsoft Outlook 16.0")

mail("cmd-code-promo", "2026-11-05 13:30", "Lina Ouazzani <lina.ouazzani@hotmail.fr>", SUPPORT,
     "Code BIENVENUE10 oublié",
     """Bonjour,

Je me suis inscrite à votre newsletter la semaine dernière et j'ai reçu le code de bienvenue BIENVENUE10. Hier j'ai commandé une lampe Lumen et un bras Flex 1 (commande ERG-249120) et j'ai complètement oublié de mettre le code !

Est-ce que c'est possible de l'appliquer quand même et de me rembourser la différence ? Ça ferait environ 28 €.

Merci beaucoup
Lina""",
     "commande", "basse", 0, "neutre", style="html", flavour="outlook")

mail("cmd-annulation", "2026-11-06 07:58", "Frédéric Bastide <f.bastide@free.fr>", SUPPORT,
     "Annulation commande ERG-249388",
     """Bonjour,

Je souhaite annuler ma commande ERG-249388 passée avant-hier (bureau Solo 140 blanc). Mon employeur vient finalement de m'annoncer qu'il équipe tous les télétravailleurs, donc je n'en ai plus besoin.

Je vois sur mon espace client qu'elle est "En préparation", j'espère qu'il n'est pas trop tard. Merci de me confirmer l'annulation et le remboursement sur ma carte.

Frédéric Bastide""",
     "commande", "haute", 0, "neutre", cte="qp")

mail("cmd-rupture-alto180", "2026-11-09 18:05", "Yasmine Cherif <yasmine.cherif@gmail.com>", SUPPORT,
     "Alto 180 noyer dispo quand ?",
     """Bonjour,

Je voudrais commander un bureau Alto 180 avec plateau noyer et piètement noir mais le site indique "disponible sous 2 à 3 semaines". J'en ai besoin avant les vacances de Noël car je change de poste et je serai en télétravail à 100% à partir du 4 janvier.

Si je commande maintenant, vous pouvez me garantir une livraison avant le 23 décembre ? Sinon je pars sur le chêne clair qui a l'air en stock.

Merci !
Yasmine

Envoyé depuis mon iPhone""",
     "commande", "normale", 0, "neutre")

mail("cmd-doublon", "2026-11-10 09:41", "Jean-Pierre Mallet <jp.mallet@wanadoo.fr>", SUPPORT,
     "commande passée deux fois par erreur",
     """Bonjour,

Je crois que j'ai commandé deux fois le même fauteuil. La page de paiement a mis très longtemps à charger, j'ai recliqué et j'ai maintenant deux mails de confirmation : ERG-249702 et ERG-249703, tous les deux pour un Orbe XL noir à 649 euros.

Je n'en veux qu'un seul bien sûr. Pouvez-vous annuler le deuxième et me rembourser ?

Merci de votre compréhension.
Jean-Pierre Mallet
Tél 04 65 71 83 02""",
     "commande", "haute", 0, "neutre", charset="iso-8859-1", mailer="Mozilla Thunderbird 115.4")

mail("cmd-ajout-flex", "2026-11-12 12:20", "Sébastien Nicolas <seb.nicolas@icloud.com>", SUPPORT,
     "Ajouter un article à ma commande",
     """Hello,

J'ai une commande en cours (ERG-250011, un Alto 140 anthracite). Je me dis finalement qu'un bras double Flex 2 serait utile avec mes deux écrans. Est-ce que vous pouvez l'ajouter à la même livraison plutôt que de repasser une commande séparée ? Je paierai la différence par CB bien sûr.

Merci,
Seb

Envoyé de mon iPad""",
     "commande", "basse", 0, "neutre", style="html", flavour="apple")

mail("cmd-cheque", "2026-11-13 15:02", "Monique Favre <monique.favre@laposte.net>", SUPPORT,
     "paiement par chèque",
     """Madame, Monsieur,

Je souhaiterais acheter un siège Genova pour mon petit-fils qui a mal au dos. Je ne suis pas très à l'aise avec la carte bancaire sur internet. Est-il possible de vous envoyer un chèque par la poste ? Dans ce cas, à quelle adresse et à quel ordre ?

Je vous remercie par avance.

Veuillez agréer mes salutations distinguées.
Monique Favre
Villefranche-sur-Saône""",
     "commande", "basse", 0, "neutre", charset="iso-8859-1", mailer="Microsoft Outlook 16.0")

mail("cmd-virement-annule", "2026-11-16 10:33", "Nicolas Tessier <nicolas.tessier@gmail.com>", SUPPORT,
     "Commande annulée alors que j'ai fait le virement !",
     """Bonjour,

Je reçois ce matin un mail m'indiquant que ma commande ERG-249531 est annulée "faute de paiement". J'ai pourtant fait le virement le 9 novembre, avec la référence indiquée, je vous joins la capture de ma banque. Le virement est bien parti.

C'était un bureau Alto 160 chêne clair + un fauteuil Orbe, presque 1200 €. Je ne comprends pas, et surtout je ne veux pas perdre le prix : le bureau était à -10% pendant la semaine des ventes privées.

Merci de regarder rapidement et de réactiver ma commande au même prix.

Nicolas Tessier""",
     "commande", "haute", 0, "negatif", style="html", flavour="gmail",
     attach=[("capture_virement.png", "image/png", tiny_png((230, 236, 240)))])

mail("cmd-merci-showroom", "2026-11-17 19:48", "Hélène et Marc Duval <duval.famille@sfr.fr>", SUPPORT,
     "Merci pour l'accueil au showroom",
     """Bonjour,

Un petit mot pour remercier Manon du showroom de Villeurbanne qui nous a consacré presque une heure samedi dernier. Mon mari a des douleurs lombaires depuis des années et elle a pris le temps de lui faire essayer trois fauteuils et de tout régler. Nous avons finalement commandé un Orbe Pro et un bureau Alto 140 sur place.

C'est rare de nos jours d'être aussi bien conseillés, sans pression pour vendre. Nous recommanderons Ergolis autour de nous !

Bien cordialement,
Hélène Duval""",
     "commande", "basse", 0, "positif")

mail("cmd-alma-refus", "2026-11-20 22:15", "Kevin Lopes <kevin.lopes93@gmail.com>", SUPPORT,
     "paiement 4 fois refusé",
     """Bonsoir,

j'essaie de payer mon bureau alto 160 + fauteuil orbe en 4 fois mais ça me met "paiement refusé par notre partenaire" a chaque fois sans explication. J'ai pourtant assez sur mon compte. Ya un autre moyen de payer en plusieurs fois ?? sinon tant pis je prendrai juste le bureau

merci""",
     "commande", "normale", 0, "negatif")

mail("cmd-carte-cadeau", "2026-11-23 11:06", "Patricia Lemaire <patricia.lemaire@yahoo.fr>", SUPPORT,
     "Carte cadeau expirée ?",
     """Bonjour,

Mes collègues m'ont offert une carte cadeau Ergolis de 150 € pour mon départ à la retraite en octobre 2025. Je voulais l'utiliser pour une lampe Lumen Stand mais le site me dit que le code n'est plus valable.

Je n'avais pas fait attention à la date, je pensais que c'était valable plus longtemps. N'y a-t-il vraiment aucune possibilité ? Ce serait dommage, c'était un beau cadeau.

Merci de votre réponse,
Patricia Lemaire""",
     "commande", "basse", 0, "negatif", style="html", flavour="outlook")

mail("cmd-en-address", "2026-11-24 09:12", "Pieter Janssens <pieter.janssens@telenet.be>", SUPPORT,
     "Order ERG-251204 - change of delivery address",
     """Hello,

I placed order ERG-251204 yesterday (Alto 160, white top, black frame) to be delivered to my home in Leuven. I have just found out that I will be working from our office in Brussels for the next month, so I would like it delivered there instead:

Pieter Janssens
c/o Datalane BV
Rue de la Loi 112, 4th floor
1040 Brussels, Belgium

Is this still possible? Same country, so I hope the shipping price does not change.

Kind regards,
Pieter""",
     "commande", "normale", 0, "neutre", lang="en", tz="Europe/Brussels", style="html", flavour="outlook")

# ---------------------------------------------------------------- livraison

mail("liv-retard-hexa", "2026-11-02 14:26", "Céline Marchetti <celine.marchetti@gmail.com>", SUPPORT,
     "Toujours pas de nouvelles du transporteur",
     """Bonjour,

J'ai commandé un bureau Alto 140 le 20 octobre (commande ERG-246655). Le mail d'expédition date du 22 octobre et indiquait une livraison sur rendez-vous sous 4 à 8 jours ouvrés. Nous sommes le 2 novembre et personne ne m'a appelée pour fixer un rendez-vous. Le lien de suivi Hexa Logistique affiche "en cours d'acheminement" depuis une semaine.

Pouvez-vous vous renseigner ? Je travaille à la maison avec une planche sur deux tréteaux en attendant...

Merci,
Céline Marchetti""",
     "livraison", "normale", 0, "negatif", style="html", flavour="gmail")

mail("liv-colere-3e-relance", "2026-11-18 08:03", "Thierry Roussel <thierry.roussel@orange.fr>", SUPPORT,
     "TROISIEME RELANCE !!! colis introuvable",
     """Bonjour,

C'est la TROISIÈME fois que je vous écris et toujours AUCUNE réponse concrète. Commande ERG-247019 payée le 24 octobre, fauteuil Orbe Pro, 559 euros. Colissimo me dit que le colis a été "retourné à l'expéditeur" et vous me répondez "nous ouvrons une enquête". Ça fait trois semaines que vous enquêtez !

Je veux soit mon fauteuil livré cette semaine, soit être remboursé immédiatement. Sans réponse de votre part d'ici vendredi, je saisis la DGCCRF et je laisse un avis sur tous les sites possibles. Je connais mes droits.

T. Roussel""",
     "livraison", "haute", 0, "negatif", charset="iso-8859-1", mailer="Microsoft Outlook 16.0")

mail("liv-carton-abime", "2026-11-05 17:44", "Margaux Vidal <margaux.vidal@gmail.com>", SUPPORT,
     "Plateau rayé à la livraison - ERG-247842",
     """Bonjour,

Le bureau Alto 160 (plateau blanc) a été livré ce matin. Le carton du plateau avait un angle enfoncé, j'ai noté "carton enfoncé angle, plateau à vérifier" sur le bon du livreur. En déballant, le plateau a une rayure profonde d'environ 10 cm sur le chant et un petit éclat dans l'angle.

Je vous envoie la photo en pièce jointe. Le piètement est nickel. Est-ce que vous pouvez m'envoyer un plateau de remplacement ? Je préfère ne pas renvoyer tout le bureau, je l'ai déjà monté.

Merci,
Margaux Vidal
12 chemin des Pins, 38240 Meylan""",
     "livraison", "normale", 0, "negatif", style="html", flavour="gmail",
     attach=[("IMG_4821.png", "image/png", tiny_png((214, 208, 196)))])

mail("liv-rdv-manque", "2026-11-09 11:17", "Olivier Garnier <olivier.garnier@outlook.fr>", SUPPORT,
     "Frais de 39 € pour une nouvelle présentation : inacceptable",
     """Bonjour,

Le transporteur Hexa Logistique m'a facturé 39 € de "nouvelle présentation" car j'étais soi-disant absent le 6 novembre. Or je n'ai JAMAIS reçu de SMS ni d'appel pour fixer ce rendez-vous, je l'ai découvert par le mail de facturation. Je travaille en télétravail, j'étais chez moi toute la journée et personne n'a sonné.

Je refuse de payer ces frais. Merci de faire le nécessaire auprès de votre transporteur et de me proposer une nouvelle date rapidement. Commande ERG-247560.

Olivier Garnier""",
     "livraison", "normale", 0, "negatif", style="html", flavour="outlook")

mail("liv-etage-sans-ascenseur", "2026-11-10 20:31", "Camille Brunel <camille.brunel@free.fr>", SUPPORT,
     "Livraison au 4e sans ascenseur",
     """Bonjour,

J'hésite à commander un bureau Alto 160. J'habite au 4e étage sans ascenseur (immeuble ancien à la Croix-Rousse) et je vis seule. Si je comprends bien, la livraison standard se fait en bas de l'immeuble ?

L'option montage à 89 € comprend-elle la montée des cartons au 4e ? L'escalier est assez étroit, est-ce que les cartons passent (j'ai lu 1m68 pour le plateau) ?

Merci pour vos conseils,
Camille""",
     "livraison", "basse", 0, "neutre")

mail("liv-livre-pas-recu", "2026-11-11 13:50", "Rachid Benmoussa <rachid.benmoussa@gmail.com>", SUPPORT,
     "Colis indiqué livré mais jamais reçu",
     """Bonjour,

Le suivi Colissimo de ma commande ERG-248204 (lampe Lumen + repose-pieds Balance) indique "livré" hier à 11h52, dans la boîte aux lettres. Je n'ai rien reçu, et de toute façon le colis ne peut pas rentrer dans ma boîte aux lettres. J'ai demandé aux voisins et à la gardienne, personne n'a rien vu.

Que dois-je faire ? Je dois porter plainte ? Merci de m'aider, c'était un cadeau pour l'anniversaire de ma femme samedi.

Rachid Benmoussa
Bât. C, 8 avenue Salvador Allende, 69200 Vénissieux""",
     "livraison", "haute", 0, "negatif")

mail("liv-partielle", "2026-11-12 18:12", "Laurent Chauvet <laurent.chauvet@laposte.net>", SUPPORT,
     "Bureau livré à moitié",
     """Bonjour,

On m'a livré cet après-midi le plateau de mon bureau Alto 140 (commande ERG-248345) mais pas le piètement ! Le livreur m'a dit qu'il n'avait qu'un colis sur son bon. Je me retrouve avec un plateau de 20 kg dans mon salon et rien pour le poser.

Quand est-ce que le second colis arrivera ? J'ai posé un jour de congé pour rien.

Laurent Chauvet""",
     "livraison", "normale", 0, "negatif", charset="iso-8859-1", mailer="Mozilla Thunderbird 115.4")

mail("liv-merci-livreurs", "2026-11-13 16:40", "Sandrine Poirier <sandrine.poirier@gmail.com>", SUPPORT,
     "Bravo aux livreurs !",
     """Bonjour,

Je voulais juste vous dire que la livraison avec montage de mon bureau Alto 180 s'est super bien passée ce matin. Les deux livreurs ont été ponctuels, très sympas, ils ont tout monté en 25 minutes, vérifié que tout fonctionnait, et sont repartis avec les cartons. Ils ont même réglé les mémoires avec moi.

Franchement les 89 € valaient le coup. Merci !

Sandrine""",
     "livraison", "basse", 0, "positif", style="html", flavour="gmail")

mail("liv-changer-creneau", "2026-11-16 07:22", "Damien Aubert <damien.aubert@gmail.com>", SUPPORT,
     "Changer le créneau de livraison de demain",
     """Bonjour,

Hexa Logistique m'a fixé un rendez-vous demain mardi 17 entre 8h et 12h pour mon bureau (ERG-248990), mais je viens d'apprendre que je dois être à Paris pour le travail. Le lien du SMS ne fonctionne plus (il indique que la modification n'est plus possible).

Pouvez-vous décaler la livraison à jeudi ou vendredi ? Et j'espère ne pas payer les 39 € puisque je préviens la veille.

Merci,
Damien Aubert
06 39 98 55 21""",
     "livraison", "haute", 0, "neutre")

mail("liv-en-germany", "2026-11-19 10:05", "Katrin Vogel <k.vogel@web.de>", SUPPORT,
     "Delivery time to Germany for Alto desk",
     """Hello,

I ordered an Alto 160 desk and an Orbe chair last Thursday (order ERG-250377) for delivery to Freiburg. The chair has already arrived, but I have no information about the desk. Your website says 7-12 business days for bulky items to Germany.

Will the carrier contact me before delivering? I work at the university during the day, so I need to know the time window in advance. My phone: +49 761 555 0193.

Thank you and best regards,
Katrin Vogel""",
     "livraison", "normale", 0, "neutre", lang="en", tz="Europe/Berlin")

mail("liv-point-relais-ferme", "2026-11-20 12:48", "Manon Lefort <manon.lefort@hotmail.fr>", SUPPORT,
     "Point relais fermé, colis introuvable",
     """Bonjour,

J'ai choisi la livraison en point relais Mondial Relay pour mon fauteuil Nomade (ERG-249015). Le suivi dit que le colis est disponible au tabac-presse de ma rue depuis lundi, mais le tabac est fermé pour travaux jusqu'à fin novembre (affiche sur la porte).

Qu'est-ce qui va se passer ? Le colis va repartir chez vous ? Est-ce que je peux le récupérer ailleurs ?

Merci
Manon""",
     "livraison", "normale", 0, "negatif", style="html", flavour="outlook")

mail("liv-relance-quote", "2026-11-23 09:15", "Bernard Chevallier <bernard.chevallier@wanadoo.fr>", SUPPORT,
     "Re: Votre commande ERG-247731 - livraison",
     """Bonjour,

Vous m'aviez promis une livraison en fin de semaine dernière, nous sommes lundi et toujours rien. Personne ne m'a contacté.

J'ai 71 ans, je ne peux pas passer mes journées à attendre un livreur qui ne vient pas. Merci de me donner une date FERME.

B. Chevallier""",
     "livraison", "haute", 0, "negatif", charset="iso-8859-1", mailer="Microsoft Outlook 16.0",
     in_reply_to="<20261112101402.a41c9e@ergolis.fr>",
     quoted=quote("Le 12 nov. 2026 à 10:14, Service client Ergolis <support@ergolis.fr> a écrit :",
                  """Bonjour Monsieur Chevallier,

Merci pour votre message et toutes nos excuses pour ce délai.
Nous avons relancé notre transporteur Hexa Logistique : votre bureau Solo 120
est bien à leur agence de Lyon et vous serez contacté pour un rendez-vous
en fin de semaine.

Bien cordialement,
Thomas Girard
Service client Ergolis - 04 65 71 20 20"""))

mail("liv-corse", "2026-11-25 14:37", "Antoine Santoni <antoine.santoni@gmail.com>", CONTACT,
     "Livraison bureau en Corse",
     """Bonjour,

Je vis à Bastia et je voudrais commander un bureau Alto 140. Sur votre page livraison vous parlez d'un devis pour les meubles volumineux en Corse. Pouvez-vous me faire ce devis ? Livraison au rez-de-chaussée, maison individuelle avec accès camion facile.

Et si je prends en plus un fauteuil Orbe, il part en colis avec le supplément de 15 € ?

Merci
Antoine Santoni""",
     "livraison", "basse", 0, "neutre")

mail("liv-black-friday", "2026-12-02 19:27", "Julie Masson <julie.masson@gmail.com>", SUPPORT,
     "Commande Black Friday toujours pas expédiée",
     """Bonjour,

J'ai commandé pendant le Black Friday (vendredi 27/11, commande ERG-252418 : Alto 160 + Flex 2). Une semaine plus tard la commande est toujours "En préparation". Pourtant le site indiquait "en stock".

Je comprends que vous avez beaucoup de commandes mais j'aimerais au moins une date d'expédition. C'est pour un cadeau de Noël.

Merci
Julie Masson""",
     "livraison", "normale", 0, "negatif", style="html", flavour="gmail")

mail("liv-adresse-pro", "2026-11-26 08:55", "Stéphane Morin <s.morin@cabinet-morin-avocats.fr>", SUPPORT,
     "Instructions de livraison - cabinet",
     """Bonjour,

Nous attendons la livraison de 3 bureaux Alto 140 (commande ERG-251877). Pour information, notre cabinet se trouve au 2e étage d'un immeuble avec digicode (4827B) et l'accueil est fermé entre 12h30 et 14h. La livraison ne peut pas se faire le mercredi, jour de nos audiences.

Pouvez-vous transmettre ces informations au transporteur ? Je ne les ai pas trouvées dans le récapitulatif de commande, alors que je les avais renseignées.

Cordialement,
Stéphane Morin
Avocat associé""",
     "livraison", "normale", 0, "neutre", style="html", flavour="outlook")

# ---------------------------------------------------------------- retours / remboursements

mail("ret-orbe-confort", "2026-11-03 19:02", "Émilie Carpentier <emilie.carpentier@gmail.com>", SUPPORT,
     "Retour fauteuil Orbe",
     """Bonjour,

J'ai reçu mon fauteuil Orbe il y a 12 jours (commande ERG-246981). Il est très bien fini mais je n'arrive pas à m'y faire : la résille est trop ferme pour moi et je finis la journée avec mal aux cuisses. J'ai essayé tous les réglages.

Je voudrais le retourner. Comment faut-il procéder ? Je n'ai plus le carton d'origine, seulement un grand carton de déménagement, est-ce que ça ira ?

Merci,
Émilie Carpentier""",
     "retour/remboursement", "normale", 0, "neutre", style="html", flavour="gmail")

mail("ret-mise-en-demeure", "2026-11-19 16:21", "Me Philippe Arnaud pour M. Vincent Lacombe <philippe.arnaud.avocat@orange.fr>", SUPPORT,
     "Mise en demeure - remboursement commande ERG-244310",
     """Madame, Monsieur,

J'interviens en qualité de conseil de Monsieur Vincent Lacombe, demeurant 7 impasse des Tilleuls, 26000 Valence.

Mon client a exercé son droit de rétractation le 2 octobre 2026 pour le bureau assis-debout Alto 180 acquis sous la référence de commande ERG-244310, pour un montant de 799,00 euros. Le produit vous a été restitué et réceptionné par votre entrepôt de Saint-Priest le 12 octobre 2026, ainsi qu'en atteste le suivi du transporteur (retour RET-2026-0377).

À ce jour, et malgré trois relances écrites de mon client, aucun remboursement n'est intervenu, en méconnaissance des dispositions de l'article L221-24 du Code de la consommation qui vous imposent de rembourser dans un délai de quatorze jours.

Je vous mets en demeure de procéder au remboursement intégral de la somme de 799,00 euros, majorée des frais de livraison initiaux, dans un délai de huit jours à compter de la présente. À défaut, je saisirai la juridiction compétente sans autre avis, et solliciterai en outre l'application des majorations prévues à l'article L242-4 du même code.

Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.

Philippe Arnaud
Avocat au Barreau de la Drôme""",
     "retour/remboursement", "haute", 0, "negatif", charset="iso-8859-1", mailer="Microsoft Outlook 16.0")

mail("ret-echange-taille", "2026-11-04 10:10", "Hugo Perrier <hugo.perrier@gmail.com>", SUPPORT,
     "Échange Alto 140 contre Alto 160",
     """Bonjour,

J'ai reçu mon Alto 140 la semaine dernière et je me rends compte qu'avec mes deux écrans 27" c'est trop juste, je dois avoir les écrans trop près des yeux. Je voudrais l'échanger contre un Alto 160, même coloris (chêne clair / noir).

J'ai lu que vous pouviez envoyer le nouveau dès que l'ancien est remis au transporteur, c'est bien ça ? Je le démonte ce week-end. Pour la différence de prix (60 €) je peux payer par CB.

Merci,
Hugo""",
     "retour/remboursement", "normale", 0, "neutre", style="html", flavour="gmail")

mail("ret-hors-delai", "2026-11-06 13:14", "Isabelle Guérin <isabelle.guerin@free.fr>", SUPPORT,
     "Retour après 30 jours possible ?",
     """Bonjour,

J'ai acheté un tabouret Perch le 28 septembre, reçu le 1er octobre. J'ai été hospitalisée une bonne partie du mois d'octobre et je n'ai pas pu l'essayer vraiment avant cette semaine. Il ne me convient pas du tout (je glisse vers l'avant).

Je sais que le délai de 30 jours est dépassé de quelques jours, mais au vu des circonstances, serait-il possible de faire une exception ? Le tabouret est comme neuf, dans son carton.

Je peux fournir un bulletin d'hospitalisation si besoin.

Cordialement,
Isabelle Guérin""",
     "retour/remboursement", "normale", 0, "neutre")

mail("ret-frais-defectueux", "2026-11-09 09:58", "Alexandre Fabre <alex.fabre@gmail.com>", SUPPORT,
     "Retour bureau défectueux - je ne paierai pas 59 €",
     """Bonjour,

Mon bureau Solo 120 reçu le 30 octobre fait un bruit de craquement à chaque montée et il penche nettement à droite (au moins 1,5 cm d'écart). J'ai fait la réinitialisation comme indiqué sur votre page de dépannage, aucun changement.

Dans votre formulaire de retour, on m'indique des frais d'enlèvement de 59 €. Le produit est défectueux, il est hors de question que je paye quoi que ce soit. Merci de corriger et d'organiser l'enlèvement gratuitement, ou de m'envoyer un bureau qui fonctionne.

Commande ERG-246402.

Alexandre Fabre""",
     "retour/remboursement", "normale", 0, "negatif")

mail("ret-pro-frais-15", "2026-11-12 11:45", "Christine Aubry <c.aubry@atelier-numerique-lyon.fr>", SUPPORT,
     "Retour de 4 fauteuils - frais de remise en stock",
     """Bonjour,

Nous avons commandé 12 fauteuils Orbe pour notre agence le mois dernier (commande pro ERG-245577, facture FA-2026-07712). Finalement, 4 collaborateurs ont préféré garder leurs anciens sièges et nous souhaitons retourner 4 fauteuils, non montés, dans leurs cartons.

Votre collègue nous annonce 15 % de frais de remise en stock. Nous sommes surpris : sur le site, il est écrit "30 jours pour changer d'avis". Nous sommes clients depuis 2023 et avons déjà commandé pour plus de 20 000 € chez vous. Pouvez-vous faire un geste ?

Cordialement,
Christine Aubry
Office manager - Atelier Numérique Lyon""",
     "retour/remboursement", "normale", 0, "negatif", style="html", flavour="outlook",
     cc="Élodie Garnier <elodie.garnier@ergolis.fr>")

mail("ret-alma", "2026-11-14 17:30", "Maxence Roy <maxence.roy@gmail.com>", SUPPORT,
     "Remboursement paiement 4x",
     """Bonjour,

J'ai renvoyé mon bureau Alto 120 (retour RET-2026-0441) que j'avais payé en 4 fois avec Alma. J'ai déjà payé 2 échéances sur 4. Comment se passe le remboursement : je dois continuer à payer les échéances restantes et vous me remboursez après, ou Alma annule tout ?

Merci de m'éclairer, je ne voudrais pas me retrouver avec des prélèvements pour un bureau que je n'ai plus.

Maxence""",
     "retour/remboursement", "basse", 0, "neutre")

mail("ret-etiquette", "2026-11-17 08:36", "Véronique Lambert <vero.lambert@laposte.net>", SUPPORT,
     "Étiquette de retour non reçue",
     """Bonjour,

J'ai fait une demande de retour pour une lampe Lumen Clip (ERG-249002) vendredi dans mon espace client. J'ai bien eu le numéro RET-2026-0468 mais pas d'étiquette Colissimo à imprimer. Le mail dit "vous recevrez votre étiquette sous 24h".

Pouvez-vous me la renvoyer ?

Merci
Véronique Lambert""",
     "retour/remboursement", "normale", 0, "neutre", charset="iso-8859-1", mailer="Mozilla Thunderbird 115.4")

mail("ret-thread-1", "2026-11-20 09:03", "Sophie Renaud <sophie.renaud@gmail.com>", SUPPORT,
     "Remboursement retour RET-2026-0418",
     """Bonjour,

J'ai renvoyé un bureau Solo 140 (commande ERG-245102), retour RET-2026-0418. D'après le suivi, il a été livré à votre entrepôt le 5 novembre. Je n'ai toujours pas été remboursée (449 € + 49 € de livraison).

Pouvez-vous me dire où en est le dossier ?

Merci,
Sophie Renaud""",
     "retour/remboursement", "normale", 0, "neutre",
     message_id="<CAF7x1kP9q2+Sophie.R.2026112009@mail.gmail.com>")

mail("ret-thread-2", "2026-11-20 15:42", "Inès Haddad - Service client Ergolis <support@ergolis.fr>",
     "Sophie Renaud <sophie.renaud@gmail.com>",
     "Re: Remboursement retour RET-2026-0418",
     """Bonjour Madame Renaud,

Merci pour votre message. Votre bureau Solo 140 est bien arrivé à notre entrepôt de Saint-Priest le 5 novembre et le contrôle a été validé le 9 novembre. Le remboursement de 439,00 € (449 € pour le bureau et 49 € de livraison initiale, moins 59 € de frais d'enlèvement) a été déclenché aujourd'hui sur la carte bancaire utilisée pour la commande.

Je m'excuse pour ce délai : le virement aurait dû partir dès la fin du contrôle. Selon votre banque, le montant apparaîtra sous 3 à 5 jours ouvrés.

Bien cordialement,
Inès Haddad
Service client Ergolis - 04 65 71 20 20
Du lundi au vendredi, 9 h - 18 h""",
     "retour/remboursement", "basse", 0, "neutre", direction="out",
     message_id="<20261120154207.5e1d0c77@ergolis.fr>",
     in_reply_to="<CAF7x1kP9q2+Sophie.R.2026112009@mail.gmail.com>",
     quoted=quote("Le ven. 20 nov. 2026 à 09:03, Sophie Renaud <sophie.renaud@gmail.com> a écrit :",
                  """Bonjour,

J'ai renvoyé un bureau Solo 140 (commande ERG-245102), retour RET-2026-0418. D'après le suivi, il a été livré à votre entrepôt le 5 novembre. Je n'ai toujours pas été remboursée (449 € + 49 € de livraison).

Pouvez-vous me dire où en est le dossier ?

Merci,
Sophie Renaud"""))

mail("ret-thread-3", "2026-11-20 18:10", "Sophie Renaud <sophie.renaud@gmail.com>",
     "Inès Haddad - Service client Ergolis <support@ergolis.fr>",
     "Re: Remboursement retour RET-2026-0418",
     """Bonsoir Inès,

Merci pour la réponse rapide. Par contre je ne comprends pas la déduction de 59 € : le bureau était arrivé avec un moteur qui ne fonctionnait pas (code E02 dès la mise en service), c'est pour ça que je l'ai renvoyé. Je l'avais indiqué dans le motif de retour. Pour un produit défectueux, le retour devrait être gratuit, non ?

Merci de vérifier.
Sophie""",
     "retour/remboursement", "normale", 0, "negatif",
     message_id="<CAF7x1kP9q2+Sophie.R.2026112018@mail.gmail.com>",
     in_reply_to="<20261120154207.5e1d0c77@ergolis.fr>",
     references="<CAF7x1kP9q2+Sophie.R.2026112009@mail.gmail.com> <20261120154207.5e1d0c77@ergolis.fr>",
     quoted=quote("Le ven. 20 nov. 2026 à 15:42, Inès Haddad - Service client Ergolis <support@ergolis.fr> a écrit :",
                  """Bonjour Madame Renaud,

Merci pour votre message. Votre bureau Solo 140 est bien arrivé à notre entrepôt de Saint-Priest le 5 novembre et le contrôle a été validé le 9 novembre. Le remboursement de 439,00 € (449 € pour le bureau et 49 € de livraison initiale, moins 59 € de frais d'enlèvement) a été déclenché aujourd'hui sur la carte bancaire utilisée pour la commande.

[...]"""))

mail("ret-en-netherlands", "2026-11-21 10:40", "Sanne de Vries <sanne.devries@ziggo.nl>", SUPPORT,
     "Return of desk - Netherlands",
     """Dear Ergolis team,

I received my Alto 140 desk two weeks ago (order ERG-248877) but unfortunately it does not fit in my new apartment, the room is smaller than I expected. I would like to return it.

Your policy mentions a pick-up for €89 from EU countries. Can you please arrange this? The desk is already disassembled and back in its original boxes. I am at home on Mondays and Fridays.

Thank you,
Sanne de Vries
Utrecht""",
     "retour/remboursement", "normale", 0, "neutre", lang="en", tz="Europe/Amsterdam",
     style="html", flavour="gmail")

mail("ret-mauvais-coloris", "2026-11-24 13:22", "Karine Dumont <karine.dumont@orange.fr>", SUPPORT,
     "Erreur de coloris sur mon fauteuil",
     """Bonjour,

J'ai commandé un fauteuil Orbe BLEU NUIT (commande ERG-250660, je viens de revérifier ma confirmation) et j'ai reçu un fauteuil gris perle. C'est pour mon bureau qui est entièrement dans les tons bleus, donc ça ne va pas du tout.

Je souhaite un échange, évidemment sans frais puisque l'erreur vient de chez vous. Comment on fait ? Je ne vais pas garder les deux fauteuils chez moi pendant des semaines.

Karine Dumont""",
     "retour/remboursement", "normale", 0, "negatif", style="html", flavour="outlook")

mail("ret-seconde-vie", "2026-11-27 10:54", "Romain Petitjean <romain.petitjean@gmail.com>", SUPPORT,
     "Bureau Seconde Vie avec défaut non signalé",
     """Bonjour,

J'ai acheté un Alto 160 en Seconde Vie (ERG-250118), je savais qu'il pouvait y avoir des traces d'usage mais là le plateau a une tache blanche assez grande au milieu (on dirait une trace de tasse chaude) et ce n'était pas mentionné dans la description, qui parlait de "micro-rayures".

Est-ce que je peux le retourner comme un produit neuf ? Ou avoir une remise si je le garde ? Franchement un petit geste me conviendrait, le bureau fonctionne très bien.

Romain""",
     "retour/remboursement", "basse", 0, "neutre")

# ---------------------------------------------------------------- facturation

mail("fac-nom-societe", "2026-11-02 10:20", "Julien Bertrand <julien.bertrand@studio-bertrand-archi.fr>", FACTURES,
     "Facture au nom de ma société",
     """Bonjour,

J'ai passé commande le 26 octobre d'un bureau Alto 180 et d'un fauteuil Orbe Pro (ERG-246310) pour mon agence d'architecture, mais j'ai oublié de remplir le champ société. La facture FA-2026-08117 est donc à mon nom personnel.

Pouvez-vous la refaire au nom de :
Studio Bertrand Architecture SARL
22 rue Sainte-Catherine, 69001 Lyon
TVA : FR58 881 402 317

Merci beaucoup,
Julien Bertrand""",
     "facturation", "basse", 0, "neutre", style="html", flavour="apple")

mail("fac-non-recue", "2026-11-05 09:02", "Marie-Claude Girard <mc.girard@wanadoo.fr>", FACTURES,
     "demande de facture",
     """Bonjour,

J'ai commandé sans créer de compte une lampe Lumen (commande ERG-247488). Je n'ai pas reçu de facture, seulement la confirmation de commande. J'en ai besoin pour ma mutuelle qui rembourse une partie du matériel ergonomique sur prescription.

Merci de me l'envoyer à cette adresse.

Bien cordialement
Marie-Claude Girard""",
     "facturation", "basse", 0, "neutre", charset="iso-8859-1", mailer="Microsoft Outlook 16.0")

mail("fac-deja-paye", "2026-11-10 15:33", "Service comptabilité - Groupe Médical Bellecour <compta@gm-bellecour.fr>", FACTURES,
     "RE: Relance facture FA-2026-06984",
     """Bonjour,

Nous recevons votre relance concernant la facture FA-2026-06984 du 18/09/2026 d'un montant de 8 742,00 € TTC.

Cette facture a été réglée par virement le 16/10/2026 (référence de virement GMB-1016-0442). Vous trouverez l'avis d'opération ci-joint. Il est possible que le virement ait été rapproché d'une autre facture, le libellé mentionnant par erreur le numéro de devis DV-2026-0288.

Merci de vérifier de votre côté et de suspendre les relances.

Cordialement,
Agnès Moulin
Comptabilité fournisseurs
Groupe Médical Bellecour""",
     "facturation", "normale", 0, "negatif", style="html", flavour="outlook",
     attach=[("avis_virement_GMB-1016-0442.txt", "text/plain",
              "AVIS D'OPERATION\nDate : 16/10/2026\nDonneur d'ordre : GROUPE MEDICAL BELLECOUR\nBeneficiaire : ERGOLIS SAS\nMontant : 8 742,00 EUR\nLibelle : DV-2026-0288 GMB-1016-0442\n")])

mail("fac-chorus", "2026-11-13 11:08", "Service finances - Mairie de Belleroche-sur-Saône <finances@mairie-belleroche.fr>", FACTURES,
     "Facture rejetée Chorus Pro - bon de commande 2026-0317",
     """Bonjour,

Votre facture FA-2026-07433 relative à notre bon de commande n° 2026-0317 (mobilier services techniques) a été rejetée sur Chorus Pro avec le motif "Code service absent ou invalide".

Pour rappel, les informations à faire figurer sont :
- SIRET : 216 904 516 00012
- Code service : ST-BATIMENTS
- Numéro d'engagement juridique : EJ-2026-00451

Merci de redéposer la facture au plus vite afin que nous puissions procéder au mandatement avant la clôture de l'exercice.

Cordialement,
Service des finances""",
     "facturation", "normale", 0, "neutre")

mail("fac-tva-belgique", "2026-11-16 14:44", "Laurence Dewit <l.dewit@dewit-conseil.be>", FACTURES,
     "Facture sans TVA - société belge",
     """Bonjour,

Notre société (Dewit Conseil SRL, Namur) a commandé deux bureaux Alto 140 (ERG-249277). La facture reçue comporte la TVA française à 20 %. Or nous sommes assujettis à la TVA en Belgique (BE 0712.448.903) et avions indiqué ce numéro lors de la commande.

Pourriez-vous émettre une facture rectificative en autoliquidation et nous rembourser la TVA facturée (223,00 €) ?

Merci d'avance,
Laurence Dewit""",
     "facturation", "normale", 0, "neutre", tz="Europe/Brussels", style="html", flavour="gmail")

mail("fac-duplicata-sinistre", "2026-11-18 10:15", "François Meunier <francois.meunier@gmail.com>", FACTURES,
     "Duplicata facture 2025 - dégât des eaux",
     """Bonjour,

Suite à un dégât des eaux dans mon bureau à domicile, mon assurance me demande la facture de mon bureau Alto 160 et de mon fauteuil Orbe achetés en février 2025. Je ne retrouve plus le mail et je n'ai pas de compte client.

Pouvez-vous m'envoyer un duplicata ? Je pense que la commande était au nom de François Meunier, 5 rue Jean Jaurès, 63000 Clermont-Ferrand.

Merci
François Meunier""",
     "facturation", "basse", 0, "neutre")

mail("fac-rib-suspect", "2026-11-19 09:26", "Arnaud Collet <a.collet@cabinet-collet-expertise.fr>", FACTURES,
     "Changement de RIB ? Demande de confirmation",
     """Bonjour,

Nous avons reçu ce matin un e-mail signé "Service comptabilité Ergolis" depuis l'adresse compta@ergolis-finance.com nous indiquant que vos coordonnées bancaires ont changé et nous demandant de régler la facture FA-2026-08004 (4 306,80 €) sur un nouveau compte.

Le message me paraît suspect (adresse inhabituelle, IBAN étranger). Avant de faire quoi que ce soit, pouvez-vous me confirmer que vos coordonnées bancaires n'ont pas changé ?

Je vous transfère le message en question si besoin.

Cordialement,
Arnaud Collet
Expert-comptable""",
     "facturation", "haute", 0, "neutre", style="html", flavour="outlook")

mail("fac-penalites", "2026-11-25 16:02", "Didier Royer <d.royer@royer-industrie.fr>", FACTURES,
     "Contestation pénalités de retard",
     """Madame, Monsieur,

Nous avons reçu une facture de pénalités de retard de 40 euros + intérêts concernant votre facture FA-2026-05512. Je conteste ces frais : la facture ne nous est parvenue que le 3 octobre, à la mauvaise adresse (notre ancien siège de Roanne), alors que nous vous avions communiqué notre nouvelle adresse dès la commande.

Le règlement a été effectué 28 jours après réception effective. Je vous demande d'annuler ces pénalités.

Cordialement,
Didier Royer
Responsable administratif et financier
Royer Industrie SAS""",
     "facturation", "normale", 0, "negatif", charset="iso-8859-1", mailer="Microsoft Outlook 16.0")

mail("fac-adresse-ancienne", "2026-11-30 11:38", "Amandine Leclerc <amandine.leclerc@gmail.com>", FACTURES,
     "Modification adresse sur facture de juin",
     """Bonjour,

Est-il possible de modifier l'adresse sur ma facture FA-2026-04218 de juin dernier ? J'ai déménagé depuis et ma banque me demande un justificatif à ma nouvelle adresse pour un dossier de prêt (je sais que c'est un peu bizarre comme demande).

Merci
Amandine Leclerc""",
     "facturation", "basse", 0, "neutre")

mail("fac-compte-pro", "2026-12-01 09:48", "Mathilde Roche <m.roche@kiwano-studio.fr>", FACTURES,
     "Compte pro et paiement à 30 jours",
     """Bonjour,

Nous avons créé notre compte Ergolis Pro la semaine dernière (Kiwano Studio, SIRET 905 118 444 00017). Le compte est validé mais au moment de commander, seuls le paiement par carte et le virement à la commande sont proposés.

Nous souhaiterions régler à 30 jours comme indiqué sur votre page professionnels : faut-il faire une demande séparée ? Notre commande (8 Alto 140) représente environ 4 500 € HT.

Merci,
Mathilde Roche
Responsable administrative""",
     "facturation", "normale", 0, "neutre", style="html", flavour="gmail")

# ---------------------------------------------------------------- technique

mail("tec-e01-demenagement", "2026-11-02 19:40", "Pauline Mercier <pauline.mercier@gmail.com>", SUPPORT,
     "Bureau bloqué code E01 après déménagement",
     """Bonjour,

Nous avons déménagé ce week-end. J'ai démonté puis remonté mon bureau Alto 160 (acheté en 2024) et depuis, l'écran affiche E01 et le bureau ne bouge plus du tout, ni en haut ni en bas.

J'ai débranché/rebranché plusieurs fois. Je précise que j'ai dû débrancher les câbles des moteurs pour le démontage, peut-être que je les ai inversés ?

Merci pour votre aide, je suis coincée en position assise très basse...
Pauline""",
     "technique", "normale", 0, "neutre", style="html", flavour="gmail")

mail("tec-h01", "2026-11-04 11:55", "Guillaume Hoarau <guillaume.hoarau@outlook.fr>", SUPPORT,
     "Message H01 qui revient souvent",
     """Bonjour,

Mon bureau Solo affiche régulièrement H01 et se bloque pendant un long moment. Ça arrive surtout le matin quand je règle la hauteur pour moi puis pour ma compagne (on partage le bureau en télétravail, elle fait 1m58 et moi 1m87).

Est-ce un défaut ? Le bureau a 4 mois.

Guillaume""",
     "technique", "basse", 0, "neutre", style="html", flavour="outlook")

mail("tec-moteur-claquement", "2026-11-05 15:12", "Yannick Le Goff <yannick.legoff@free.fr>", SUPPORT,
     "Bruit de claquement moteur - demande garantie",
     """Bonjour,

Mon bureau Alto 140 acheté en septembre 2024 (commande ERG-171204 si je me souviens bien) fait depuis quelques jours un bruit de claquement dans le pied droit, à chaque montée et descente. Le bureau fonctionne encore mais le bruit s'aggrave. Pas de code d'erreur.

Je joins une petite vidéo... enfin j'aurais bien voulu mais elle fait 48 Mo, votre serveur la refuse. Je peux l'envoyer par WeTransfer si vous voulez.

C'est bien couvert par la garantie moteur de 3 ans ?

Cordialement
Yannick Le Goff""",
     "technique", "normale", 0, "neutre", charset="iso-8859-1", mailer="Mozilla Thunderbird 115.4")

mail("tec-descend-seul", "2026-11-06 08:21", "Nathalie Brun <nathalie.brun@gmail.com>", SUPPORT,
     "URGENT bureau qui descend tout seul",
     """Bonjour,

Ce matin mon bureau Alto s'est mis à descendre TOUT SEUL alors que je ne touchais à rien, jusqu'en butée basse. Mon fils de 4 ans jouait à côté, il aurait pu avoir la main dessous. Je l'ai débranché immédiatement.

Je ne le rebrancherai pas tant que je n'ai pas de réponse de votre part. C'est très grave, ça aurait pu blesser quelqu'un. Qu'est-ce qui peut provoquer ça ?

Nathalie Brun
Commande ERG-232915 (avril 2026)""",
     "technique", "haute", 0, "negatif")

mail("tec-verin-orbe", "2026-11-09 14:03", "Éric Baron <eric.baron@laposte.net>", SUPPORT,
     "Fauteuil qui s'affaisse",
     """Bonjour,

Mon fauteuil Orbe (acheté en septembre 2025) descend tout seul au bout de quelques minutes quand je suis assis. Il faut que je le remonte dix fois par jour. Je suppose que c'est le vérin.

J'ai lu que les vérins sont garantis 5 ans : pouvez-vous m'en envoyer un ? Je suis bricoleur, je peux le changer moi-même.

Merci,
Éric Baron""",
     "technique", "normale", 0, "neutre", charset="iso-8859-1", mailer="Microsoft Outlook 16.0")

mail("tec-trous-plateau", "2026-11-10 21:34", "Mathieu Daniel <mathieu.daniel@gmail.com>", SUPPORT,
     "Montage impossible : les trous ne correspondent pas",
     """Bonsoir,

J'essaie de monter mon bureau Alto 160 depuis 1h et les trous prépercés du plateau ne correspondent pas aux supports du piètement. J'ai réglé la traverse sur 160 comme indiqué dans la notice, il manque environ 2 cm de chaque côté.

Est-ce que j'ai reçu un plateau de 180 par erreur ? Il mesure 160 cm, j'ai vérifié au mètre. Un peu désespéré là...

Mathieu""",
     "technique", "normale", 0, "negatif")

mail("tec-flex-ultrawide", "2026-11-11 10:09", "Jérôme Collin <jerome.collin@icloud.com>", SUPPORT,
     "Bras Flex pour écran 34 pouces",
     """Bonjour,

J'ai un écran incurvé 34" qui pèse 8,2 kg sans pied (VESA 100). Est-ce que le Flex 1 suffit ou faut-il le Flex Heavy ? Sur la fiche produit, le Flex 1 est donné pour 17 à 32" mais jusqu'à 9 kg, donc je suis un peu perdu.

Mon plateau fait 25 mm d'épaisseur (Alto).

Merci
Jérôme

Envoyé de mon iPhone""",
     "technique", "basse", 0, "neutre")

mail("tec-lumen-scintille", "2026-11-12 16:47", "Alice Morel <alice.morel@gmail.com>", SUPPORT,
     "Lampe Lumen qui clignote",
     """Bonjour,

Ma lampe Lumen achetée en mars clignote depuis une semaine, surtout quand je la mets à faible intensité. À intensité maximale c'est à peu près stable. J'ai essayé une autre prise et sans rien brancher sur le port USB-C, pareil.

C'est réparable ? Elle est encore sous garantie je crois.

Merci,
Alice""",
     "technique", "normale", 0, "neutre", style="html", flavour="gmail")

mail("tec-avocat-solo", "2026-11-16 12:31", "Grégory Vasseur <gregory.vasseur@hotmail.fr>", SUPPORT,
     "3ème panne en 8 mois - j'en ai assez",
     """Bonjour,

Mon bureau Solo est tombé en panne pour la TROISIÈME fois depuis mars. Premier moteur changé en juin, boîtier de commande changé en septembre, et là de nouveau le bureau ne répond plus, écran éteint.

Chaque fois c'est 10 jours d'attente pour une pièce et je dois tout démonter moi-même. Je ne veux plus de pièce détachée, je veux être remboursé intégralement. Ce produit n'est manifestement pas fiable.

Si je n'ai pas de proposition sérieuse cette semaine, je transmets le dossier à mon avocat et je ferai jouer la garantie légale de conformité.

G. Vasseur
Commande ERG-219847""",
     "technique", "haute", 0, "negatif", style="html", flavour="outlook")

mail("tec-en-rst", "2026-11-18 08:49", "Tom Fletcher <tom.fletcher@gmail.com>", SUPPORT,
     "Desk stuck on RST",
     """Hi there,

My Alto 140 shows RST after a power cut last night. I pressed and held the down button as described on your help page, but the desk goes down about 2 cm, beeps and stops, and RST comes back. I tried three times.

Anything else I can try? I'm based in Lyon, happy to bring the control box to your showroom if needed.

Cheers,
Tom""",
     "technique", "normale", 0, "neutre", lang="en")

mail("tec-anticollision-chat", "2026-11-19 13:27", "Clémence Dubois <clemence.dubois@free.fr>", SUPPORT,
     "Anticollision trop sensible ?",
     """Bonjour,

Mon bureau Alto s'arrête régulièrement en pleine montée et redescend un peu, sans obstacle apparent. J'ai l'impression que ça arrive quand mon chat saute sur le bureau pendant le mouvement (oui, il adore ça).

Est-ce que je peux régler la sensibilité ? Je ne veux pas non plus la supprimer complètement, au cas où.

Merci !
Clémence""",
     "technique", "basse", 0, "neutre", style="html", flavour="gmail")

mail("tec-visserie-manquante", "2026-11-21 17:15", "Loïc Martinez <loic.martinez@gmail.com>", SUPPORT,
     "Il manque des vis !",
     """Bonjour

Je viens de recevoir mon Alto 120 (ERG-250214) et dans le sachet de visserie il n'y a que 8 vis à bois pour le plateau au lieu de 14 d'après la notice (repère J). Les vis M6 sont toutes là.

Je peux monter avec 8 vis en attendant ? Pouvez-vous m'envoyer les vis manquantes ?

Loïc""",
     "technique", "normale", 0, "negatif")

mail("tec-odeur-brule", "2026-11-24 18:40", "Françoise Barbier <francoise.barbier@orange.fr>", SUPPORT,
     "Odeur de brûlé sous le bureau",
     """Bonjour,

Depuis hier il y a une odeur de plastique brûlé qui vient du boîtier noir sous le plateau de mon bureau Alto 160 quand il est en mouvement. Le bureau fonctionne encore.

J'ai débranché le bureau par précaution. Que dois-je faire ? Est-ce dangereux ?

Françoise Barbier
Commande ERG-208877""",
     "technique", "haute", 0, "negatif", charset="iso-8859-1", mailer="Microsoft Outlook 16.0")

mail("tec-merci-reset", "2026-11-26 10:02", "Patrick Moulin <patrick.moulin@gmail.com>", SUPPORT,
     "Re: Bureau ne répond plus",
     """Bonjour Julien,

Merci beaucoup, la réinitialisation a fonctionné ! Il fallait effectivement maintenir la flèche plus longtemps, je lâchais trop tôt. Le bureau affiche de nouveau 62,0 et monte sans problème.

Très bon service, rapide et clair. Bonne journée à toute l'équipe.

Patrick""",
     "technique", "basse", 0, "positif",
     in_reply_to="<20261125163011.9b2f4e10@ergolis.fr>",
     quoted=quote("Le 25 nov. 2026 à 16:30, Julien Moreau - Service client Ergolis <support@ergolis.fr> a écrit :",
                  """Bonjour Monsieur Moulin,

L'affichage RST indique que le bureau a perdu sa position de référence, probablement
lors de la coupure de courant que vous mentionnez. Pour le réinitialiser :
1. Débranchez le bureau 30 secondes puis rebranchez-le.
2. Maintenez la flèche vers le bas enfoncée, sans la relâcher, pendant 10 à 15 secondes.
3. Le bureau descend en butée, remonte de quelques millimètres puis affiche la hauteur.

Tenez-moi au courant !
Julien Moreau
Service client Ergolis"""))

mail("tec-alto-angle-montage", "2026-12-03 09:31", "Sylvie Carré <sylvie.carre@carre-immobilier.fr>", SUPPORT,
     "Montage Alto Angle : dans quel sens mettre le retour ?",
     """Bonjour,

Nous avons reçu un bureau Alto Angle pour l'agence. La notice indique que l'angle est réversible mais je ne trouve pas comment inverser le retour pour l'avoir à gauche. Les trous du plateau ne semblent prévus que pour un côté.

Pouvez-vous nous aider ? Une vidéo existe peut-être ?

Sylvie Carré
Carré Immobilier""",
     "technique", "normale", 0, "neutre", style="html", flavour="outlook")

# ---------------------------------------------------------------- devis / commercial

mail("dev-cabinet-comptable", "2026-11-03 10:47", "Florence Lemoine <f.lemoine@lemoine-audit.fr>", CONTACT,
     "Demande de devis - 18 postes",
     """Bonjour,

Notre cabinet d'expertise comptable (Lemoine Audit & Conseil, 22 collaborateurs, Lyon 6e) déménage dans de nouveaux locaux le 1er février 2027. Nous souhaiterions équiper 18 postes avec :
- 18 bureaux assis-debout Alto 160 (plateau blanc, piètement blanc)
- 18 fauteuils Orbe
- 18 bras d'écran double Flex 2

avec livraison et installation sur place (3e étage, ascenseur de service). Pourriez-vous nous adresser un devis ? Nous avons également deux cabines téléphoniques à prévoir, peut-être vos cabines Cocon.

Nous avons été recommandés par le cabinet Morel Bertrand & Associés, qui est très satisfait de votre travail.

Bien cordialement,
Florence Lemoine
Associée""",
     "devis/commercial", "normale", 0, "positif", style="html", flavour="outlook")

mail("dev-mairie-mapa", "2026-11-05 14:19", "Services techniques - Commune de Saint-Alban-les-Vignes <st@saint-alban-les-vignes.fr>", CONTACT,
     "Consultation MAPA mobilier de bureau - lot 2",
     """Bonjour,

La commune de Saint-Alban-les-Vignes (Isère, 6 800 habitants) lance une consultation en procédure adaptée pour le renouvellement du mobilier de bureau de la mairie (lot 2 : 25 postes de travail avec sièges ergonomiques).

Le dossier de consultation est disponible sur notre profil acheteur. Date limite de remise des offres : vendredi 11 décembre 2026 à 12h. Une visite des locaux est possible les 24 et 26 novembre sur rendez-vous.

Les critères sont : prix 40 %, valeur technique 40 %, performances environnementales 20 %.

Cordialement,
Jean-Marc Pichon
Responsable des services techniques""",
     "devis/commercial", "normale", 0, "neutre", charset="iso-8859-1", mailer="Microsoft Outlook 16.0")

mail("dev-startup-grenoble", "2026-11-09 16:03", "Quentin Morvan <quentin@kiliwatt.io>", CONTACT,
     "40 bureaux assis-debout + prêt d'essai ?",
     """Hello l'équipe Ergolis,

On est Kiliwatt, startup grenobloise (on est déjà clients, 22 postes chez vous l'an dernier, tout le monde adore). On recrute pas mal et on emménage dans un nouveau plateau au printemps : il nous faudrait 40 postes de plus, Alto 160 + Orbe + Flex 2.

Deux questions :
1. Est-ce qu'on pourrait avoir un Alto Angle et un Orbe XL en prêt pour tester ? Deux personnes de l'équipe hésitent.
2. Vous faites des prix dégressifs à partir de combien ? On aimerait un tarif global pour les 40.

Pauline Chevalier nous avait suivis la première fois, si elle est dispo ce serait top.

Merci !
Quentin Morvan
Office & People Manager - Kiliwatt""",
     "devis/commercial", "normale", 0, "positif", style="html", flavour="gmail")

mail("dev-clinique-cocon", "2026-11-12 09:26", "Dr Anne Bernardin <a.bernardin@clinique-montsdor.fr>", CONTACT,
     "Cabines acoustiques et panneaux - clinique",
     """Madame, Monsieur,

Dans le cadre du réaménagement de notre plateau de secrétariat médical (96 postes, projet suivi par M. Benali), nous souhaiterions compléter l'offre avec :
- 6 cabines Cocon pour les appels patients confidentiels ;
- des panneaux acoustiques muraux pour un plateau de 240 m² très réverbérant.

Pourriez-vous nous proposer une étude acoustique et un chiffrage ? Nos contraintes : classement au feu compatible ERP de type U, nettoyage facile (milieu de soins).

Cordialement,
Dr Anne Bernardin
Directrice des soins
Clinique des Monts d'Or""",
     "devis/commercial", "normale", 0, "neutre", style="html", flavour="outlook",
     cc="Karim Benali <karim.benali@ergolis.fr>")

mail("dev-negociation-remise", "2026-11-16 11:42", "Benjamin Reverdy <b.reverdy@reverdy-tessier-avocats.fr>", CONTACT,
     "Re: Votre devis DV-2026-0398 - 34 postes",
     """Bonjour Madame Garnier,

Merci pour votre devis. Nous avons reçu une proposition d'un autre fournisseur à un prix inférieur d'environ 14 % pour des bureaux assis-debout double moteur et des fauteuils équivalents.

Nous préférerions travailler avec vous (votre showroom nous a convaincus), mais l'écart est difficile à justifier auprès de mes associés. Pourriez-vous revoir votre remise ? Nous visons une remise globale de 15 %, installation incluse.

Bien à vous,
Benjamin Reverdy
Avocat associé - Reverdy & Tessier""",
     "devis/commercial", "normale", 0, "neutre", style="html", flavour="outlook",
     in_reply_to="<20261110170512.c7a3d901@ergolis.fr>",
     quoted=quote("Le 10 nov. 2026 à 17:05, Élodie Garnier <elodie.garnier@ergolis.fr> a écrit :",
                  """Bonjour Maître Reverdy,

Suite à votre visite au showroom, veuillez trouver ci-joint notre devis DV-2026-0398
pour l'équipement de 34 postes (Alto 160, Orbe Pro, Flex 2), livraison et installation
comprises, avec la remise de 12 % applicable à ce volume.

Le devis est valable 30 jours. Je reste à votre disposition.

Élodie Garnier
Chargée d'affaires - Ergolis Pro"""))

mail("dev-en-belgique", "2026-11-18 15:20", "Maarten Claes <maarten.claes@brightpixel.be>", CONTACT,
     "Quote request - 12 sit-stand desks (Ghent)",
     """Hello,

We are a software company in Ghent (28 people) and we are looking to replace 12 desks with electric sit-stand desks. We like the Alto 180 with the oak top.

Could you send us a quote including delivery to Ghent? Installation is not needed, we can assemble them ourselves. Our VAT number is BE 0734.229.118, so we expect a reverse-charge invoice.

Also, what is the current lead time?

Best regards,
Maarten Claes
Operations Manager, BrightPixel BV""",
     "devis/commercial", "normale", 0, "neutre", lang="en", tz="Europe/Brussels", style="html", flavour="gmail")

mail("dev-prescripteur-archi", "2026-11-20 11:11", "Léa Fontaine <lea@atelier-fontaine-interieurs.fr>", CONTACT,
     "Partenariat architecte d'intérieur",
     """Bonjour,

Je suis architecte d'intérieure à Lyon, spécialisée dans l'aménagement de bureaux pour des PME (15 projets par an environ, de 10 à 60 postes). Je recommande régulièrement vos produits à mes clients.

Avez-vous un programme pour les prescripteurs ? Remise dédiée, échantillons de finitions, accès aux fichiers 3D/BIM de vos produits ? Je serais ravie d'en discuter autour d'un café au showroom.

Léa Fontaine
Atelier Fontaine Intérieurs""",
     "devis/commercial", "basse", 0, "positif", style="html", flavour="apple")

mail("dev-association", "2026-11-23 14:56", "Marc Joubert <marc.joubert@asso-relais-emploi69.org>", CONTACT,
     "Devis pour association - petit budget",
     """Bonjour,

Je suis trésorier d'une association d'insertion professionnelle à Vaulx-en-Velin. Nous avons obtenu une petite subvention (3 500 €) pour améliorer les postes de nos 8 conseillers, qui se plaignent de mal de dos.

Avec ce budget, que pouvez-vous nous proposer ? Peut-être des bureaux Solo ou des produits Seconde Vie ? Faites-vous des conditions particulières pour les associations ?

Merci d'avance,
Marc Joubert""",
     "devis/commercial", "basse", 0, "neutre")

mail("dev-urgent-demenagement", "2026-11-25 08:14", "Sarah Benhamou <s.benhamou@optimaflux.fr>", CONTACT,
     "URGENT - 15 postes pour le 7 décembre",
     """Bonjour,

Notre bailleur nous a avancé la date d'entrée dans nos nouveaux locaux de Villeurbanne : nous emménageons le lundi 7 décembre, et notre fournisseur habituel ne peut pas livrer avant janvier.

Nous avons besoin de 15 bureaux (assis-debout si possible) et 15 sièges, livrés et installés avant le 7 décembre. Est-ce faisable ? Le budget est validé, nous pouvons signer aujourd'hui.

Merci de me rappeler au plus vite au 06 39 98 71 40.

Sarah Benhamou
Directrice administrative - OptimaFlux SAS""",
     "devis/commercial", "haute", 0, "neutre", style="html", flavour="outlook")

mail("dev-relance-sans-reponse", "2026-11-30 17:48", "Christophe Vidal <c.vidal@mecafluid.fr>", CONTACT,
     "Relance : devis extension bureau d'études",
     """Bonjour,

Je vous ai envoyé le 16 novembre une demande de devis pour 9 postes supplémentaires (Alto 180 + Flex Heavy) pour notre bureau d'études de Saint-Étienne, sans réponse à ce jour.

Nous avons été très satisfaits de l'installation de 2025 et souhaitons rester sur la même gamme, mais je dois présenter le budget à notre direction le 8 décembre.

Merci de me faire un retour rapidement.

Christophe Vidal
Responsable QSE - Mécafluid""",
     "devis/commercial", "haute", 0, "negatif", charset="iso-8859-1", mailer="Microsoft Outlook 16.0")

# ---------------------------------------------------------------- candidatures

CV_SC = """CAMILLE ROUSSEAU
Lyon 7e - 06 39 98 30 12 - camille.rousseau.pro@gmail.com

OBJECTIF
Conseillère service client, CDI, Villeurbanne

EXPÉRIENCE
2023-2026  Conseillère relation client, enseigne de décoration en ligne (Lyon)
           - Traitement de 60 à 80 tickets par jour (e-mail, chat, téléphone)
           - Gestion des litiges transporteurs et des retours
           - Satisfaction moyenne 4,7/5
2021-2023  Vendeuse conseil, magasin d'électroménager (Bron)

FORMATION
2021  BTS Négociation et digitalisation de la relation client (NDRC), Lyon

COMPÉTENCES
Zendesk, Freshdesk, PrestaShop (back-office), Pack Office
Anglais : B2 (conversation courante, écrit professionnel)
"""

CV_LOG = """ANTHONY MARQUES
Saint-Priest - 06 39 98 20 56

Préparateur de commandes - 6 ans d'expérience

2022-2026  Préparateur de commandes, plateforme logistique e-commerce (Corbas)
           Préparation multi-références, scan, contrôle qualité, emballage
2020-2022  Manutentionnaire (intérim), entrepôts de la zone de Saint-Priest

CACES R489 catégories 1A, 3 et 5 (valides jusqu'en 2028)
SST à jour
Permis B, véhiculé
"""

CV_COM = """JULIE CARON
Grenoble - 06 39 98 44 91 - linkedin.com/in/juliecaron-b2b

Chargée d'affaires B2B - 8 ans d'expérience en vente de solutions aux entreprises

2021-2026  Chargée d'affaires, distributeur de fournitures et mobilier de bureau (Grenoble)
           Portefeuille de 140 comptes PME et collectivités, CA 1,1 M€/an
           Réponses à appels d'offres (MAPA), 9 marchés remportés
2018-2021  Commerciale terrain, solutions d'impression (Isère, Savoie)

FORMATION
Master Management commercial, IAE Grenoble (2018)

Mobile sur Auvergne-Rhône-Alpes, permis B
"""

CV_ALT = """LOUIS FERRAND
Villeurbanne - 06 39 98 27 65

Recherche alternance marketing digital (2 ans) à partir de septembre 2027

FORMATION
2027-2029 (admis)  Bachelor Marketing digital, école de commerce de Lyon
2024-2027          BUT Métiers du multimédia et de l'internet, Villeurbanne

EXPÉRIENCES
2026  Stage de 10 semaines, agence de communication (Lyon) : campagnes réseaux sociaux,
      création de visuels, suivi des statistiques
2025  Job étudiant, vendeur en magasin de sport

OUTILS
Canva, Suite Adobe (Photoshop, Illustrator), Meta Business Suite, Google Analytics 4, WordPress
"""

CV_DEV = """MEHDI SAIDI
Lyon - 06 39 98 66 03 - github.com/msaidi-dev

Développeur web back-end PHP / Python - 5 ans d'expérience

2022-2026  Développeur e-commerce, agence web (Lyon)
           Modules PrestaShop et Magento, connecteurs ERP (Odoo), API de transporteurs
2021-2022  Développeur junior, ESN (Villeurbanne)

Compétences : PHP 8, Symfony, Python, SQL (MariaDB, PostgreSQL), Docker, Git
Anglais technique courant
"""

CV_EN = """EMMA CLARKE
Manchester, United Kingdom - emma.clarke.logistics@gmail.com

Supply chain student (MSc Logistics, University of Manchester, 2025-2027)
Looking for a 6-month internship in logistics / warehouse operations from April 2027.

Experience
2025  Summer intern, inbound logistics, furniture retailer (Leeds)
2024  Warehouse assistant (part-time), online bookshop

Languages: English (native), French (B2, Erasmus year in Lyon 2023-2024)
Tools: Excel (advanced), SAP EWM basics, Power BI
"""

mail("cand-sc", "2026-11-04 12:12", "Camille Rousseau <camille.rousseau.pro@gmail.com>", RECRUTEMENT,
     "Candidature - Conseillère service client (CDI)",
     """Bonjour,

Je vous adresse ma candidature pour le poste de conseillère service client publié sur Welcome to the Jungle.

Depuis trois ans, je travaille au service client d'une enseigne de décoration en ligne où je gère les commandes, les litiges transporteurs et les retours. J'aime particulièrement les situations où il faut reprendre un client mécontent et trouver une vraie solution. Je connais bien Freshdesk et le back-office PrestaShop.

Je suis aussi une cliente Ergolis (bureau Solo depuis 2024 !) et j'apprécie la clarté de vos pages d'aide.

Vous trouverez mon CV en pièce jointe. Je suis disponible pour un entretien à votre convenance et pour une prise de poste début janvier.

Bien cordialement,
Camille Rousseau
06 39 98 30 12""",
     "candidature", "normale", 0, "positif", style="html", flavour="gmail",
     attach=[("CV_Camille_Rousseau.txt", "text/plain", CV_SC)])

mail("cand-logistique", "2026-11-06 06:48", "Anthony Marques <anthony.marques69@gmail.com>", RECRUTEMENT,
     "candidature preparateur de commande",
     """Bonjour,

Je suis intéressé par votre annonce de préparateur de commandes à Saint-Priest vue sur France Travail. J'ai 6 ans d'expérience en entrepôt e-commerce et mes CACES sont à jour. J'habite à 10 minutes de votre entrepôt.

Je vous joins mon CV.

Cordialement
Anthony Marques""",
     "candidature", "normale", 0, "neutre",
     attach=[("CV Anthony MARQUES.txt", "text/plain", CV_LOG)])

mail("cand-commercial", "2026-11-10 20:05", "Julie Caron <julie.caron.b2b@gmail.com>", RECRUTEMENT,
     "Candidature - Chargée d'affaires B2B terrain AURA",
     """Madame, Monsieur,

Votre offre de chargé(e) d'affaires B2B terrain en Auvergne-Rhône-Alpes a retenu toute mon attention.

Depuis cinq ans, je développe un portefeuille de 140 PME et collectivités pour un distributeur de mobilier et fournitures de bureau en Isère et en Savoie. J'ai notamment remporté neuf marchés publics en procédure adaptée, et je connais bien les acheteurs du secteur santé de la région.

Ce qui m'attire chez Ergolis, c'est de pouvoir vendre des produits que l'on peut défendre sur la durée : votre garantie de 5 ans et la disponibilité des pièces sont des arguments que mes clients réclament.

Je serais heureuse de vous présenter mon parcours lors d'un entretien.

Julie Caron""",
     "candidature", "normale", 0, "positif", style="html", flavour="gmail",
     attach=[("Julie_Caron_CV.txt", "text/plain", CV_COM)])

mail("cand-alternance", "2026-11-15 17:33", "Louis Ferrand <louis.ferrand@etu.univ-lyon.fr>", RECRUTEMENT,
     "Candidature alternance marketing digital",
     """Bonjour,

Actuellement en BUT MMI à Villeurbanne, j'intègre à la rentrée 2027 un bachelor marketing digital en alternance et je recherche une entreprise d'accueil pour deux ans.

Je suivais déjà Ergolis sur Instagram et j'ai beaucoup aimé votre série de vidéos "un poste, un métier". J'aimerais contribuer à ce type de contenus et apprendre le marketing d'une marque e-commerce de l'intérieur.

Vous trouverez mon CV ci-joint ; mon portfolio est disponible sur demande.

Merci pour votre attention,
Louis Ferrand""",
     "candidature", "basse", 0, "positif",
     attach=[("CV-Louis-Ferrand.txt", "text/plain", CV_ALT)])

mail("cand-spontanee-dev", "2026-11-19 22:41", "Mehdi Saidi <mehdi.saidi.dev@gmail.com>", RECRUTEMENT,
     "Candidature spontanée - développeur e-commerce",
     """Bonjour,

Je me permets de vous adresser une candidature spontanée. Développeur PHP et Python depuis cinq ans, je travaille aujourd'hui en agence sur des boutiques PrestaShop et des connecteurs vers Odoo, exactement l'environnement que vous décrivez dans votre page "Nous rejoindre".

Je sais qu'aucun poste de développeur n'est ouvert actuellement, mais si votre équipe IT grandit, je serais ravi d'en discuter.

Cordialement,
Mehdi Saidi""",
     "candidature", "basse", 0, "neutre", style="html", flavour="gmail",
     attach=[("CV_Mehdi_Saidi_2026.txt", "text/plain", CV_DEV)])

mail("cand-relance", "2026-11-26 09:30", "Nadia Khelifi <nadia.khelifi@outlook.fr>", RECRUTEMENT,
     "Relance candidature conseillère clientèle",
     """Bonjour,

J'ai postulé le 2 novembre au poste de conseillère service client (CDI, Villeurbanne) et je n'ai pas eu de retour depuis, même pas un accusé de réception.

Pourriez-vous me dire si ma candidature a bien été reçue et si le poste est toujours ouvert ?

Merci d'avance,
Nadia Khelifi""",
     "candidature", "normale", 0, "neutre", style="html", flavour="outlook")

mail("cand-en-stage", "2026-11-27 15:05", "Emma Clarke <emma.clarke.logistics@gmail.com>", RECRUTEMENT,
     "Internship application - logistics (April 2027)",
     """Dear Recruitment Team,

I am a Master's student in Logistics at the University of Manchester and I am looking for a six-month internship in warehouse operations, starting in April 2027.

I spent my Erasmus year in Lyon in 2023-2024 and I would love to come back to the region. My French is at B2 level, so I can work in French with the team. I am particularly interested in how you handle returns and refurbishment (your Seconde Vie range).

Please find my CV attached. Thank you for considering my application.

Kind regards,
Emma Clarke""",
     "candidature", "basse", 0, "positif", lang="en", tz="Europe/London",
     attach=[("Emma_Clarke_CV.txt", "text/plain", CV_EN)])

# ---------------------------------------------------------------- autre : réponses automatiques, rebond, divers

mail("auto-absence-b2b", "2026-11-10 17:06", "Florence Lemoine <f.lemoine@lemoine-audit.fr>", "Ergolis Pro <contact@ergolis.fr>",
     "Réponse automatique : Votre devis Ergolis DV-2026-0402",
     """Bonjour,

Je suis absente du cabinet jusqu'au lundi 16 novembre inclus, avec un accès limité à mes e-mails.

Pour toute question urgente, vous pouvez contacter Mme Sabrina Noël au 04 65 71 64 10 ou à l'adresse s.noel@lemoine-audit.fr.

Bien cordialement,
Florence Lemoine""",
     "autre", "basse", 0, "neutre", auto=True, style="html", flavour="outlook",
     in_reply_to="<20261110170448.d2e8a154@ergolis.fr>")

mail("auto-en-ooo", "2026-11-24 09:00", "Maarten Claes <maarten.claes@brightpixel.be>", "Ergolis Pro <contact@ergolis.fr>",
     "Automatic reply: Your quote request - Ergolis",
     """Thank you for your e-mail. I am out of the office until 30 November with no access to e-mail.

For urgent matters, please contact office@brightpixel.be.

Kind regards,
Maarten Claes""",
     "autre", "basse", 0, "neutre", lang="en", tz="Europe/Brussels", auto=True,
     in_reply_to="<20261124085912.71ce02fa@ergolis.fr>")

mail("auto-conges-particulier", "2026-12-04 11:21", "Jean-Pierre Mallet <jp.mallet@wanadoo.fr>", SUPPORT,
     "Réponse automatique : Re: Votre commande ERG-249702",
     """Bonjour,
Je suis en vacances jusqu'au 14 décembre. Je lirai votre message à mon retour.
Cordialement,
Jean-Pierre Mallet""",
     "autre", "basse", 0, "neutre", auto=True, charset="iso-8859-1", mailer="Microsoft Outlook 16.0",
     in_reply_to="<20261204112010.0f5a9d3e@ergolis.fr>")

mail("bounce-gmial", "2026-11-17 14:02", "Mail Delivery System <MAILER-DAEMON@mx1.ergolis.fr>", SUPPORT,
     "Undelivered Mail Returned to Sender",
     """This is the mail system at host mx1.ergolis.fr.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<marc.dubois@gmial.com>: host mx.gmial.com[203.0.113.25] said: 550 5.1.1
    <marc.dubois@gmial.com>: Recipient address rejected: User unknown in
    virtual mailbox table (in reply to RCPT TO command)""",
     "autre", "normale", 0, "neutre", lang="en", style="bounce", direction="bounce",
     failed_rcpt="marc.dubois@gmial.com", remote_mta="mx.gmial.com",
     diagnostic="smtp; 550 5.1.1 <marc.dubois@gmial.com>: Recipient address rejected: User unknown in virtual mailbox table",
     original_subject="Votre commande ERG-250902 est expédiée",
     original_body="""Bonjour Marc,

Bonne nouvelle : votre commande ERG-250902 (fauteuil Orbe, noir) a quitté notre entrepôt de Saint-Priest.
Suivez votre colis Colissimo : https://www.ergolis.fr/suivi/ERG-250902

Votre facture FA-2026-08933 est disponible dans votre espace client.

L'équipe Ergolis""")

mail("presse-magazine", "2026-11-06 10:37", "Claire Dalmasso <c.dalmasso@bureaux-et-vous-mag.fr>", CONTACT,
     "Demande presse - dossier télétravail et ergonomie",
     """Bonjour,

Je prépare pour le numéro de janvier de Bureaux & Vous un dossier sur l'aménagement du poste de télétravail. Je souhaiterais interroger la fondatrice d'Ergolis sur l'évolution de la demande depuis 2020 et, si possible, obtenir des visuels HD de vos bureaux assis-debout.

Mon bouclage est le 4 décembre. Un échange téléphonique de 20 minutes suffirait.

Bien cordialement,
Claire Dalmasso
Journaliste""",
     "autre", "normale", 0, "neutre", style="html", flavour="gmail")

mail("influence-insta", "2026-11-13 18:22", "Jess | Home Office Vibes <collab.homeofficevibes@gmail.com>", CONTACT,
     "Collab Instagram 🌿 bureau assis-debout",
     """Hello Ergolis ! 👋

Je suis Jess, créatrice de contenu lifestyle & home office (48k abonnés sur Instagram, 12k sur TikTok). J'adore votre bureau Alto en chêne clair, il irait parfaitement dans mon nouveau bureau que je suis en train d'aménager !

Je vous propose une collaboration : 1 reel + 3 stories en échange du bureau et d'un fauteuil Orbe. Mon media kit est dispo sur demande, avec mes stats d'engagement (6,2 % en moyenne).

Hâte de vous lire ✨
Jess""",
     "autre", "basse", 0, "positif")

mail("rgpd-suppression", "2026-11-21 09:45", "Bruno Lefebvre <bruno.lefebvre@free.fr>", SUPPORT,
     "Suppression de mes données personnelles",
     """Bonjour,

Conformément au RGPD, je vous demande de supprimer mon compte client ainsi que l'ensemble de mes données personnelles, et de ne plus m'envoyer aucun e-mail commercial. Je continue à recevoir votre newsletter malgré deux désinscriptions.

Merci de me confirmer la suppression par écrit.

Bruno Lefebvre""",
     "autre", "normale", 0, "negatif", charset="iso-8859-1", mailer="Mozilla Thunderbird 115.4")

mail("ancien-mobilier", "2026-11-28 15:18", "Odile Simonet <odile.simonet@gmail.com>", CONTACT,
     "Reprise de mon ancien bureau ?",
     """Bonjour,

Je vais commander un bureau Alto pour remplacer mon vieux bureau en bois massif (années 80, en bon état mais très lourd). Est-ce que vous proposez la reprise de l'ancien mobilier pour les particuliers, comme j'ai cru le lire pour les entreprises ? Sinon, connaissez-vous une association qui pourrait le récupérer sur Lyon ?

Merci,
Odile Simonet""",
     "autre", "basse", 0, "neutre")

# ---------------------------------------------------------------- spam / hameçonnage

mail("spam-m365", "2026-11-03 03:14", "Microsoft 365 Admin <no-reply@m365-securemail-verify.com>", SUPPORT,
     "Action requise : votre mot de passe expire aujourd'hui",
     """Cher utilisateur support@ergolis.fr,

Le mot de passe de votre boîte aux lettres expire aujourd'hui. Pour éviter la suspension de votre compte et la perte de vos messages, veuillez confirmer votre mot de passe actuel dans les 24 heures.

CONSERVER LE MÊME MOT DE PASSE : https://ergolis-fr.m365-securemail-verify.com/auth/keep?u=support

Si aucune action n'est effectuée, votre compte sera désactivé.

Microsoft 365 - Équipe sécurité
© 2026 Microsoft Corporation""",
     "autre", "basse", 1, "neutre", style="html", flavour="outlook", tz="UTC")

mail("spam-douane", "2026-11-08 06:41", "Colissimo <notification@colis-suivi-douane.info>", SUPPORT,
     "Votre colis est en attente : frais de douane 2,99 €",
     """Bonjour,

Votre colis n° 6A24718855301 est en attente au centre de tri en raison de frais d'importation non réglés (2,99 €).

Veuillez régler ces frais sous 48h, faute de quoi le colis sera renvoyé à l'expéditeur :
http://colis-suivi-douane.info/paiement?ref=6A24718855301

Merci de votre confiance.
Service client""",
     "autre", "basse", 1, "neutre", tz="UTC")

mail("spam-fraude-president", "2026-11-12 08:57", "Claire Vasseur <claire.vasseur.ergolis@gmail.com>", FACTURES,
     "Confidentiel - opération urgente",
     """Hélène,

Êtes-vous au bureau ce matin ? J'ai besoin que vous traitiez un virement urgent et confidentiel aujourd'hui pour une acquisition en cours. Je suis en rendez-vous avec les avocats toute la matinée et je ne peux pas être jointe par téléphone.

Le montant est de 48 600 €. Je vous envoie les coordonnées bancaires dès votre réponse. Merci de ne pas en parler au reste de l'équipe pour l'instant, l'opération n'est pas encore annoncée.

Claire

Envoyé depuis mon iPhone""",
     "autre", "haute", 1, "neutre", reply_to="claire.vasseur.direction@protonmail.com")

mail("spam-facture-zip", "2026-11-14 02:33", "Comptabilité <facturation@sarl-batipro-services.com>", FACTURES,
     "Facture impayée N° 2026-11-0934 - dernier rappel",
     """Bonjour,

Sauf erreur de notre part, la facture ci-jointe reste impayée à ce jour. Merci de procéder au règlement sous 48h pour éviter des frais de recouvrement.

Facture et relevé : https://sharefile-docs-secure.net/d/Facture_2026-11-0934.zip

Cordialement,
Service comptable""",
     "autre", "basse", 1, "neutre", tz="UTC")

mail("spam-seo", "2026-11-17 10:02", "Kevin - Agence Top Ranking <kevin@top-ranking-web.biz>", CONTACT,
     "ergolis.fr en 1ère page Google en 30 jours ? 🚀",
     """Bonjour,

J'ai analysé votre site ergolis.fr et j'ai relevé 47 erreurs techniques qui vous font perdre des ventes chaque jour.

Notre agence garantit la 1ère position sur Google pour "bureau assis debout" en 30 jours, ou nous vous remboursons. Plus de 500 clients satisfaits !

Répondez simplement "OUI" pour recevoir votre audit gratuit.

Kevin
Consultant SEO senior

Pour ne plus recevoir nos messages, répondez STOP.""",
     "autre", "basse", 1, "neutre")

mail("spam-nom-domaine", "2026-11-19 04:10", "Domain Registry Services <renewal@domain-registry-services.net>", CONTACT,
     "DERNIER AVIS : expiration du domaine ergolis.fr",
     """AVIS D'EXPIRATION DU NOM DE DOMAINE

Domaine : ERGOLIS.FR
Date d'expiration : 23/11/2026

Ceci est votre dernier avis. Si le nom de domaine n'est pas renouvelé avant la date d'expiration, il sera mis à disposition du public et votre site web et vos e-mails cesseront de fonctionner.

Renouvellement 1 an : 289,00 € HT
Payer maintenant : https://domain-registry-services.net/renew/ERGOLIS.FR

Ce service d'optimisation de référencement n'est pas un renouvellement auprès de votre bureau d'enregistrement actuel. Vous n'êtes pas tenu de payer ce montant.""",
     "autre", "basse", 1, "neutre", tz="UTC")

mail("spam-crypto-en", "2026-11-22 23:48", "Daniel Whitmore <d.whitmore@capital-growth-partners.co>", CONTACT,
     "Business proposal - 30% monthly returns",
     """Dear Sir/Madam,

I am contacting you on behalf of a private investment fund specialising in digital assets. Our AI-powered trading platform has delivered an average 30% monthly return for our partners over the last 18 months.

We are currently selecting a small number of European SMEs to join our corporate programme, with a minimum investment of only EUR 5,000. Your company has been pre-approved.

Please reply with your direct phone number and a convenient time for a call with our senior adviser.

Best regards,
Daniel Whitmore
Capital Growth Partners""",
     "autre", "basse", 1, "neutre", lang="en", tz="UTC")

mail("spam-faux-fournisseur-rib", "2026-11-24 11:02", "Comptabilité Menuiserie Bressane <compta@menuiserie-bressane-sas.com>", FACTURES,
     "Changement de coordonnées bancaires",
     """Bonjour,

Suite à un audit interne, notre société a changé d'établissement bancaire. Merci de bien vouloir mettre à jour nos coordonnées pour le règlement de nos factures en cours et à venir, notamment la facture F-26-1187 d'un montant de 18 420,00 € arrivant à échéance le 30/11.

Nouvel IBAN : LT72 3250 0419 8765 2231
BIC : REVOLT21

Merci de nous confirmer la prise en compte par retour de mail. Pour des raisons de confidentialité, merci de ne pas contacter notre standard à ce sujet.

Cordialement,
Service comptabilité""",
     "autre", "haute", 1, "neutre")

mail("spam-fichier-emails", "2026-11-26 07:33", "Data Leads France <offres@data-leads-france.fr>", CONTACT,
     "Base de données 2,4 millions d'entreprises françaises - offre spéciale",
     """Bonjour,

Boostez votre prospection B2B ! Notre base de données contient 2,4 millions d'entreprises françaises avec e-mails nominatifs des dirigeants, téléphones directs et chiffres d'affaires.

OFFRE BLACK FRIDAY : le fichier complet pour 490 € au lieu de 1 990 €.
100 % conforme RGPD*.

Commandez ici : http://data-leads-france.fr/offre-bf

*données issues de sources publiques

Pour vous désinscrire, cliquez ici.""",
     "autre", "basse", 1, "neutre")

mail("spam-amazon-en", "2026-11-29 01:16", "Amazon Seller Central <seller-notification@amazon-sellercentral-verify.com>", SUPPORT,
     "Your seller account has been suspended",
     """Hello,

We have detected unusual activity on your Amazon Seller Central account and your listings have been temporarily deactivated.

To restore your selling privileges, you must verify your identity and bank information within 24 hours:
https://amazon-sellercentral-verify.com/restore?id=ERG0LIS

If you do not complete the verification, your account and pending disbursements will be permanently closed.

Amazon Seller Performance Team""",
     "autre", "basse", 1, "neutre", lang="en", tz="UTC")

mail("spam-subvention", "2026-12-01 08:05", "Aides Numériques PME <contact@aides-numerique-pme.org>", CONTACT,
     "Votre entreprise est éligible à une aide de 5 000 € pour la transition numérique",
     """Madame, Monsieur le dirigeant,

Dans le cadre du plan national de transition numérique 2026, votre entreprise ERGOLIS est éligible à une aide pouvant atteindre 5 000 € pour financer un site internet, un logiciel ou une formation.

Les dossiers doivent être déposés avant le 15 décembre 2026. Vérifiez votre éligibilité en 2 minutes : https://aides-numerique-pme.org/eligibilite

Un conseiller vous rappellera gratuitement.

Le service des aides aux entreprises""",
     "autre", "basse", 1, "neutre")

mail("spam-faux-cv", "2026-12-02 13:47", "Marine Lebrun <marine.lebrun.cv@outlook.fr>", RECRUTEMENT,
     "Candidature - CV en ligne",
     """Bonjour,

Suite à votre annonce, je vous transmets ma candidature. Mon CV est trop volumineux pour être joint, vous pouvez le consulter via le lien sécurisé ci-dessous (mot de passe : 2026) :

https://cv-share-docs.top/view/marine-lebrun-cv.html

Je reste disponible.
Marine""",
     "autre", "basse", 1, "neutre")

mail("spam-avis-google", "2026-12-05 16:30", "Reputation Boost <hello@reputation-boost-avis.com>", CONTACT,
     "Ergolis : 4,6 étoiles ? Passez à 5 étoiles en 10 jours",
     """Bonjour l'équipe Ergolis,

Vos avis Google sont bons, mais vos concurrents ont plus d'avis que vous. Nous proposons des packs d'avis 5 étoiles rédigés par de vrais comptes locaux, indétectables.

Pack 50 avis : 199 €
Pack 200 avis : 590 €

Paiement en toute discrétion. Réponse sous 24h.""",
     "autre", "basse", 1, "neutre")

# ---------------------------------------------------------------- archive (mbox) : octobre 2026

mail("mb-cmd-stock", "2026-10-05 09:12", "Hervé Langlois <herve.langlois@orange.fr>", SUPPORT,
     "Fauteuil Orbe XL en stock ?",
     """Bonjour,

Je mesure 1m98 pour 135 kg et je cherche un fauteuil qui tienne la route. L'Orbe XL est-il en stock ? Si je commande aujourd'hui, quand serait-il livré à Mâcon ?

Merci
Hervé Langlois""",
     "commande", "basse", 0, "neutre", box="mbox", charset="iso-8859-1", mailer="Microsoft Outlook 16.0")

mail("mb-liv-retard", "2026-10-08 18:30", "Ophélie Marin <ophelie.marin@gmail.com>", SUPPORT,
     "Livraison prévue hier, rien reçu",
     """Bonjour,

Mon colis (bras Flex 2, commande ERG-243318) devait être livré hier d'après le suivi Colissimo et le statut n'a pas bougé depuis "en cours de livraison". Savez-vous ce qui se passe ?

Merci
Ophélie""",
     "livraison", "normale", 0, "negatif", box="mbox")

mail("mb-tec-accoudoir", "2026-10-09 11:47", "Stéphanie Robert <stephanie.robert@laposte.net>", SUPPORT,
     "Accoudoir cassé",
     """Bonjour,

La manchette de l'accoudoir gauche de mon fauteuil Orbe s'est fendue (fauteuil acheté il y a 15 mois). Est-ce couvert par la garantie ou dois-je acheter la pièce ?

Cordialement,
Stéphanie Robert""",
     "technique", "basse", 0, "neutre", box="mbox")

mail("mb-devis-agence", "2026-10-12 14:05", "Thomas Reynaud <thomas@pixelmotion.fr>", CONTACT,
     "Devis 10 postes supplémentaires",
     """Bonjour Nicolas,

Suite à notre échange au téléphone, peux-tu nous envoyer un devis pour 10 postes supplémentaires identiques à notre installation de janvier (Alto 160 chêne clair, Flex 2, Lumen) ? Livraison souhaitée mi-novembre, installation un samedi comme la dernière fois si possible.

Merci !
Thomas Reynaud
Pixelmotion""",
     "devis/commercial", "normale", 0, "positif", box="mbox", style="html", flavour="gmail")

mail("mb-spam-quota", "2026-10-13 02:51", "Webmail Admin <admin@mailbox-quota-alert.net>", SUPPORT,
     "Votre boîte aux lettres est pleine (98 %)",
     """Votre boîte aux lettres support@ergolis.fr a atteint 98 % de son quota.

Les nouveaux messages seront rejetés. Cliquez ici pour augmenter gratuitement votre espace de stockage :
http://mailbox-quota-alert.net/upgrade?mail=support@ergolis.fr

Administrateur Webmail""",
     "autre", "basse", 1, "neutre", box="mbox", tz="UTC")

mail("mb-fac-ht", "2026-10-15 10:26", "Corinne Leroy <c.leroy@leroy-geometres.fr>", FACTURES,
     "Facture avec TVA détaillée",
     """Bonjour,

Notre comptable a besoin d'une facture faisant apparaître le montant HT et la TVA pour notre commande ERG-244017 (2 bureaux Alto 140). Celle que nous avons reçue ne montre que le total TTC, me semble-t-il.

Merci,
Corinne Leroy
Cabinet Leroy Géomètres-Experts""",
     "facturation", "basse", 0, "neutre", box="mbox")

mail("mb-ret-lampe", "2026-10-16 16:55", "David Caron <david.caron@hotmail.fr>", SUPPORT,
     "Retourner le lampadaire",
     """Bonjour,

Le lampadaire Lumen Stand est trop lumineux pour mon petit bureau, je voudrais le renvoyer. Il est en parfait état. Comment je fais ?

David""",
     "retour/remboursement", "normale", 0, "neutre", box="mbox", style="html", flavour="outlook")

mail("mb-cand-showroom", "2026-10-19 19:20", "Lucas Fontaine <lucas.fontaine.pro@gmail.com>", RECRUTEMENT,
     "Candidature conseiller showroom",
     """Bonjour,

Ancien vendeur dans une enseigne de literie pendant 4 ans, je suis très intéressé par le poste de conseiller showroom à Villeurbanne. J'aime le conseil en magasin, prendre le temps avec les clients et leur faire essayer les produits.

Je suis disponible immédiatement, y compris le samedi.

Bien à vous,
Lucas Fontaine
06 39 98 17 84""",
     "candidature", "normale", 0, "positif", box="mbox")

mail("mb-tec-en", "2026-10-21 13:40", "Ana Ribeiro <ana.ribeiro@sapo.pt>", SUPPORT,
     "Orbe chair - lumbar support",
     """Hello,

I received my Orbe chair in Porto last week. I cannot find how to move the lumbar support up and down, it seems fixed. Is there a trick?

Thank you,
Ana""",
     "technique", "basse", 0, "neutre", lang="en", tz="Europe/Lisbon", box="mbox")

mail("mb-autre-horaires", "2026-10-22 12:03", "Gilles Perrot <gilles.perrot@gmail.com>", CONTACT,
     "Showroom ouvert le 1er novembre ?",
     """Bonjour,

Je voudrais venir essayer des fauteuils au showroom pendant le week-end de la Toussaint. Êtes-vous ouverts le samedi 31 octobre ? Et faut-il réserver ?

Merci
Gilles Perrot""",
     "autre", "basse", 0, "neutre", box="mbox")

mail("mb-liv-rdv", "2026-10-27 08:44", "Aïcha Diallo <aicha.diallo@gmail.com>", SUPPORT,
     "Pas de SMS pour le rendez-vous de livraison",
     """Bonjour,

Ma commande ERG-244902 (Alto 120) est expédiée depuis le 21 octobre mais le transporteur ne m'a pas contactée pour fixer le rendez-vous. Est-ce que mon numéro est bien renseigné ? C'est le 06 39 98 02 66.

Merci !
Aïcha""",
     "livraison", "normale", 0, "neutre", box="mbox")

mail("mb-spam-iphone", "2026-10-29 05:12", "Jeu Concours <gagnant@promo-jeu-france.club>", CONTACT,
     "Félicitations ! Vous avez été sélectionné 🎁",
     """Félicitations !

Votre adresse a été tirée au sort pour recevoir un iPhone 17 Pro. Il vous suffit de payer les frais de port (1,95 €) pour recevoir votre cadeau.

Réclamer mon cadeau : http://promo-jeu-france.club/claim

Offre valable 24h.""",
     "autre", "basse", 1, "neutre", box="mbox", tz="UTC")

mail("mb-cmd-latin1", "2026-10-30 17:25", "Robert Gauthier <robert.gauthier@wanadoo.fr>", SUPPORT,
     "Délai pour un bureau Alto Angle",
     """Bonjour,

Je souhaite commander un bureau d'angle Alto Angle en chêne clair avec piètement blanc. Quel est le délai de livraison pour la région de Chambéry ? Et est-ce que l'option de montage à domicile est disponible pour ce modèle ?

Salutations
Robert Gauthier""",
     "commande", "basse", 0, "neutre", box="mbox", charset="iso-8859-1", mailer="Mozilla Thunderbird 115.4")


# ===========================================================================
# Output
# ===========================================================================

def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("msg-*.eml"):
        old.unlink()
    mbox_path = OUT / "archive.mbox"
    if mbox_path.exists():
        mbox_path.unlink()

    inbox = sorted((m for m in MAILS if m.get("box", "eml") == "eml"), key=lambda m: m["date"])
    archive = sorted((m for m in MAILS if m.get("box") == "mbox"), key=lambda m: m["date"])
    rows = []
    eml_policy = policy.compat32.clone(linesep="\r\n", max_line_length=78)
    for n, m in enumerate(inbox, 1):
        name = f"msg-{n:03d}.eml"
        (OUT / name).write_bytes(build(m).as_bytes(policy=eml_policy))
        rows.append((name, m))

    box = mailbox.mbox(str(mbox_path), create=True)
    box.lock()
    try:
        for n, m in enumerate(archive, 1):
            msg = mailbox.mboxMessage(build(m).as_bytes(policy=policy.compat32))
            _, addr = parseaddr(m["frm"])
            msg.set_from(addr, _when(m["date"], m.get("tz")).astimezone(dt.timezone.utc).timetuple())
            box.add(msg)
            rows.append((f"archive.mbox#{n}", m))
        box.flush()
    finally:
        box.unlock()
        box.close()

    with (OUT / "labels.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["file", "category", "urgency", "spam", "sentiment", "language"])
        for name, m in rows:
            w.writerow([name, m["cat"], m["urg"], m["spam"], m["sent"], m["lang"]])

    from collections import Counter
    print(f"{len(inbox)} .eml files, {len(archive)} mails in archive.mbox")
    print("categories:", dict(Counter(m["cat"] for m in MAILS)))
    print("spam:", sum(m["spam"] for m in MAILS), "| english:", sum(m["lang"] == "en" for m in MAILS))


if __name__ == "__main__":
    main()
