export const USAGE = `Usage:
  flowtapd --data-dir DIR [--netconf-listen HOST:PORT] [--log-level LEVEL]
      Run the agent in the foreground until SIGTERM or SIGINT.
      --data-dir DIR             configuration, state and host keys (created if empty)
      --netconf-listen HOST:PORT NETCONF over SSH listener (default 0.0.0.0:830)
      --log-level LEVEL          error | warn | info | debug (default info)
      Environment: FLOWTAPD_BOOTSTRAP_USER=name:password creates that user in
      group admin on the first start of an empty DIR.

  flowtapd lint [--path DIR]... MODULE.yang... [--data FILE.xml [--type config|data]]
      Compile YANG modules (imports resolved on the search path, standard
      modules included) and optionally validate an XML instance document.
      Exit 0: valid; 1: invalid module or data; 2: usage error.

  flowtapd --help | --version
`;
