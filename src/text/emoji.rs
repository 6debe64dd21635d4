//! The emoji that stand for words, for the `emoji` fold profile.
//!
//! | emoji | word | | emoji | word |
//! |---|---|---|---|---|
//! | 🌹 🥀 | rose | | 🎁 | cadeau |
//! | 🍒 | cerise | | 💶 💵 💰 💸 | argent |
//! | 🍑 | peche | | 📱 📞 ☎️ | telephone |
//! | 💋 😘 | bisou | | 👻 | snap |
//! | ✈️ | avion | | 💬 | message |
//! | 🚗 🚘 | voiture | | 🆕 | nouveau |
//! | 🏨 | hotel | | ❤️ 💕 💖 💗 | coeur |
//! | 🛏️ | lit | | 🌸 💐 | fleur |
//! | 🔥 | feu | | 🔞 | adulte |
//!
//! Keycap digits (0️⃣ … 9️⃣) become their digit. Other emoji stay as
//! they are. Variation selectors (U+FE0F) are ignored when looking up.
//!
//! The price extractor reads 🌹 🥀 (rose) and 🎁 (cadeau) as code words
//! for money, like the words themselves ("150🌹/h").

/// The word an emoji stands for, if it is in the table.
pub fn emoji_word(emoji: &str) -> Option<&'static str> {
    let key: String = emoji.chars().filter(|&c| c != '\u{fe0f}').collect();
    Some(match key.as_str() {
        "🌹" | "🥀" => "rose",
        "🍒" => "cerise",
        "🍑" => "peche",
        "💋" | "😘" => "bisou",
        "✈" => "avion",
        "🚗" | "🚘" => "voiture",
        "🏨" => "hotel",
        "🛏" => "lit",
        "🔥" => "feu",
        "🎁" => "cadeau",
        "💶" | "💵" | "💰" | "💸" => "argent",
        "📱" | "📞" | "☎" => "telephone",
        "👻" => "snap",
        "💬" => "message",
        "🆕" => "nouveau",
        "❤" | "💕" | "💖" | "💗" => "coeur",
        "🌸" | "💐" => "fleur",
        "🔞" => "adulte",
        _ => return None,
    })
}
