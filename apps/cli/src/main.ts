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
    if (rest.length > 0) {
      process.stderr.write('disco serve takes no arguments; it is configured by environment variables (docs/server.md)\n');
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
