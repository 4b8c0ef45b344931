/**
 * Model id normalisation: the id as written in a trace (`anthropic/claude-3-5-sonnet-20241022`,
 * `bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0`, `gpt-4o-2024-08-06`) becomes the id the
 * price table and the per-model groups use (`claude-sonnet-3.5`, `claude-sonnet-4`, `gpt-4o`).
 *
 * Only prefixes, date stamps and version tags are removed, and ids are only ever mapped onto the
 * same model: the price table is looked up by exact id, so `gpt-4o` can never turn into
 * `gpt-4o-mini` (or `o3` into `o3-mini`) by a prefix match.
 */

const PLACEHOLDERS = new Set(['', 'default', 'unknown', 'none', 'null', 'n/a']);

/** LiteLLM-style routing prefixes (`anthropic/claude-…`) and Google's `models/`. */
const PREFIXES = [
  'anthropic',
  'openai',
  'azure',
  'azure_openai',
  'bedrock',
  'vertex_ai',
  'gemini',
  'google',
  'mistral',
  'mistralai',
  'cohere',
  'groq',
  'meta',
  'meta-llama',
  'models',
];

/** Bedrock model ids: `anthropic.claude-…`, with a cross-region prefix such as `us.` or `eu.`. */
const BEDROCK_ANTHROPIC = /^(?:[a-z-]{2,8}\.)?anthropic\./;

/**
 * Dated snapshots that were priced differently from the model they belong to, so their date
 * must stay (gpt-4o-2024-05-13 cost twice gpt-4o).
 */
const KEEP_DATED = new Set(['gpt-4o-2024-05-13']);

/**
 * OpenAI's older `-MMDD` snapshots, spelled out one by one: a general `-\d{4}` rule is not safe,
 * because gpt-3.5-turbo-1106 and -0613 were priced differently from gpt-3.5-turbo, and
 * gpt-4-0125-preview is GPT-4 Turbo, not GPT-4.
 */
const ALIASES = new Map<string, string>([
  ['gpt-4-0314', 'gpt-4'],
  ['gpt-4-0613', 'gpt-4'],
  ['gpt-4-turbo-preview', 'gpt-4-turbo'],
  ['gpt-4-1106-preview', 'gpt-4-turbo'],
  ['gpt-4-0125-preview', 'gpt-4-turbo'],
  ['gpt-3.5-turbo-0125', 'gpt-3.5-turbo'],
]);

const CLAUDE_FAMILIES = 'opus|sonnet|haiku|fable|mythos';
/** `claude-3-5-sonnet`, `claude-3.5-sonnet`, `claude-4-opus` (version before family). */
const CLAUDE_OLD = new RegExp(`^claude-(\\d{1,2})(?:[-.](\\d{1,2}))?-(${CLAUDE_FAMILIES})(?:-v\\d+(?::\\d+)?)?$`);
/** `claude-sonnet-4-5`, `claude-sonnet-4.5`, `claude-sonnet-4-0` (family before version). */
const CLAUDE_NEW = new RegExp(`^claude-(${CLAUDE_FAMILIES})-(\\d{1,2})(?:[-.](\\d{1,2}))?(?:-v\\d+(?::\\d+)?)?$`);

/** `default`, `unknown`, empty and the like, also behind a prefix (`openai/unknown`). */
export function isPlaceholderModel(written: string | null | undefined): boolean {
  return normaliseModelId(written) === null;
}

// Model ids repeat on every line of a trace; the cache keeps normalisation off the hot path.
const cache = new Map<string, string | null>();
const CACHE_LIMIT = 10_000;

/** The last model looked up and its id: a run's lines mostly name the same model one after another. */
let lastWritten: string | null = null;
let lastId: string | null = null;

export function normaliseModelId(written: string | null | undefined): string | null {
  if (written == null) return null;
  if (written === lastWritten) return lastId;
  const id = cachedId(written);
  lastWritten = written;
  lastId = id;
  return id;
}

function cachedId(written: string): string | null {
  const hit = cache.get(written);
  if (hit !== undefined) return hit;
  const id = normalise(written);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(written, id);
  return id;
}

function normalise(written: string): string | null {
  let id = written.trim().toLowerCase();
  if (PLACEHOLDERS.has(id)) return null;
  id = stripPrefixes(id);
  if (PLACEHOLDERS.has(id)) return null;
  if (KEEP_DATED.has(id)) return id;
  id = stripVersionTags(id);
  id = canonicalClaude(id);
  // A Map: an object would answer a model named `constructor` with its prototype's.
  id = ALIASES.get(id) ?? id;
  return id === '' ? null : id;
}

function stripPrefixes(id: string): string {
  for (;;) {
    const slash = id.indexOf('/');
    if (slash > 0) {
      const head = id.slice(0, slash);
      if (head === 'openrouter') {
        // openrouter/<vendor>/<model>: the vendor goes too.
        const rest = id.slice(slash + 1);
        const next = rest.indexOf('/');
        id = next > 0 ? rest.slice(next + 1) : rest;
        continue;
      }
      if (PREFIXES.includes(head)) {
        id = id.slice(slash + 1);
        continue;
      }
    }
    const bedrock = BEDROCK_ANTHROPIC.exec(id);
    if (bedrock) {
      id = id.slice(bedrock[0].length);
      continue;
    }
    return id;
  }
}

function stripVersionTags(id: string): string {
  return (
    id
      // Bedrock: claude-3-haiku-20240307-v1:0 (only after a date, so claude-v2:1 stays whole)
      .replace(/(-\d{8})-v\d+(?::\d+)?$/, '$1')
      // Vertex AI: claude-sonnet-4@20250514
      .replace(/@\d{8}$/, '')
      .replace(/-latest$/, '')
      // Anthropic: -20250514; OpenAI: -2024-08-06
      .replace(/-\d{8}$/, '')
      .replace(/-\d{4}-\d{2}-\d{2}$/, '')
      // Google: gemini-2.5-flash-preview-05-20, gemini-1.5-pro-002
      .replace(/^(gemini-.+)-preview-\d{2}-\d{2}$/, '$1')
      .replace(/^(gemini-.+)-\d{3}$/, '$1')
  );
}

/** Anthropic ids become `claude-<family>-<version>`, the spelling of the price table. */
function canonicalClaude(id: string): string {
  if (!id.startsWith('claude-')) return id;
  const old = CLAUDE_OLD.exec(id);
  if (old) return claudeId(old[3]!, old[1]!, old[2]);
  const neu = CLAUDE_NEW.exec(id);
  if (neu) return claudeId(neu[1]!, neu[2]!, neu[3]);
  return id;
}

function claudeId(family: string, major: string, minor: string | undefined): string {
  const version = minor === undefined || minor === '0' ? major : `${major}.${minor}`;
  return `claude-${family}-${version}`;
}
