// Ranking an ambiguous mention's candidates over a whole text, for texts
// the core searched in pieces or parts (it ranks within each call).

/**
 * Puts the candidates of each ambiguous mention in the order the core gives
 * for one whole text (it ranks within each piece): entities the text also
 * names unambiguously first, most often named first, then dictionary order.
 * `triples` holds (start, end, entity) runs, one run per mention.
 */
export function rankCandidates(triples) {
  const named = new Map();
  const runs = [];
  for (let i = 0; i < triples.length;) {
    let end = i + 3;
    while (end < triples.length && triples[end] === triples[i] && triples[end + 1] === triples[i + 1]) end += 3;
    if (end - i === 3) named.set(triples[i + 2], (named.get(triples[i + 2]) ?? 0) + 1);
    else runs.push(i, end);
    i = end;
  }
  for (let r = 0; r < runs.length; r += 2) {
    const [from, to] = [runs[r], runs[r + 1]];
    const candidates = [];
    for (let i = from; i < to; i += 3) candidates.push(triples[i + 2]);
    candidates.sort((a, b) => (named.get(b) ?? 0) - (named.get(a) ?? 0) || a - b);
    for (let k = 0; k < candidates.length; k++) triples[from + 3 * k + 2] = candidates[k];
  }
}
