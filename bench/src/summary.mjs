/**
 * Turns per-round figures into the summary the tables print: medians, ranges, per-round ratios
 * to the framework's baseline, target checks (on the paired measurement when the run has one)
 * and comparisons with the peers.
 */
import { median, range, roundRatios } from './stats.mjs';

/** A figure per round (index = round - 1), `null` where the round is missing or invalid. */
function perRound(subject, rounds, field = 'rps') {
  const values = new Array(rounds).fill(null);
  for (const r of subject?.rounds ?? [])
    if (r.valid && Number.isFinite(r[field])) values[r.round - 1] = r[field];
  return values;
}

/**
 * Server CPU efficiency per round: requests per CPU-second (1e6 / µs per request). Unlike
 * req/s it does not drop when other processes take the server's core, so its ratios stay
 * meaningful on a busy machine.
 */
function efficiencyPerRound(subject, rounds) {
  return perRound(subject, rounds, 'cpuUsPerRequest').map((us) => (us && us > 0 ? 1e6 / us : null));
}

/**
 * The prebuilt-answer ceiling a subject of ours is measured against: `meta.prebuilt` (a subject
 * id) when it names one; otherwise, for a cached in-process subject (no Redis), the framework's
 * non-baseline, in-process ceiling answering the same way (conditional or not). `undefined` for the rest.
 */
function prebuiltCeilingOf(subject, members) {
  const { meta } = subject;
  if (meta.prebuilt) return members.find((m) => m.id === meta.prebuilt);
  if (meta.role !== 'ours' || !meta.cached || meta.needsRedis) return undefined;
  return members.find(
    (m) =>
      m.meta.role === 'ceiling' &&
      !m.meta.baseline &&
      !m.meta.needsRedis &&
      Boolean(m.meta.conditional) === Boolean(meta.conditional),
  );
}

/** Fewest valid pairs a verdict is judged on; with fewer, the rounds' figure judges it. */
export const MIN_PAIRS = 3;

/**
 * A subject against another from the paired measurement (`paired.mjs`), pair by pair: median
 * and range of the req/s ratios, median of the CPU-efficiency and p99 ratios. `undefined` when
 * the run has no such pair or it is invalid.
 */
function pairedFigure(results, subjectId, ofId) {
  const entry = results.paired?.find((p) => p.subject === subjectId && p.of === ofId);
  if (!entry || entry.problems.length > 0) return undefined;
  // `steady === false`: the reference's two readings disagreed (the host's speed moved), not counted.
  const valid = entry.pairs.filter((p) => p.ours.valid && p.theirs.valid && p.steady !== false);
  const of = (side, field) => valid.map((p) => p[side][field]);
  const efficiency = (side) => of(side, 'cpuUsPerRequest').map((us) => 1e6 / us);
  const ratios = roundRatios(of('ours', 'rps'), of('theirs', 'rps'));
  return {
    count: valid.length,
    ratios,
    value: median(ratios),
    range: range(ratios),
    cpuValue: median(roundRatios(efficiency('ours'), efficiency('theirs'))),
    p99Value: median(roundRatios(of('ours', 'p99'), of('theirs', 'p99'))),
    invalid: entry.pairs.length - valid.length,
  };
}

/**
 * @param {{ subjects: Array<{ id: string, meta: object, rounds: object[], unavailable?: string }> }} results
 * @param {number} rounds
 */
