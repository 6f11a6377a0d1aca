//! Which Gherkin a file is written in: classic, Markdown (`*.feature.md`), or classic with
//! behave's `'''` doc strings. Each flavor reads as the tool that defines it does.

/// How the lines of a feature file read. The default is the official classic Gherkin.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// `.feature` files, exactly as @cucumber/gherkin reads them.
    #[default]
    Classic,
    /// Markdown Gherkin (`.feature.md`), as @cucumber/gherkin's GherkinInMarkdownTokenMatcher
    /// reads it (cucumber-js): `#` headings, `*`/`-`/`+` bullet steps, fenced doc strings,
    /// `` `@tag` `` code spans, and no `# language:` header.
    Markdown,
    /// Classic Gherkin that also accepts `'''` as a doc-string delimiter, as behave does.
    Behave,
}

/// What a Markdown Gherkin file's name ends with.
pub const MARKDOWN_SUFFIX: &str = ".feature.md";

impl Flavor {
    /// The flavor a file's name says: Markdown for `*.feature.md`, else classic. Only the
    /// caller knows whether a runner is behave, so `Behave` is never guessed here.
    pub fn for_file(name: &str) -> Flavor {
        if name.ends_with(MARKDOWN_SUFFIX) {
            Flavor::Markdown
        } else {
            Flavor::Classic
        }
    }

    /// `Behave` for a classic file, so a caller can ask for behave's doc strings per file
    /// without turning a Markdown file into something else.
    pub fn with_behave_doc_strings(self) -> Flavor {
        match self {
            Flavor::Classic | Flavor::Behave => Flavor::Behave,
            Flavor::Markdown => Flavor::Markdown,
        }
    }
}
