/** The JSON line logger: a field never takes the place of the record's own time, level or event name. */
import { strict as assert } from 'assert';
import { createLogger } from '../../src/log';

describe('log: JSON lines', () => {
  it('fields named event, level or time do not overwrite the record (kept under "fields")', () => {
    const lines: string[] = [];
    const log = createLogger('debug', (l) => lines.push(l)).child({ component: 'x' });
    log.info('mirror-event', { event: 'started', level: 'nope', time: 'then', other: 1 });
    const rec = JSON.parse(lines[0]);
    assert.equal(rec.event, 'mirror-event');
    assert.equal(rec.level, 'info');
    assert.match(rec.time, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(rec.fields, { event: 'started', level: 'nope', time: 'then' });
    assert.equal(rec.other, 1);
    assert.equal(rec.component, 'x');
  });

  it('a record without clashing fields has no "fields" member', () => {
    const lines: string[] = [];
    createLogger('info', (l) => lines.push(l)).info('session-start', { session: 3 });
    const rec = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(rec), ['time', 'level', 'event', 'session']);
  });
});
