//! `fingerprint(text)`: measured match rates on templated and unrelated
//! ads. Run with `--nocapture` to see the figures.

use vigie::text::fingerprint::fingerprint;

fn matches(a: &str, b: &str) -> bool {
    match (fingerprint(a), fingerprint(b)) {
        (Some(x), Some(y)) => x.iter().zip(&y).any(|(p, q)| p == q),
        _ => false,
    }
}

const NAMES: &[&str] = &[
    "Lila", "Emma", "Sofia", "Clara", "Jade", "Nina", "Luna", "Mila",
];
const CITIES: &[&str] = &[
    "Lyon", "Nice", "Lille", "Nantes", "Rennes", "Metz", "Brest", "Tours",
];
const TEMPLATES: &[&str] = &[
    "Bonjour messieurs, petite nouvelle juste arrivée sur {city} pour quelques jours. Moi c'est {name}, je vous propose un moment de détente dans un cadre discret et propre, douche possible. {price} la demi-heure. Photos réelles.",
    "Coucou, moi c'est {name}, étudiante toute douce. Je te propose un moment de détente chez moi à {city}, dans un cadre propre et discret. {price} de l'heure. Écris-moi sur snap, pas d'appel.",
    "Nos hôtesses vous reçoivent à {city} 7j/7 de 10h à minuit. Cette semaine {name}, nouvelle et souriante. Moment d'évasion garanti, {price} l'heure. Réservation par téléphone, discrétion assurée.",
];

/// Three words change (name, city, price): the edits of a reposted ad.
#[test]
fn templated_ads_match_and_unrelated_ads_do_not() {
    let mut pairs = 0;
    let mut matched = 0;
    for template in TEMPLATES {
        for (i, (n1, c1)) in NAMES.iter().zip(CITIES).enumerate() {
            for (n2, c2) in NAMES.iter().zip(CITIES.iter().rev()).skip(i + 1) {
                let a = template
                    .replace("{name}", n1)
                    .replace("{city}", c1)
                    .replace("{price}", &(100 + 10 * i).to_string());
                let b = template
                    .replace("{name}", n2)
                    .replace("{city}", c2)
                    .replace("{price}", "150");
                pairs += 1;
                matched += usize::from(matches(&a, &b));
            }
        }
    }
    let templated_rate = matched as f64 / pairs as f64;

    // Unrelated: every pair of distinct ads of the bundled file.
    let bodies: Vec<String> = std::fs::read_to_string("examples/annonces.jsonl")
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!(
                "{} {}",
                v["title"].as_str().unwrap(),
                v["body"].as_str().unwrap()
            )
        })
        .collect();
    let mut unrelated_pairs = 0;
    let mut unrelated_matched = 0;
    for i in 0..bodies.len() {
        for j in i + 1..bodies.len() {
            // The file holds planted reposts; they are near-duplicates, not
            // unrelated: leave out pairs that share most of their words.
            let words = |s: &str| -> std::collections::HashSet<String> {
                s.split_whitespace().map(|w| w.to_lowercase()).collect()
            };
            let (a, b) = (words(&bodies[i]), words(&bodies[j]));
            let jaccard = a.intersection(&b).count() as f64 / a.union(&b).count() as f64;
            if jaccard > 0.5 {
                continue;
            }
            unrelated_pairs += 1;
            unrelated_matched += usize::from(matches(&bodies[i], &bodies[j]));
        }
    }
    let unrelated_rate = unrelated_matched as f64 / unrelated_pairs as f64;
    eprintln!(
        "fingerprint: templated pairs matched {matched}/{pairs} ({:.1} %), unrelated pairs matched {unrelated_matched}/{unrelated_pairs} ({:.2} %)",
        templated_rate * 100.0,
        unrelated_rate * 100.0
    );
    assert!(templated_rate >= 0.9, "templated: {templated_rate}");
    assert!(unrelated_rate <= 0.01, "unrelated: {unrelated_rate}");
}

#[test]
fn fingerprints_are_stable_and_ignore_case_and_accents() {
    let a = fingerprint("Moment d'ÉVASION, douche possible").unwrap();
    let b = fingerprint("moment d'evasion, douche possible").unwrap();
    assert_eq!(a, b);
    assert_eq!(fingerprint(""), None);
}
