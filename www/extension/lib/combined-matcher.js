// Several engines answering as one matcher: the merged JSON dictionaries
// and each compact index the reader added (a compact index cannot be merged
// into JSON, nor JSON into it, without rebuilding it). The background uses
// it where one LocalMatcher would do for a single engine.

import { rankCandidates } from '../../core/internal/rank.js';

/**
 * Merges the answers of several engines for one text into one answer, as
 * one dictionary holding all their names would give (given that they fold
 * text alike: an index written with --keep-diacritics keeps its own rule
 * beside JSON dictionaries that fold diacritics): mentions never overlap,
 * the one starting first wins, then the longer, and where two
 * dictionaries name the same stretch of text their candidates are joined,
 * the earlier dictionary's first. An entity id an earlier dictionary's
 * candidate has there already is not repeated (ids name one entity), and
 * an entity two dictionaries hold is one entity throughout the text: its
 * mentions all carry the earliest dictionary's record among those the
 * text names, so that candidate ranking counts them together. (A text
 * that names it only through a later dictionary's name gets that
 * dictionary's record.)
 *
 * `answers[k]` is engine k's `{ triples, entities }` (entity numbers its
 * own) holding every occurrence that passes the rules, overlapping ones
 * included (LocalMatcher.matchOverlappingNow): one engine's own choice
 * (matchNow) would drop a shorter name inside a mention of its own that
 * then loses here to another engine's overlapping one. `bases[k]` is added
 * to engine k's entity numbers, so that they stay apart and in dictionary
 * order, which candidate ranking reads.
 */
export function mergeAnswers(answers, bases) {
  const runs = [];
  answers.forEach(({ triples }, part) => {
    for (let i = 0; i < triples.length;) {
      let end = i + 3;
      while (end < triples.length && triples[end] === triples[i] && triples[end + 1] === triples[i + 1]) end += 3;
      runs.push({ start: triples[i], end: triples[i + 1], part, from: i, to: end });
      i = end;
    }
  });
  runs.sort((a, b) => a.start - b.start || b.end - a.end || a.part - b.part);
  const merged = [];
  const recordOf = new Map();
  let taken = null;
  let takenIds = null;
  for (const run of runs) {
    const joins = taken !== null && run.start === taken.start && run.end === taken.end;
    if (!joins && taken !== null && run.start < taken.end) continue;
    if (!joins) {
      taken = run;
      takenIds = new Set();
    }
    const { triples, entities: own } = answers[run.part];
    for (let i = run.from; i < run.to; i += 3) {
      const record = own[triples[i + 2]];
      if (record?.id !== undefined) {
        if (takenIds.has(record.id)) continue;
        takenIds.add(record.id);
      }
      const number = triples[i + 2] + bases[run.part];
      merged.push(run.start, run.end, number);
      recordOf.set(number, record);
    }
  }
  // One number per id: the earliest dictionary's (bases grow with
  // dictionary order) among those this text names.
  const numberOfId = new Map();
  for (let i = 2; i < merged.length; i += 3) {
    const id = recordOf.get(merged[i])?.id;
    if (id === undefined) continue;
    const known = numberOfId.get(id);
    if (known === undefined || merged[i] < known) numberOfId.set(id, merged[i]);
  }
  // Only the records the answer names go with it.
  const entities = {};
  for (let i = 2; i < merged.length; i += 3) {
    const id = recordOf.get(merged[i])?.id;
    if (id !== undefined) merged[i] = numberOfId.get(id);
    entities[merged[i]] = recordOf.get(merged[i]);
  }
  const triples = Uint32Array.from(merged);
  rankCandidates(triples);
  return { triples, entities };
}

export class CombinedMatcher {
  /** `matchers`: LocalMatchers in dictionary order, borrowed (their owner
   * frees them); `infos`: what each one's info() gave. */
  constructor(matchers, infos) {
    this.matchers = matchers;
    this.bases = [];
    let base = 0;
    for (const info of infos) {
      this.bases.push(base);
      base += info.entityCount;
    }
    const types = {};
    for (const info of infos) for (const [type, count] of Object.entries(info.types)) types[type] = (types[type] ?? 0) + count;
    const dates = new Set(infos.map((info) => info.asOf ?? ''));
    this.knownInfo = {
      title: infos.map((info) => info.title).filter(Boolean).join(' + '),
      // One date only when every dictionary has the same one.
      asOf: dates.size === 1 && !dates.has('') ? infos[0].asOf : undefined,
      entityCount: base,
      types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    };
  }

  async info() {
    return { ...this.knownInfo, types: { ...this.knownInfo.types } };
  }

  matchNow(text) {
    return mergeAnswers(this.matchers.map((matcher) => matcher.matchOverlappingNow(text)), this.bases);
  }

  // No free(): the matchers are borrowed. The background shares each
  // engine between the builds whose dictionaries hold it and frees it
  // when the last lets go.
}
