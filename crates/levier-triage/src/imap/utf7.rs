//! Mailbox names on the wire: IMAP's modified UTF-7 (RFC 3501 §5.1.3). A French mailbox has
//! folders such as « Traités » or « Boîte de réception »; servers that have not enabled
//! UTF-8 (most) refuse them raw. Printable ASCII stays as it is (`&` becomes `&-`); other
//! characters go as UTF-16 in base64 (with `,` for `/`) between `&` and `-`.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/// `name` in modified UTF-7.
pub(super) fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            out.push(c);
            if c == '&' {
                out.push('-');
            }
        } else {
            pending.extend(c.encode_utf16(&mut [0; 2]).iter());
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// Writes a run of non-ASCII characters as `&BASE64-` and empties it.
fn flush(pending: &mut Vec<u16>, out: &mut String) {
    if pending.is_empty() {
        return;
    }
    let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
    out.push('&');
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        // 1, 2 or 3 bytes give 2, 3 or 4 characters: no padding in modified base64.
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out.push('-');
    pending.clear();
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn names_are_encoded_as_rfc_3501_says() {
        assert_eq!(encode("INBOX"), "INBOX");
        assert_eq!(encode("Traités"), "Trait&AOk-s");
        assert_eq!(encode("Boîte de réception"), "Bo&AO4-te de r&AOk-ception");
        assert_eq!(encode("R&D"), "R&-D");
        // RFC 3501's own example.
        assert_eq!(
            encode("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
    }
}
