//! Property tests of the formatter on generated rule files: formatting is
//! idempotent and keeps the meaning (the same checked declarations).

use proptest::prelude::*;

/// Conditions built from the language's operators, with random spacing,
/// line breaks, comments and parentheses.
fn condition() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("ad.body has euph".to_string()),
        Just("ad.title has \"snap\"".to_string()),
        Just("texte has tarif".to_string()),
        Just("ad.price < 100 EUR".to_string()),
        Just("len(ad.body) >= 3".to_string()),
        Just("exists(ad.phone)".to_string()),
        Just("ad.city == \"Lyon\"".to_string()),
        Just("any(phones(texte), p => p.obscured)".to_string()),
        Just("any(prices(texte), p => p.per_hour >= 80 EUR and p.coded)".to_string()),
        Just("hits(texte, euph) >= 2".to_string()),
        Just("true".to_string()),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone(), space())
                .prop_map(|(a, b, s)| format!("{a}{s}and{s}{b}")),
            (inner.clone(), inner.clone(), space()).prop_map(|(a, b, s)| format!("{a}{s}or{s}{b}")),
            (inner.clone(), space()).prop_map(|(a, s)| format!("not{s}({a})")),
            (inner.clone(), space()).prop_map(|(a, s)| format!("({s}{a}{s})")),
        ]
    })
}

/// Some white space: a space, several, or a line break and indentation.
fn space() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" ".to_string()),
        Just("   ".to_string()),
        Just("\n      ".to_string()),
        Just(" # a comment\n  ".to_string()),
    ]
}

fn pack(condition: &str, score: i32, spacing: &str) -> String {
    format!(
        "pack p{spacing}threshold 10\nlexicon euph {{ \"douche possible\"{spacing}\"moment d'évasion\" }}\npattern tarif = re\"\\b1h\\s?\\d{{2,3}}\\b\"\nlet texte = ad.title + \" \" + ad.body\nrule r {{{spacing}title \"T\"\n  when {condition}\n  score {score}\n}}\n"
    )
}

/// The checked meaning of a pack: rules' conditions and scores, lets.
fn meaning(source: &str) -> String {
    let mut sources = vigie::Sources::default();
    sources.add("p.vigie", source);
    let checked = vigie::analyze(&sources, "p");
    assert!(
        !checked.has_errors(),
        "{source}\n{:?}",
        checked
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    let p = &checked.pack;
    format!(
        "{:?}\n{:?}\n{:?}",
        p.rules
            .iter()
            .map(|r| (&r.name, r.score, &r.when))
            .collect::<Vec<_>>(),
        p.lets
            .iter()
            .map(|l| (&l.name, &l.value))
            .collect::<Vec<_>>(),
        p.lexicons
            .iter()
            .map(|l| l.terms.iter().map(|t| &t.text).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn formatting_is_idempotent_and_keeps_meaning(
        c in condition(),
        score in -50i32..100,
        spacing in space(),
    ) {
        let source = pack(&c, score, &spacing);
        let once = vigie::fmt::format_source(&source).expect("generated packs parse");
        let twice = vigie::fmt::format_source(&once).expect("formatted packs parse");
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(meaning(&source), meaning(&once));
    }
}
