//! Secrets never leave specctl: the values of environment variables whose names look secret
//! (TOKEN, SECRET, PASSWORD, KEY, or named in specctl.yaml's `redact`) are replaced in every
//! prompt, report and stored output.

use std::borrow::Cow;
use std::sync::OnceLock;

/// Values shorter than this are left alone: redacting `1` or `true` would garble every text.
const MIN_LEN: usize = 6;
const MARKERS: [&str; 4] = ["TOKEN", "SECRET", "PASSWORD", "KEY"];

static SECRETS: OnceLock<Vec<(String, String)>> = OnceLock::new();

/// The secrets of this environment: (name, value), longest value first.
pub fn secrets_of(
    env: impl Iterator<Item = (String, String)>,
    extra: &[String],
) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = env
        .filter(|(name, value)| {
            let upper = name.to_ascii_uppercase();
            value.len() >= MIN_LEN
                && (MARKERS.iter().any(|m| upper.contains(m)) || extra.iter().any(|e| e == name))
        })
        .collect();
    found.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    found
}

/// Fixes the secrets for this process; later calls keep the first set.
pub fn init(extra: &[String]) {
    let _ = SECRETS.set(secrets_of(std::env::vars(), extra));
}

/// `text` with every secret value replaced by `[redacted NAME]`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let secrets = SECRETS.get_or_init(|| secrets_of(std::env::vars(), &[]));
    redact_with(secrets, text)
}

pub fn redact_with<'a>(secrets: &[(String, String)], text: &'a str) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(text);
    for (name, value) in secrets {
        if out.contains(value.as_str()) {
            out = Cow::Owned(out.replace(value.as_str(), &format!("[redacted {name}]")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn secret_looking_names_and_listed_names_are_redacted() {
        let secrets = secrets_of(
            env(&[
                ("GITHUB_TOKEN", "ghp_abcdef123"),
                ("db_password", "hunter22"),
                ("HOME", "/root/home"),
                ("DEPLOY_URL", "https://x.example"),
                ("API_KEY", "1"),
            ]),
            &["DEPLOY_URL".to_string()],
        );
        let names: Vec<&str> = secrets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["DEPLOY_URL", "GITHUB_TOKEN", "db_password"]);
        let text = "push with ghp_abcdef123 to https://x.example as root:hunter22 in /root/home";
        assert_eq!(
            redact_with(&secrets, text),
            "push with [redacted GITHUB_TOKEN] to [redacted DEPLOY_URL] as root:[redacted db_password] in /root/home"
        );
        assert!(matches!(
            redact_with(&secrets, "nothing here"),
            Cow::Borrowed(_)
        ));
    }
}
