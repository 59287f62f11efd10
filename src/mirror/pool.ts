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
  return leastLoaded(usable, load);
}

/** The member of `usable` with the fewest sessions in `load` (absent: none; ties: pool order), or null. */
export function leastLoaded(usable: readonly string[], load: ReadonlyMap<string, number>): string | null {
  let best: string | null = null;
  let bestLoad = Infinity;
  for (const u of usable) {
    const l = load.get(u) ?? 0;
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

/**
 * Mirror groups. The sessions of a member are split into groups, each with
 * one shared mirred action in the kernel pointing at the member; a failed
 * member's sessions move group by group (one request per group instead of
 * rewriting every session's filters). A member spreads new sessions over up
 * to GROUPS_PER_MEMBER groups of its own; a move sends each group of the
 * failed member, largest first, to the usable member with the fewest
 * sessions at that point, so the moved sessions are spread over the others
 * in steps of one group, and healthy sessions stay where they are.
 */
export interface Groupable extends Assignable {
  group?: number;
}

/** A group re-pointed: its sessions (keys) go from one member to another (null: no usable member). */
export interface GroupMove {
  group: number;
  from: string | null;
  to: string | null;
  keys: string[];
}

export const GROUPS_PER_MEMBER = 16;

export interface GroupLoad {
  tunnel: string | null;
  count: number;
}

/** Sessions per group (groups without sessions are absent). */
export function groupLoad(sessions: Iterable<Groupable>): Map<number, GroupLoad> {
  const out = new Map<number, GroupLoad>();
  for (const s of sessions) {
    if (s.group === undefined) continue;
    const g = out.get(s.group);
    if (g) g.count++;
    else out.set(s.group, { tunnel: s.tunnel, count: 1 });
  }
  return out;
}

/**
 * The group a new session on `tunnel` joins: a new one (the lowest free id
 * below maxGroups) while the member has fewer than GROUPS_PER_MEMBER groups,
 * else the member's group with the fewest sessions (ties: lowest id). Null
 * when the member has no group and no id is free.
 */
export function pickGroup(tunnel: string, groups: Map<number, GroupLoad>, maxGroups: number): number | null {
  let own = 0;
  let best: number | null = null;
  let bestCount = Infinity;
  for (const [id, g] of groups) {
    if (g.tunnel !== tunnel || g.count <= 0) continue;
    own++;
    if (g.count < bestCount || (g.count === bestCount && id < best!)) {
      best = id;
      bestCount = g.count;
    }
  }
  if (own < GROUPS_PER_MEMBER) {
    for (let id = 0; id < maxGroups; id++) if (!(groups.get(id)?.count ?? 0)) return id;
  }
  return best;
}

/**
 * The pool rules with groups: sessions without a usable group (none yet, or
 * sharing an id with another member's sessions) are given one on their
 * member (a session without a usable member goes to the least-loaded usable
 * member first, as rebalance()); then every group whose member is not usable
 * (or that has none) moves whole to the usable member with the fewest
 * sessions, largest group first; without a usable member its sessions have
 * no tunnel. Mutates `sessions`; returns the session moves (for the events)
 * and the group moves. `grouped` lists the sessions that were given a group
 * without moving (their filters change once).
 */
export function rebalanceGroups(usable: readonly string[], sessions: Groupable[], maxGroups: number): { moves: Move[]; groupMoves: GroupMove[]; grouped: string[] } {
  const ok = new Set(usable);
  const load = new Map<string, number>(usable.map((u) => [u, 0]));
  for (const s of sessions) if (s.tunnel !== null && ok.has(s.tunnel)) load.set(s.tunnel, load.get(s.tunnel)! + 1);
  const least = (): string | null => leastLoaded(usable, load);
  const moves: Move[] = [];
  const grouped: string[] = [];
  // groups as they stand; a session whose group another member's sessions hold is regrouped
  const groups = new Map<number, GroupLoad>();
  const loose: Groupable[] = [];
  for (const s of sessions) {
    const g = s.group === undefined || s.group < 0 || s.group >= maxGroups ? undefined : groups.get(s.group);
    if (s.group === undefined || s.group < 0 || s.group >= maxGroups || (g && g.tunnel !== s.tunnel)) loose.push(s);
    else if (g) g.count++;
    else groups.set(s.group, { tunnel: s.tunnel, count: 1 });
  }
  for (const s of loose) {
    let tunnel = s.tunnel;
    if (tunnel === null || !ok.has(tunnel)) {
      const to = least();
      if (to !== null) {
        load.set(to, load.get(to)! + 1);
        moves.push({ key: s.acctSessionId, from: s.tunnel, to });
      } else if (s.tunnel !== null) moves.push({ key: s.acctSessionId, from: s.tunnel, to: null });
      tunnel = to;
    }
    s.tunnel = tunnel;
    if (tunnel === null) {
      s.group = undefined;
      continue;
    }
    const id = pickGroup(tunnel, groups, maxGroups);
    s.group = id ?? undefined;
    if (id === null) continue;
    const g = groups.get(id);
    if (g) g.count++;
    else groups.set(id, { tunnel, count: 1 });
    if (!moves.length || moves[moves.length - 1].key !== s.acctSessionId) grouped.push(s.acctSessionId);
  }
  const groupMoves = planGroupMoves(usable, groups, load);
  const dest = new Map(groupMoves.map((gm) => [gm.group, gm]));
  if (dest.size) {
    for (const s of sessions) {
      const gm = s.group === undefined ? undefined : dest.get(s.group);
      if (!gm || s.tunnel !== gm.from) continue;
      gm.keys.push(s.acctSessionId);
      moves.push({ key: s.acctSessionId, from: s.tunnel, to: gm.to });
      s.tunnel = gm.to;
    }
  }
  return { moves, groupMoves, grouped };
}

/**
 * The group part of rebalanceGroups, from the groups' loads alone (no walk
 * of the sessions): every group whose member is not usable (or that has
 * none) goes whole, largest first, to the usable member with the fewest
 * sessions at that point (ties: pool order); without one, to null. `load`
 * holds the sessions of each usable member and is updated, as are the
 * groups' tunnels. The moves' keys are left empty.
 */
export function planGroupMoves(usable: readonly string[], groups: Map<number, GroupLoad>, load: Map<string, number>): GroupMove[] {
  const ok = new Set(usable);
  const moves: GroupMove[] = [];
  const stranded = [...groups].filter(([, g]) => g.count > 0 && (g.tunnel === null || !ok.has(g.tunnel))).sort((a, b) => b[1].count - a[1].count || a[0] - b[0]);
  for (const [id, g] of stranded) {
    const to = leastLoaded(usable, load);
    if (to === g.tunnel) continue;
    if (to !== null) load.set(to, (load.get(to) ?? 0) + g.count);
    moves.push({ group: id, from: g.tunnel, to, keys: [] });
    g.tunnel = to;
  }
  return moves;
}
