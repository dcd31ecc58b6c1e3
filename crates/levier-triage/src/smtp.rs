//! Mail levier writes: agents' replies to customers' mails and acknowledgements, sent through
//! the company's SMTP server (`[smtp]`) with lettre's client, TLS by rustls.
//!
//! A reply carries `In-Reply-To` and `References` naming the customer's mail, and `Re: ` before
//! its subject (once), so the customer's mail client files it under their own message. Every
//! message gets its `Message-ID` from the caller, chosen before the first attempt: a retried
//! send after a lost acknowledgement from the server carries the same id, which receiving
//! servers and clients treat as the same mail.

use std::fmt;
use std::time::Duration;

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use levier_core::config::{SmtpConfig, SmtpSecurity};

/// How long one SMTP exchange may take before the send is abandoned (and retried later).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a mail could not be built or sent.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    /// `[smtp]` is unusable (no host, unreadable password…): fix the configuration.
    #[error("SMTP configuration: {0}")]
    Config(String),
    /// An address or header of the mail is invalid: sending it again will not help.
    #[error("mail not sendable: {0}")]
    Invalid(String),
    /// The server refused the mail for good (unknown recipient, rejected content).
    #[error("SMTP server refused the mail: {0}")]
    Refused(String),
    /// The server could not be reached, or answered "try later".
    #[error("SMTP server unavailable: {0}")]
    Unavailable(String),
}

impl SmtpError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, SmtpError::Unavailable(_))
    }
}

/// A file sent with a mail.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingFile {
    /// Its name as the recipient sees it.
    pub name: String,
    /// Its MIME type (`application/pdf`).
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A mail to send.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outgoing {
    /// The recipients' addresses.
    pub to: Vec<String>,
    /// The subject, as it is to be shown.
    pub subject: String,
    /// The text, plain.
    pub body: String,
    /// Its `Message-ID`, without angle brackets (see [`new_message_id`]).
    pub message_id: String,
    /// The `Message-ID` (without angle brackets) of the mail this one answers.
    pub in_reply_to: Option<String>,
    /// Marks a mail no person wrote (`Auto-Submitted`, RFC 3834), so that the recipient's
    /// own auto-responder does not answer it and start a loop.
    pub automatic: Option<AutoSubmitted>,
    /// Attached files.
    pub files: Vec<OutgoingFile>,
}

/// `Re: subject`, without a second `Re:` when the subject already answers something.
pub fn reply_subject(subject: &str) -> String {
    let subject = subject.trim();
    let answered = subject
        .get(..3)
        .is_some_and(|p| p.eq_ignore_ascii_case("re:"));
    if answered {
        subject.to_owned()
    } else if subject.is_empty() {
        "Re:".to_owned()
    } else {
        format!("Re: {subject}")
    }
}

/// A `Message-ID` (without angle brackets) at the sender's domain, `levier.what.n.at@domain`:
/// the same for the same `n` (a task's id) and `at` (when it was queued), so every attempt of
/// one send carries one id, while a reset store reusing `n` does not reuse the id.
pub fn new_message_id(what: &str, n: i64, at_millis: i64, from: &str) -> String {
    let domain = from
        .trim()
        .trim_end_matches('>')
        .rsplit_once('@')
        .map_or("levier.invalid", |(_, d)| d);
    format!("levier.{what}.{n}.{at_millis:x}@{domain}")
}

/// Sends mail through one SMTP server. Cheap to clone; it holds the password, which its
/// `Debug` never shows.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mailer({} as {})", self.server, self.from)
    }
}