export function summarize(results, rounds) {
  const byId = new Map(results.subjects.map((s) => [s.id, s]));
  const frameworks = [...new Set(results.subjects.map((s) => s.meta.framework))];
  const platform = results.subjects.find((s) => s.meta.role === 'platform');
  const groups = [];
  for (const framework of frameworks) {
    const members = results.subjects.filter((s) => s.meta.framework === framework);
    const baseline = members.find((s) => s.meta.baseline);
    const baselineRounds = perRound(baseline, rounds);
    const baselineEfficiency = efficiencyPerRound(baseline, rounds);
    const rows = [];
    const list = framework === 'node' || !platform ? members : [...members, platform];
    for (const s of list) {
      const values = perRound(s, rounds);
      const valid = values.filter((v) => v !== null);
      const ratios = roundRatios(values, baselineRounds);
      const cpuRatios = roundRatios(efficiencyPerRound(s, rounds), baselineEfficiency);
      const row = {
        id: s.id,
        title: s.meta.title,
        role: s.meta.role,
        baseline: s === baseline,
        reference: s.meta.framework !== framework,
        unavailable: s.unavailable,
        invalid: s.rounds.filter((r) => !r.valid).map((r) => `round ${r.round}: ${r.problems.join('; ')}`),
        perRound: values,
        rps: median(valid),
        rpsRange: range(valid),
        p99: median(s.rounds.filter((r) => r.valid && r.p99 !== undefined).map((r) => r.p99)),
        ratios,
        ratio: median(ratios),
        ratioRange: range(ratios),
        cpuUsPerRequest: median(perRound(s, rounds, 'cpuUsPerRequest').filter((v) => v !== null)),
        cpuRatio: median(cpuRatios),
        cpuRatios,
        foreignCpu: median(s.rounds.filter((r) => r.valid).map((r) => r.foreignCpu)),
        serverCpu: median(
          s.rounds.filter((r) => r.valid && Number.isFinite(r.serverCpu)).map((r) => r.serverCpu),
        ),
      };
      const prebuilt = s.meta.framework === framework ? prebuiltCeilingOf(s, members) : undefined;
      if (prebuilt) {
        row.prebuilt = {
          id: prebuilt.id,
          value: median(roundRatios(values, perRound(prebuilt, rounds))),
          cpuValue: median(roundRatios(efficiencyPerRound(s, rounds), efficiencyPerRound(prebuilt, rounds))),
        };
      }
      if (s.meta.target && s.meta.framework === framework) {
        const of = s.meta.target.of ?? baseline?.id;
        const ofSubject = byId.get(of);
        const value = median(roundRatios(values, perRound(ofSubject, rounds)));
        const cpuValue = median(
          roundRatios(efficiencyPerRound(s, rounds), efficiencyPerRound(ofSubject, rounds)),
        );
        // Judged on the paired measurement when it has enough valid pairs, else on the rounds.
        const paired = pairedFigure(results, s.id, of);
        const onPairs = paired !== undefined && paired.count >= MIN_PAIRS;
        const judged = onPairs ? paired.value : value;
        row.target = {
          cpuValue,
          ratio: s.meta.target.ratio,
          of,
          value,
          paired,
          judgedOnPairs: onPairs,
          judged,
          met: Number.isFinite(judged) ? judged >= s.meta.target.ratio : undefined,
          reason: !ofSubject
            ? `${of ?? 'the baseline'} not in this run`
            : ofSubject.unavailable
              ? `${of} not available`
              : undefined,
        };
      }
      if (s.meta.p99Target && s.meta.framework === framework) {
        // Tail latency against another subject's, round by round: ours / theirs (lower is better).
        const { ratio: limit, of } = s.meta.p99Target;
        const value = median(roundRatios(perRound(s, rounds, 'p99'), perRound(byId.get(of), rounds, 'p99')));
        const paired = pairedFigure(results, s.id, of);
        const onPairs = paired !== undefined && paired.count >= MIN_PAIRS;
        const judged = onPairs ? paired.p99Value : value;
        row.p99Target = {
          ratio: limit,
          of,
          value,
          paired,
          judgedOnPairs: onPairs,
          judged,
          met: Number.isFinite(judged) ? judged <= limit : undefined,
        };
      }
      if (s.meta.peers && s.meta.framework === framework) {
        row.peers = s.meta.peers.map((peerId) => {
          const peer = byId.get(peerId);
          const value = median(roundRatios(values, perRound(peer, rounds)));
          const cpuValue = median(
            roundRatios(efficiencyPerRound(s, rounds), efficiencyPerRound(peer, rounds)),
          );
          return { id: peerId, value, cpuValue, ahead: Number.isFinite(value) ? value > 1 : undefined };
        });
      }
      if (s.meta.compare && s.meta.framework === framework) {
        row.compare = s.meta.compare.map((otherId) => {
          const other = byId.get(otherId);
          const value = median(roundRatios(values, perRound(other, rounds)));
          const cpuValue = median(
            roundRatios(efficiencyPerRound(s, rounds), efficiencyPerRound(other, rounds)),
          );
          return { id: otherId, value, cpuValue };
        });
      }
      rows.push(row);
    }
    groups.push({ framework, baseline: baseline?.id, rows });
  }
  return groups;
}
