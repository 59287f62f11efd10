/**
 * Tunnel pool assignment (DESIGN.md section 6, from the seed): a new mirror
 * goes to the usable member with the fewest sessions; sessions on a member
 * that left the pool or went down move to the others; healthy sessions
 * are never shuffled; with no usable member a mirror waits as no-tunnel.
 */
export interface Assignable {
  acctSessionId: string;
  tunnel: string | null;
}

export interface Move {
  key: string;
  from: string | null;
  to: string | null;
}

/** The usable member with the fewest sessions (ties: pool order), or null. */
export function pickMember(usable: readonly string[], sessions: Iterable<Assignable>): string | null {
  if (!usable.length) return null;
  const load = new Map<string, number>(usable.map((u) => [u, 0]));
  for (const s of sessions) if (s.tunnel !== null && load.has(s.tunnel)) load.set(s.tunnel, load.get(s.tunnel)! + 1);
  let best: string | null = null;
  let bestLoad = Infinity;
  for (const u of usable) {
    const l = load.get(u)!;
    if (l < bestLoad) {
      best = u;
      bestLoad = l;
    }
  }
  return best;
}

/**
 * Reassign sessions whose member is no longer usable (and those waiting
 * with no tunnel) to the least-loaded usable members. Mutates `sessions`
 * and returns the moves made.
 */
export function rebalance(usable: readonly string[], sessions: Assignable[]): Move[] {
  const ok = new Set(usable);
  const moves: Move[] = [];
  const load = new Map<string, number>(usable.map((u) => [u, 0]));
  for (const s of sessions) if (s.tunnel !== null && ok.has(s.tunnel)) load.set(s.tunnel, load.get(s.tunnel)! + 1);
  for (const s of sessions) {
    if (s.tunnel !== null && ok.has(s.tunnel)) continue;
    let to: string | null = null;
    let min = Infinity;
    for (const u of usable) {
      const l = load.get(u)!;
      if (l < min) {
        min = l;
        to = u;
      }
    }
    if (to === s.tunnel) continue;
    if (to !== null) load.set(to, load.get(to)! + 1);
    moves.push({ key: s.acctSessionId, from: s.tunnel, to });
    s.tunnel = to;
  }
  return moves;
}
