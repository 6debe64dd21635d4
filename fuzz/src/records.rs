//! Arbitrary JSON Lines through the French pack: each line decoded and
//! scanned with one `Scanner` (`decode` + `scan`), then the same lines
//! through the `Pipeline` on 2 threads. Every line is either scanned or
//! rejected, exactly once and in order; both ways agree line by line
//! (outcome and verdict); evidence lies on character boundaries of the
//! record's text. Decoding a line straight from its text (`decode`, the
//! hot path, whose texts are ranges of one copy of the line) gives what
//! decoding its parsed `serde_json::Value` gives (`decode_value`), record
//! or error.
//!
//! The pipeline only uses its second thread for batches of more than 64
//! lines, and gives each thread one half of the batch. So the batch is the
//! input's lines, padded with empty lines (rejected at once) to at least 33,
//! twice: each thread gets one copy, and the stream rules see every ad
//! reposted, as templated ads are.

use vigie::scan::pipeline::{Line, Outcome, Pipeline};

/// Half a batch that the pipeline splits between two threads (> 64 lines).
const HALF: usize = 33;

/// The target: one input, as JSON Lines.
pub fn run(data: &[u8]) {
    let pack = crate::fr_pack();
    // Lines as `vigie scan` cuts them: at '\n', without trailing '\r'.
    let mut raw: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if raw.last().is_some_and(|l| l.is_empty()) {
        raw.pop();
    }
    if raw.is_empty() {
        return;
    }
    let half = HALF.max(raw.len());
    let mut lines: Vec<Line> = Vec::with_capacity(2 * half);
    for _copy in 0..2 {
        for i in 0..half {
            let mut bytes = raw.get(i).map_or_else(Vec::new, |l| l.to_vec());
            while matches!(bytes.last(), Some(b'\n' | b'\r')) {
                bytes.pop();
            }
            lines.push(Line {
                input: 0,
                number: lines.len() as u64 + 1,
                bytes,
                rejected: None,
            });
        }
    }

    // One scanner, line by line.
    let mut scanner = pack.scanner();
    let mut direct = Vec::with_capacity(lines.len());
    for line in &lines {
        let outcome = std::str::from_utf8(&line.bytes).ok().and_then(|text| {
            let decoded = scanner.decode(text);
            same_as_decode_value(pack, text, &decoded);
            let record = decoded.ok()?;
            let verdict = scanner.scan(&record);
            crate::check_evidence(text, &verdict);
            Some(verdict)
        });
        direct.push(outcome);
    }

    // The pipeline, two threads.
    let mut pipeline = Pipeline::new(pack, 2, |_, _, verdict| verdict);
    let mut seen = 0usize;
    let (mut scanned, mut rejected) = (0usize, 0usize);
    let result: Result<(), ()> = pipeline.run_batch(&lines, &mut |line, outcome| {
        assert_eq!(
            line.number as usize,
            seen + 1,
            "lines out of order or repeated"
        );
        let expected = &direct[seen];
        match outcome {
            Outcome::Scanned(verdict) => {
                scanned += 1;
                assert_eq!(
                    Some(&verdict),
                    expected.as_ref(),
                    "line {}: pipeline and scanner disagree",
                    line.number
                );
            }
            Outcome::Rejected(reason) => {
                rejected += 1;
                assert!(!reason.is_empty(), "rejection without a reason");
                assert!(
                    expected.is_none(),
                    "line {}: rejected by the pipeline ({reason}), scanned alone",
                    line.number
                );
            }
        }
        seen += 1;
        Ok(())
    });
    assert!(result.is_ok());
    assert_eq!(seen, lines.len(), "lines lost");
    assert_eq!(
        scanned + rejected,
        lines.len(),
        "read != scanned + rejected"
    );
}

/// `decode(text)` against `decode_value` of the parsed line: the same
/// record, or the same error when the line is JSON; an error when it is
/// not.
fn same_as_decode_value(
    pack: &vigie::Pack,
    text: &str,
    decoded: &Result<vigie::Record, vigie::RecordError>,
) {
    let schema = &pack.checked().schema;
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(json) => assert_eq!(
            decoded,
            &vigie::scan::record::decode_value(schema, &json),
            "decode and decode_value disagree on {text:?}"
        ),
        Err(_) => assert!(
            decoded.is_err(),
            "decoded a line serde_json rejects: {text:?}"
        ),
    }
}