impl Mailer {
    /// A mailer for `[smtp]`, its password read now from the variable or file it names.
    pub fn new(config: &SmtpConfig) -> Result<Mailer, SmtpError> {
        if !config.enabled() {
            return Err(SmtpError::Config("smtp.host is empty".into()));
        }
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| SmtpError::Config(format!("smtp.from '{}': {e}", config.from)))?;
        let host = config.host.trim();
        let tls = match config.security {
            SmtpSecurity::None => Tls::None,
            SmtpSecurity::Starttls => Tls::Required(tls_parameters(host)?),
            SmtpSecurity::Tls => Tls::Wrapper(tls_parameters(host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT));
        if !config.username.trim().is_empty() {
            let password = password(config)?;
            builder = builder.credentials(Credentials::new(config.username.clone(), password));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            server: format!("{host}:{}", config.port),
        })
    }

    /// The sender of every mail.
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Sends `mail`; returns its `Message-ID`.
    pub async fn send(&self, mail: &Outgoing) -> Result<String, SmtpError> {
        let message = build_message(&self.from, mail)?;
        self.transport
            .send(message)
            .await
            .map_err(|e| send_error(&self.server, &e))?;
        Ok(mail.message_id.clone())
    }
}

/// The message `mail` describes, from `from`.
pub fn build_message(from: &Mailbox, mail: &Outgoing) -> Result<Message, SmtpError> {
    let invalid = |what: &str, e: &dyn fmt::Display| SmtpError::Invalid(format!("{what}: {e}"));
    if mail.to.is_empty() {
        return Err(SmtpError::Invalid("no recipient".into()));
    }
    if !is_message_id(&mail.message_id) {
        return Err(SmtpError::Invalid(format!(
            "Message-ID '{}' is not id@domain",
            mail.message_id
        )));
    }
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}>", mail.message_id)));
    for to in &mail.to {
        let to: Mailbox = to.trim().parse().map_err(|e| invalid(to, &e))?;
        builder = builder.to(to);
    }
    if let Some(original) = mail.in_reply_to.as_deref().filter(|id| is_message_id(id)) {
        builder = builder
            .in_reply_to(format!("<{original}>"))
            .references(format!("<{original}>"));
    }
    if let Some(automatic) = mail.automatic {
        builder = builder.header(automatic);
    }
    let text = SinglePart::plain(mail.body.clone());
    let built = if mail.files.is_empty() {
        builder.singlepart(text)
    } else {
        let mut parts = MultiPart::mixed().singlepart(text);
        for file in &mail.files {
            let kind = ContentType::parse(&file.content_type)
                .map_err(|e| invalid(&file.content_type, &e))?;
            parts =
                parts.singlepart(Attachment::new(file.name.clone()).body(file.bytes.clone(), kind));
        }
        builder.multipart(parts)
    };
    built.map_err(|e| invalid("message", &e))
}

/// `id@domain` with nothing that would break the header: the ids of mails without one are
/// stored as `sha256:…`, which must never be sent as a reference.
fn is_message_id(id: &str) -> bool {
    id.split_once('@')
        .is_some_and(|(l, r)| !l.is_empty() && !r.is_empty())
        && !id.contains(|c: char| c.is_whitespace() || c == '<' || c == '>')
}

fn tls_parameters(host: &str) -> Result<TlsParameters, SmtpError> {
    TlsParameters::new(host.to_owned())
        .map_err(|e| SmtpError::Config(format!("TLS for {host}: {e}")))
}

/// The password from `password_env` or `password_file`; errors name where it was looked for,
/// never what was found.
fn password(config: &SmtpConfig) -> Result<String, SmtpError> {
    let raw = if !config.password_env.trim().is_empty() {
        let var = config.password_env.trim();
        std::env::var(var).map_err(|_| {
            SmtpError::Config(format!(
                "the password's environment variable {var} is not set"
            ))
        })?
    } else if !config.password_file.as_os_str().is_empty() {
        let file = &config.password_file;
        std::fs::read_to_string(file).map_err(|e| {
            SmtpError::Config(format!(
                "cannot read the password file {}: {e}",
                file.display()
            ))
        })?
    } else {
        return Err(SmtpError::Config(
            "smtp.username needs password_env or password_file".into(),
        ));
    };
    let password = raw.trim();
    if password.is_empty() {
        return Err(SmtpError::Config("the SMTP password is empty".into()));
    }
    Ok(password.to_owned())
}

