/**
 * Text for a terminal. Names, paths and values that came from a user's files
 * reach the terminal through {@link forTerminal}, so an escape sequence hidden
 * in a scenario name (ESC [ ... to recolour or clear the screen, OSC 8 to
 * plant a link, OSC 52 to write the clipboard) is shown, not obeyed.
 */

/**
 * C0 controls other than tab and newline, DEL, and C1 controls (U+0080 to
 * U+009F, which some terminals read as 8-bit ESC sequences).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Unicode bidirectional controls (Trojan Source, CVE-2021-42574): they reorder
 * what the terminal shows without being visible themselves.
 */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character written as a visible escape: `\x1b`
 * for C0, DEL and C1 controls, `\u202e` for bidirectional controls. Tab and
 * newline pass; everything else, backslashes included, is unchanged, so plain
 * text (any language, any path) prints as it is. For display only: the result
 * is not meant to be unescaped.
 */
export function forTerminal(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${hex(c, 2)}`).replace(BIDI, (c) => `\\u${hex(c, 4)}`);
}

function hex(char: string, digits: number): string {
  return char.charCodeAt(0).toString(16).padStart(digits, '0');
}
