/**
 * One queue for every writer (NETCONF, RADIUS, timers): tasks run one at a
 * time in arrival order, so a transaction never interleaves with another.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private depth = 0;

  run<T>(task: () => Promise<T> | T): Promise<T> {
    this.depth++;
    const result = this.tail.then(task, task);
    this.tail = result.then(
      () => this.depth--,
      () => this.depth--,
    );
    return result;
  }

  get pending(): number {
    return this.depth;
  }
}