/// lettre's error as ours: permanent SMTP answers (5xx) are refusals, the rest may pass.
fn send_error(server: &str, e: &lettre::transport::smtp::Error) -> SmtpError {
    let message = format!("{server}: {e}");
    if e.is_permanent() {
        SmtpError::Refused(message)
    } else {
        SmtpError::Unavailable(message)
    }
}

/// Why a machine wrote a mail: the `Auto-Submitted` header (RFC 3834).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoSubmitted {
    /// `auto-replied`: an automatic answer to a mail (an acknowledgement).
    Replied,
    /// `auto-generated`: written on a schedule (a report).
    Generated,
}

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        match s.trim() {
            "auto-replied" => Ok(AutoSubmitted::Replied),
            "auto-generated" => Ok(AutoSubmitted::Generated),
            other => Err(format!("Auto-Submitted: {other}").into()),
        }
    }

    fn display(&self) -> HeaderValue {
        let value = match self {
            AutoSubmitted::Replied => "auto-replied",
            AutoSubmitted::Generated => "auto-generated",
        };
        HeaderValue::new(Self::name(), value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_say_re_once() {
        assert_eq!(reply_subject("Colis en retard"), "Re: Colis en retard");
        assert_eq!(reply_subject("RE: Colis"), "RE: Colis");
        assert_eq!(reply_subject(" re:Colis "), "re:Colis");
        assert_eq!(reply_subject(""), "Re:");
        assert_eq!(reply_subject("Réclamation"), "Re: Réclamation");
    }

    #[test]
    fn message_ids_are_at_the_sender_s_domain() {
        let id = new_message_id("reply", 7, 255, "Support <support@ergolis.fr>");
        assert_eq!(id, "levier.reply.7.ff@ergolis.fr");
        assert!(
            id.starts_with("levier.reply.7.") && id.ends_with("@ergolis.fr"),
            "{id}"
        );
        assert!(is_message_id(&id));
        assert!(!is_message_id("sha256:abcd"));
        assert!(!is_message_id("a@b> <c@d"));
    }

    #[test]
    fn a_password_is_never_shown() {
        let path = std::env::temp_dir().join(format!("levier-smtp-{}", std::process::id()));
        std::fs::write(&path, "  s3cret-smtp\n").expect("temp file");
        let config = SmtpConfig {
            host: "127.0.0.1".into(),
            port: 2525,
            security: SmtpSecurity::None,
            username: "u".into(),
            password_file: path.clone(),
            from: "support@example.fr".into(),
            ..SmtpConfig::default()
        };
        assert_eq!(password(&config).unwrap(), "s3cret-smtp");
        let mailer = Mailer::new(&config).unwrap();
        std::fs::remove_file(&path).ok();
        let shown = format!("{mailer:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        let missing = SmtpConfig {
            password_file: "/nonexistent/levier".into(),
            ..config.clone()
        };
        let e = Mailer::new(&missing).unwrap_err().to_string();
        assert!(e.contains("/nonexistent/levier"), "{e}");
        let unset = SmtpConfig {
            password_env: "LEVIER_TEST_NO_SUCH_SMTP_VAR".into(),
            password_file: Default::default(),
            ..config
        };
        let e = Mailer::new(&unset).unwrap_err().to_string();
        assert!(e.contains("LEVIER_TEST_NO_SUCH_SMTP_VAR"), "{e}");
    }

    #[test]
    fn bad_addresses_are_refused_before_sending() {
        let from: Mailbox = "support@example.fr".parse().unwrap();
        let mail = Outgoing {
            to: vec!["not an address".into()],
            subject: "x".into(),
            message_id: "a@example.fr".into(),
            ..Outgoing::default()
        };
        let e = build_message(&from, &mail).unwrap_err();
        assert!(
            matches!(e, SmtpError::Invalid(_)) && !e.is_transient(),
            "{e}"
        );
        let nobody = Outgoing { to: vec![], ..mail };
        assert!(build_message(&from, &nobody).is_err());
    }
}
