// `pnpm bench <scenario>`: the scenarios arrive with the bench issue; this entry point lists them.
const scenarios = [];
const [name] = process.argv.slice(2);
if (!name || !scenarios.includes(name)) {
  console.error(
    scenarios.length === 0
      ? 'cosmo bench: no scenario is available yet (they land with the bench issue).'
      : `cosmo bench: unknown scenario '${name ?? ''}'. Available: ${scenarios.join(', ')}, all.`,
  );
  process.exit(2);
}
