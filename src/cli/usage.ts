export const USAGE = `Usage:
  flowtapd --data-dir DIR [--netconf-listen HOST:PORT] [--log-level LEVEL]
      Run the agent in the foreground until SIGTERM, SIGINT (Ctrl-C) or SIGHUP.
      --data-dir DIR             configuration, state and host keys (created if empty)
      --netconf-listen HOST:PORT NETCONF over SSH listener (default 0.0.0.0:830;
                                 [::]:830 for IPv6)
      --log-level LEVEL          error | warn | info | debug (default info)
      Logs are JSON lines on stderr, a start that fails included (event
      start-failed, exit 1). Environment: FLOWTAPD_BOOTSTRAP_USER=name:password
      creates that user in group admin on a start that finds no local user
      (the first start of an empty DIR, or one after it without the variable).

  flowtapd lint [--path DIR]... MODULE.yang... [--data FILE.xml]... [--type config|data]
      Compile YANG modules (imports resolved on the search path: --path, then
      FLOWTAPD_YANG_PATH, yang/, the standard modules) and optionally validate
      an XML instance document (bare, or in a NETCONF <config> or <data>);
      several --data: the documents merged in order, then validated.
      Exit 0: valid; 1: invalid or unreadable module or data; 2: usage error.

  flowtapd show sessions|tunnels|subscribers|radius [--json] [--host HOST] [--port PORT]
                [--user USER] [--password PASSWORD | --key FILE] [--timeout SECONDS]
      Read the agent's operational state over NETCONF (default 127.0.0.1:830)
      and print a table (--json: one JSON document). Credentials also from
      FLOWTAPD_USER / FLOWTAPD_PASSWORD. Exit 0: shown; 1: failed; 2: usage.

  flowtapd --help | --version
`;

/** The agent's synopsis, printed after one of its usage errors (the full text is --help's). */
export const AGENT_SYNOPSIS = 'Usage: flowtapd --data-dir DIR [--netconf-listen HOST:PORT] [--log-level LEVEL]\n';

/**
 * What a usage error prints: one line naming the problem, the synopsis of
 * the command it concerns, and where the rest is (not every command's help).
 */
export function usageError(command: string, problem: string, synopsis: string): string {
  return `${command}: ${problem}\n${synopsis}Run '${command} --help' for the options${command === 'flowtapd' ? ' and the lint and show commands' : ''}.\n`;
}
