export type ShellWords =
  | { readonly ok: true; readonly words: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** Characters a word may hold unquoted without the shell reading anything into them. */
const PLAIN = /[A-Za-z0-9_./:@%+=,\-\u0080-\uffff]/;

/**
 * Splits one simple shell command (`exec node server.js '/a dir'`) into the words
 * the shell would pass on, or says why it will not: only plain words, single
 * quotes and double quotes without `$`, `` ` `` or `\` are read. Anything the
 * shell would expand or sequence (variables, globs, `;`, `&&`, pipes, redirects,
 * subshells, braces, comments, escapes, `~user`) makes the string unreadable,
 * because the directories the server receives would then depend on it. `~` is
 * the server's home, so it is unreadable too when that is unknown.
 */
export function tokenizeShellCommand(script: string, home: string | undefined): ShellWords {
  const words: string[] = [];
  let word: string | undefined;
  let index = 0;
  while (index < script.length) {
    const char = script.charAt(index);
    if (char === ' ' || char === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
      index++;
    } else if (char === "'") {
      const end = script.indexOf("'", index + 1);
      if (end < 0) return refuse('an unterminated single quote');
      word = (word ?? '') + script.slice(index + 1, end);
      index = end + 1;
    } else if (char === '"') {
      const end = script.indexOf('"', index + 1);
      if (end < 0) return refuse('an unterminated double quote');
      const quoted = script.slice(index + 1, end);
      if (/[$`\\!]/.test(quoted)) return refuse(`an expansion inside double quotes: "${quoted}"`);
      word = (word ?? '') + quoted;
      index = end + 1;
    } else if (char === '~' && word === undefined) {
      const next = script.charAt(index + 1);
      if (next !== '' && next !== '/' && next !== ' ' && next !== '\t')
        return refuse('`~user`, which names another home directory');
      if (home === undefined) return refuse('`~`, and the server’s home directory is not known');
      word = home;
      index++;
    } else if (PLAIN.test(char)) {
      word = (word ?? '') + char;
      index++;
    } else {
      return refuse(
        `\`${char === '\n' ? '\\n' : char}\`, a shell construct the shim does not read`,
      );
    }
  }
  if (word !== undefined) words.push(word);
  if (words.length === 0) return refuse('no command');
  return { ok: true, words };
}

function refuse(reason: string): ShellWords {
  return { ok: false, reason };
}
