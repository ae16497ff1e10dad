// Entry point of `bin/disco`: dispatches to one module per subcommand. Each returns the exit
// status; usage errors print a clear message and return 2.

export interface Command {
  readonly summary: string;
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  user: async () => (await import('./commands/user.js')).userCommand,
  mkimage: async () => (await import('./commands/mkimage.js')).mkimageCommand,
  boot: async () => (await import('./commands/boot.js')).bootCommand,
};

const SERVE_HELP = `usage: disco serve

Starts the management server (docs/server.md): REST under /api, socket.io at /api/socket.io,
the database in DISCO_DATA_DIR, the machine in a worker thread. Configured by environment:

  PORT                       TCP port (default 3000; 0: any free port)
  DISCO_HOST                 listen address (default 127.0.0.1)
  DISCO_DATA_DIR             database, disks, first admin token (default ./data)
  DISCO_ADMIN_TOKEN          an admin token of your choice (default: one is made at first start)
  DISCO_CPUS, DISCO_NODES, DISCO_MEMORY_MIB   machine topology (default 8, 4, 256)
  DISCO_TIMED                1: timed cache/NUMA model, 0: fast mode (default 1)
  DISCO_NUMA                 NUMA page placement: on (= disco), autonuma, off (default on; timed mode only)
  DISCO_SHUTDOWN_TIMEOUT_MS  how long a shutdown waits for the guest (default 10000)
  DISCO_AUTOSTART            0: do not start autostart VMs (default 1)
  DISCO_RATE_LIMIT           changes per second per token, 0: no limit (default 30)

Exit status: 0 after SIGINT/SIGTERM, 2 for a bad configuration.
`;

function usage(): string {
  const lines = ['usage: disco <command> [options]', '', 'commands:'];
  lines.push('  user [--stats] [--timed] ELF [ARGS...]   run a static Linux/MIPS o32 program (like qemu-mipsel)');
  lines.push('  mkimage --out IMG [--size MB] [--add DIR]   build an ext2 disk image (docs/images.md)');
  lines.push('  boot --bare [--cpus N] [--root IMG] [--script FILE|-]   boot the guest kernel (docs/guest.md)');
  lines.push('  serve                                    start the management server (docs/server.md)');
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === 'serve') {
    if (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h')) {
      process.stdout.write(SERVE_HELP);
      return 0;
    }
    if (rest.length > 0) {
      process.stderr.write('disco serve takes no arguments; it is configured by environment variables (disco serve --help)\n');
      return 2;
    }
    return (await import('../../server/src/main.js')).serve();
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(`disco: unknown command "${name}"\n\n` + usage());
    return 2;
  }
  const command = await load();
  return command.run(rest);
}
