import path from 'node:path';
import type { Command } from 'commander';
import { StrictModeError } from '../../errors.js';
import { addCommonOptions, addWorkersOption, priceTableFor, reportSkipped, warnIfEmpty, type CommonOptions } from '../options.js';
import { createProgress, formatBytes } from '../progress.js';

interface BuildCommandOptions extends CommonOptions {
  output: string;
  workers?: number;
  singleFile?: boolean;
  force?: boolean;
}

export function addBuildCommand(program: Command): void {
  const cmd = program
    .command('build')
    .description('build a static report site (opens from file://, no server, readable without scripts)')
    .argument('<inputs...>', 'trace files, folders, glob patterns, or - for standard input')
    .requiredOption('-o, --output <dir>', 'output folder for the site')
    .option('--single-file', 'write one self-contained HTML file instead (inline CSS and script: not CSP-safe)')
    .option('--force', 'write into a non-empty folder that is not an earlier trace-report site (nothing is deleted)');
  addWorkersOption(cmd);
  addCommonOptions(cmd).addHelpText(
    'after',
    `
Examples:
  $ trace-report build traces/ -o site/
  $ trace-report build 'logs/**/*.jsonl.gz' -o report/ --prices prices.json
  $ trace-report build traces/ -o report/ --single-file   # one HTML file for email or chat`,
  );
  cmd.action(async (inputs: string[], opts: BuildCommandOptions) => {
    // Loaded here so that `summary` and `query` never pay for importing vega.
    const { buildSite } = await import('../../site/build.js');
    const progress = createProgress(process.stderr, !opts.quiet);
    const result = await buildSite({
      inputs,
      outDir: opts.output,
      prices: await priceTableFor(opts),
      singleFile: opts.singleFile ?? false,
      force: opts.force ?? false,
      workers: opts.workers,
      onProgress: progress.update,
    });
    progress.done();
    if (!opts.quiet) reportSkipped(result.skipped, result.skippedLines, (s) => process.stderr.write(s));
    warnIfEmpty(result.summary.spans, result.skippedLines, (s) => process.stderr.write(s));
    const entry = shown(result.entry);
    const s = result.summary;
    const what = result.upToDate
      ? `Up to date: ${shown(result.outDir)}/ was built from these same inputs, options and version; nothing written\n`
      : `Wrote ${result.pages.toLocaleString('en-US')} page${result.pages === 1 ? '' : 's'} ` +
        `(${result.files.toLocaleString('en-US')} file${result.files === 1 ? '' : 's'}, ${formatBytes(result.bytes)}) to ${shown(result.outDir)}/\n`;
    process.stdout.write(
      what +
        `${s.spans.toLocaleString('en-US')} span${s.spans === 1 ? '' : 's'} from ${s.runs.toLocaleString('en-US')} run${s.runs === 1 ? '' : 's'}; ` +
        `${result.skippedLines.toLocaleString('en-US')} line${result.skippedLines === 1 ? '' : 's'} skipped\n` +
        `Open it: ${entry} (double-click, or: xdg-open ${entry} / open ${entry})\n`,
    );
    if (result.kept) {
      process.stderr.write(`trace-report: the previous site held files trace-report did not write; they are kept in ${shown(result.kept)}\n`);
    }
    if (opts.strict && result.skippedLines > 0) throw new StrictModeError(result.skippedLines);
  });
}

/** A path as the user would type it: relative below the working folder, absolute elsewhere. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}
