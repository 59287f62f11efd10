/**
 * Structured logs: one JSON object per line on stderr, with a level.
 * Nothing about an intercept (mediation address, port, handle) is ever
 * passed here; the LI audit log is a separate file (nacm/audit).
 */
export type Level = 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  debug(event: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function isLevel(s: string): s is Level {
  return s in RANK;
}

export function createLogger(level: Level = 'info', out: (line: string) => void = (l) => process.stderr.write(l), base: Record<string, unknown> = {}): Logger {
  const emit = (lv: Level, event: string, fields?: Record<string, unknown>): void => {
    if (RANK[lv] > RANK[level]) return;
    const rec: Record<string, unknown> = { time: new Date().toISOString(), level: lv, event };
    let clash: Record<string, unknown> | undefined;
    for (const src of [base, fields]) {
      if (!src) continue;
      for (const k of Object.keys(src)) {
        // a field never overwrites the record's own time, level or event name: it is kept under `fields`
        if (k === 'time' || k === 'level' || k === 'event' || k === 'fields') (clash ??= {})[k] = src[k];
        else rec[k] = src[k];
      }
    }
    if (clash) rec.fields = clash;
    out(JSON.stringify(rec) + '\n');
  };
  return {
    error: (e, f) => emit('error', e, f),
    warn: (e, f) => emit('warn', e, f),
    info: (e, f) => emit('info', e, f),
    debug: (e, f) => emit('debug', e, f),
    child: (f) => createLogger(level, out, { ...base, ...f }),
  };
}

export const silentLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silentLogger,
};
