// Type declarations of the tenet Node.js binding (index.js).
// Field names are the JSON report's keys (README "JSON output", schema 1);
// newer schemas only add keys.

export type Severity = 'error' | 'warning' | 'info';
export type Verdict = 'fail' | 'unknown' | 'note';

/** One finding. Frozen. Absent values are null, never "" or 0. */
export interface Diagnostic {
  readonly rule: string;
  readonly severity: Severity;
  readonly verdict: Verdict;
  readonly message: string;
  readonly fix: string | null;
  /** For verdict "unknown": why the value could not be resolved. */
  readonly reason: string | null;
  readonly file: string;
  /** 1-based; columns count Unicode code points; end_column is one past the last character. */
  readonly line: number | null;
  readonly column: number | null;
  readonly end_line: number | null;
  readonly end_column: number | null;
  /** Document path, e.g. "Resources.Cache.Properties.EngineVersion". */
  readonly path: string | null;
  /** Logical id, Terraform address or request action. */
  readonly subject: string | null;
  readonly kind: string | null;
  readonly operation: string | null;
  readonly region: string | null;
  readonly regions: readonly string[];
  /** The parameter values / condition choices that trigger it; null = every scenario. */
  readonly scenario: string | null;
  /** The section of the source document the rule encodes. */
  readonly source: string | null;
  readonly [key: string]: unknown;
}

/** An input that could not be read or parsed. Frozen. */
export interface InputErrorInfo {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  /** A stable token, e.g. "parse-error". */
  readonly code: string;
  readonly message: string;
  readonly [key: string]: unknown;
}

export interface Summary {
  files: number;
  subjects: number;
  errors: number;
  warnings: number;
  infos: number;
  input_errors: number;
  [key: string]: number;
}

export interface CheckOptions {
  /** Shown in diagnostics; default "<input>". */
  filename?: string;
  /** Regions to evaluate ("all" = the pack's region set); a string means one region.
   *  Default: the input's own region, else unknown (region rules then say "could not verify"). */
  regions?: string | readonly string[];
  /** Template parameter values (CloudFormation Parameters, Terraform variables). */
  params?: Record<string, string> | Map<string, string>;
  /** "auto" (default: detect), "cloudformation", "terraform-plan", ... */
  inputFormat?: string;
  /** create | update | replace | delete, for inputs that do not name one. */
  operation?: string;
}

export interface TopLevelCheckOptions extends CheckOptions {
  /** Rules to check against; default the built-in packs. */
  rules?: Rules;
}

/** The decoded JSON report. */
export class Report {
  private constructor();
  readonly tenet: string;
  readonly schema: number;
  readonly diagnostics: readonly Diagnostic[];
  /** The JSON's input_errors. */
  readonly inputErrors: readonly InputErrorInfo[];
  readonly summary: Summary;
  /** The diagnostics of severity "error" / "warning". */
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
  /** The library's JSON rendering, verbatim (what `tenet check --format json` prints). */
  readonly json: string;
  /** The report in the JSON schema's shape (input_errors, not inputErrors). */
  toJSON(): Record<string, unknown>;
}

/**
 * A compiled ruleset. The C ruleset is immutable and thread-safe; this object
 * belongs to the thread that created it (worker threads load their own).
 */
export class Rules {
  private constructor();
  /** Checks one input: a string, or bytes (Buffer/Uint8Array). Throws InputError or TypeError. */
  check(source: string | Uint8Array | ArrayBuffer | ArrayBufferView, options?: CheckOptions): Report;
  /** Frees the ruleset now (otherwise the garbage collector does). Idempotent. */
  close(): void;
  readonly closed: boolean;
}

/** Base class of the errors tenet throws. */
export class TenetError extends Error {
  /** The C status name: "TENET_EPARSE", "TENET_ERULES", "TENET_EIO", ... */
  readonly code: string;
  /** The numeric tenet_status. */
  readonly status: number;
  /** 1-based position, or null. */
  readonly line: number | null;
  readonly column: number | null;
  /** The file (or "<rules>", "<input>") the position refers to, or null. */
  readonly source: string | null;
}

/** Rules could not be read or compiled. */
export class RulesError extends TenetError {}

/** The input could not be read; the report records it under inputErrors. */
export class InputError extends TenetError {
  readonly report: Report;
}

/** Checks one input against the built-in packs (compiled once per process), or `options.rules`. */
export function check(source: string | Uint8Array | ArrayBuffer | ArrayBufferView, options?: TopLevelCheckOptions): Report;

/**
 * Rules from a file path or YAML text (a Buffer is always text). A string is a
 * path when it has no newline and names a file or ends in .yaml/.yml/.json.
 * `options.name` names text rules in error positions (default "<rules>").
 */
export function loadRules(pathOrText: string | Uint8Array | URL, options?: { name?: string }): Rules;

/** The built-in packs, compiled into a ruleset of your own. */
export function builtinRules(): Rules;

/** The libtenet version, "MAJOR.MINOR.PATCH". */
export const version: string;
