//! Every diagnostic code, with the page `vigie explain CODE` prints.
//!
//! Codes are stable: a code is never reused for another meaning. `E` codes
//! are errors (the pack does not compile), `W` codes are warnings.
//! E00xx syntax, E01xx names, E02xx types, E03xx patterns, E04xx lexicons,
//! E05xx pack and rules, E06xx tests, W0xxx lints.

macro_rules! codes {
    ($( $variant:ident = $code:literal, $title:literal, $page:literal; )*) => {
        /// A diagnostic code. See [`Code::explanation`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The code as written in reports: `E0101`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// A one-line title.
            pub fn title(self) -> &'static str {
                match self { $( Code::$variant => $title, )* }
            }

            /// The long page shown by `vigie explain`.
            pub fn explanation(self) -> &'static str {
                match self { $( Code::$variant => $page, )* }
            }
        }
    };
}

impl Code {
    /// Looks a code up by its text, ignoring case (`e0101` works).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

codes! {
    Syntax = "E0001", "syntax error",
"The parser expected something else at this place.

Each top-level declaration (pack, lexicon, pattern, schema, let, rule,
test) is parsed on its own, so a syntax error in one declaration does not
hide errors in the others. The report says what was expected.

    rule r {
      when ad.body has
    }               # error: expected an expression after `has`

Fix the declaration as the help line suggests.";

    UnterminatedString = "E0002", "unterminated string",
"A string starts with `\"` but the line ends before its closing `\"`.
Strings never span lines in Vigie, so the string ends at the end of line.

    title \"Tarif horaire      # error
    title \"Tarif horaire\"    # fixed";

    InvalidEscape = "E0003", "invalid escape in a string",
"Inside a string, a backslash starts an escape. The known escapes are
\\\" (a quote), \\\\ (a backslash), \\n (new line), \\t (tab), \\r and
\\u{XXXX} (a Unicode code point in hexadecimal).

    \"C:\\dossier\"     # error: \\d is not an escape
    \"C:\\\\dossier\"    # fixed

In a pattern, write a regex literal `re\"...\"` instead: its text goes to
the regex engine unchanged.";

    UnknownDeclaration = "E0004", "unknown declaration keyword",
"A line at the start of a file or at column 0 begins a declaration, and
must start with one of: pack, lexicon, pattern, schema, let, rule, test.

    rul tarif { ... }      # error: did you mean `rule`?";

    ReservedName = "E0005", "reserved word used as a name",
"Some words are reserved for the language and cannot name a lexicon,
pattern, let, rule or field: test, expect, count, distinct, within, by,
and, or, not, has, true, false, null, ad. The rule properties (title,
level, tags, ref, note, when, score) cannot name a lexicon, pattern, let
or rule either, though a record field may be called `tags` (it is read as
`ad.tags`).

    lexicon count { \"x\" }    # error
    lexicon comptage { \"x\" } # fixed";

    UnknownFold = "E0006", "unknown fold profile",
"`fold(...)` lists the differences a lexicon ignores when matching.
The profiles are:

    case      upper and lower case (\"Massage\" = \"massage\")
    accents   diacritics (\"évasion\" = \"evasion\")
    leet      look-alike digits and symbols in words (\"M4ss4ge\", \"d0uche\")
    spacing   letters one by one (\"m.a.s.s.a.g.e\", \"m a s s a g e\")
    emoji     emoji that stand for words (🌹 = rose) and keycap digits

`fold(case, accents)` is the default when no `fold` is written.
Full-width forms, typographic apostrophes, runs of spaces and zero-width
characters are always unified, whatever the profile.";

    UnknownUnit = "E0007", "unknown unit",
"A number can carry a unit: a duration (s, min, h, d, w) or a currency
(€, EUR, $, USD, £, GBP, CHF).

    within 3j      # error: `j` is not a unit; write 3d
    150 euros      # error: write 150 EUR or 150€";

    UnknownLevel = "E0008", "unknown level",
"A rule's level says how strong its evidence is: one of `low`,
`medium`, `high`.

    level hight    # error: did you mean `high`?";

    TooComplex = "E0009", "declaration too deeply nested or too long",
"A declaration may nest parentheses, brackets and braces at most 64 deep
and hold at most 500 operators (and, or, not, has, comparisons, +, -).
These limits keep the parser and the checker within their stack whatever
a pack holds; no real rule comes near them. Split the condition into
`let`s:

    let a = ad.body has euphemismes and tarif_horaire
    let b = ...
    rule r { when a or b score 20 }";

    DuplicateName = "E0101", "name defined twice",
"All files of a pack share one namespace, like a Go package: a lexicon,
pattern, let or rule name can be defined only once in the whole pack.
The report points at both definitions; rename one of them.";

    UnknownName = "E0102", "unknown name",
"The name is not a lexicon, pattern, let or rule of this pack, nor a
variable introduced by `x => ...`. The help line suggests the closest
name when there is one. The record itself is `ad`: fields are `ad.body`,
`ad.title`, ...";

    UnknownField = "E0103", "unknown field",
"The record has no field of that name in the pack's schema. The default
schema is a classified ad with: id, title, body, category, city, phone,
price, posted_at, boosted. A pack can declare its own with `schema ad {
... }`. Values such as prices also have fields (`p.amount`, `p.per`).";

    UnknownFunction = "E0104", "unknown function",
"Built-in functions: len, lower, exists, any, all, min, max, hits,
phones, prices.
count and distinct are reserved for stream indicators. A misspelt name
gets a suggestion.";

    UnknownType = "E0105", "unknown type",
"Field types in a schema are: bool, number, text, money, duration, time,
phone, list<T>, and T? for a value that may be missing.

    schema ad { price: euros }   # error: write money";

    DuplicateField = "E0106", "field declared twice",
"A schema declares each field once. Remove or rename one of the two.";

    CyclicLet = "E0107", "let defined in terms of itself",
"A `let` cannot use itself, directly or through other lets: its value
would never be known.

    let a = b + \"x\"
    let b = a          # error: a -> b -> a";

    PackDeclaration = "E0108", "pack declaration missing or repeated",
"A pack has exactly one `pack` declaration, which names it and may give
its title, version and threshold:

    pack fr \"Indicateurs (FR)\"
      version \"0.1.0\"
      threshold 60

Without one, the pack is named after its folder and the threshold is 50
(a warning). Two are an error.";

    DuplicateProperty = "E0109", "property given twice",
"Each property of a rule (title, level, tags, ref, note, when, score) is
given at most once. To combine conditions, join them with `and`/`or` in
one `when`.";

    MissingProperty = "E0110", "rule without condition or score",
"A rule needs a `when` (its condition) and a `score` (what it adds to
the ad's total when it fires; negative for mitigating evidence).

    rule r {
      when ad.body has euphemismes
      score 20
    }";

    DuplicateSchema = "E0111", "schema declared twice",
"A pack has at most one `schema`. Merge the fields into one declaration.";

    MismatchedTypes = "E0201", "mismatched types",
"Both sides of a comparison must have the same type; units must agree:
money with money, durations with durations. Each side is labelled with
its type.

    ad.price < 2h        # error: money compared with duration
    ad.price < 100 EUR   # fixed";

    HasOperand = "E0202", "`has` needs a lexicon, a pattern or a text",
"`TEXT has X` tests a text against X, which is a lexicon name, a pattern
name, or a literal string:

    ad.body has euphemismes
    ad.body has \"snap\"";

    NotText = "E0203", "expected text",
"This place needs a text value (the left of `has`, the argument of
`lower`, a piece of `+` with text). Record fields of type text are
`ad.title`, `ad.body`, ...";

    NotBool = "E0204", "condition is not true or false",
"A rule's `when`, an `and`/`or`/`not` operand, and the body of
`any`/`all` must be conditions (bool). A number or text alone is not:
compare it (`len(ad.body) > 200`) or test it (`ad.body has x`).";

    ArgumentCount = "E0205", "wrong number of arguments",
"The function takes a different number of arguments. The help line
gives its signature.";

    ArgumentType = "E0206", "wrong argument type",
"An argument has the wrong type for this function. The help line gives
the signature.";

    BadArithmetic = "E0207", "operator not defined for these types",
"`+` joins texts and adds numbers, money (same currency), durations, and
a duration to a time; `-` subtracts them. Other combinations are errors.

    ad.title + 3         # error
    ad.title + \" \" + ad.body   # fine";

    NoSuchMember = "E0208", "value has no such field",
"Only records and some values have fields: `ad.body`; a price's
`amount` and `per`; a phone's `number`. The help line lists what this
value has.";

    MisplacedLambda = "E0209", "function without a list to run over",
"`x => ...` is only written as the last argument of any() or all():

    any(ad.tags, t => t has euphemismes)";

    NotAValue = "E0210", "lexicon or pattern used as a value",
"A lexicon or a pattern is not a value: use it with `has` or `hits`.

    ad.body has euphemismes
    hits(ad.body, euphemismes) >= 2";

    NamedArgument = "E0211", "unexpected named argument",
"Named arguments (`by: ...`, `within: ...`) are only for the stream
aggregates. Built-ins take their arguments in order.";

    RuleAsValue = "E0212", "rule used in an expression",
"Rules cannot be referred to in expressions; put the shared condition in
a `let` and use it in both rules.";

    StreamAggregate = "E0213", "stream aggregate written wrong",
"The stream aggregates take named arguments:

    count(by: KEY, within: DURATION)
    distinct(VALUE, by: KEY, within: DURATION)

`by` is what groups the ads (a field, a phone, `fingerprint(texte)`, or
several keys in a list: `[ad.phone, ad.city]`); `within` is the window
ending at the current ad. `count` counts the ads of the group in the
window, the current ad included; `distinct` counts the different VALUEs
among them.

    count(by: ad.phone, within: 24h) >= 5
    distinct(ad.city, by: ad.phone, within: 14d) >= 3";

    WindowWithoutTime = "E0214", "window without a time field",
"A window (`within: 24h`) is measured on the stream's clock: the schema's
time field (`posted_at: time`, or the first field of type time). This
pack's schema has none; declare one:

    schema ad {
      ...
      posted_at: time?
    }";

    UncomparableKey = "E0215", "this value cannot group ads",
"The key of `count`/`distinct` (and the value of `distinct`) must be
something two ads can share: text, phone, number, bool, money, time, a
fingerprint, or a list of these (several keys at once). A price, a record
or a value that depends on `x => ...` cannot be one.";

    WindowNotLiteral = "E0216", "window is not a duration literal",
"`within:` takes a duration written in the rule (`30min`, `24h`, `14d`,
`2w`): the window decides how much of the stream is kept in memory, so it
must be known before the scan starts.";

    RegexSyntax = "E0301", "invalid regular expression",
"The pattern does not compile. Vigie uses the regex crate's dialect
(https://docs.rs/regex): no backreferences or look-around, which keeps
matching linear in time. The label points inside the literal.

    pattern p = re\"(\\d+\"    # error: unclosed group";

    RegexTooBig = "E0302", "regular expression too large",
"The compiled automaton for this pattern exceeds the size limit. Split
it, or move literal alternatives to a lexicon, which scales to millions
of terms.";

    EmptyLexicon = "E0401", "lexicon without terms",
"A lexicon with no term can never match. Add terms or remove it.";

    EmptyTerm = "E0402", "empty term",
"A term is matched as a word or a phrase; an empty one (or one that
folds to nothing) would match everywhere.";

    MisplacedStar = "E0403", "`*` only at the end of a term",
"A trailing `*` makes a prefix term (\"masseu*\" matches masseuse and
masseur). Anywhere else it is not allowed. For richer shapes, use a
pattern.";

    BadThreshold = "E0501", "threshold must be positive",
"A pack's threshold is the score from which an ad is flagged. It must be
greater than zero, or every ad would be flagged.";

    UnknownTestRule = "E0601", "test names a rule that does not exist",
"An `expect` names a rule of the pack; the help line suggests the
closest one.";

    UnknownTestField = "E0602", "test ad has a field the schema lacks",
"A test ad's fields must be fields of the pack's schema, with values of
the right type.";

    UnusedDeclaration = "W0001", "unused declaration",
"A lexicon, pattern or let is defined but no rule uses it, directly or
through a let. Use it, or remove it.";

    DuplicateTerm = "W0002", "term given twice",
"The same term appears twice in one lexicon (terms are compared after
folding, so \"Évasion\" and \"evasion\" are the same term). The second
copy does nothing: remove it.";

    ShortTerm = "W0003", "very short term",
"Terms under three letters match almost everywhere (\"h\", \"a\"), make
false positives and slow scans. Use a phrase or a pattern with context.";

    UnreachableThreshold = "W0004", "threshold cannot be reached",
"Even if every rule with a positive score fired, the total would stay
under the pack's threshold, so no ad can ever be flagged.";

    MissingPack = "W0005", "no pack declaration",
"The pack has no `pack` declaration; it is named after its folder or file
and its threshold is 50. Add one:

    pack fr \"Indicateurs (FR)\"
      threshold 60";

    ZeroScore = "W0006", "rule scores zero",
"A rule with `score 0` can never change a verdict.";
}

#[cfg(test)]
mod tests {
    use super::Code;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_explained() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {}", code.as_str());
            assert!(
                code.explanation().len() > 40,
                "{} needs a page",
                code.as_str()
            );
            assert_eq!(Code::parse(&code.as_str().to_lowercase()), Some(*code));
        }
    }
}
