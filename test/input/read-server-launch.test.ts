import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { readServerLaunch } from '../../src/input/read-server-launch.js';
import { tokenizeShellCommand } from '../../src/input/tokenize-shell-command.js';

function words(command: string, ...args: string[]): readonly string[] | undefined {
  const launch = readServerLaunch(command, args);
  return launch.readable ? launch.words : undefined;
}

function refusal(command: string, ...args: string[]): string | undefined {
  const launch = readServerLaunch(command, args);
  return launch.readable ? undefined : launch.reason;
}

describe('readServerLaunch: what it reads', () => {
  it.each([
    ['a direct node command', ['node', 'server.js', '/wide'], ['node', 'server.js', '/wide']],
    [
      'npx with its options',
      ['npx', '-y', '@modelcontextprotocol/server-filesystem', '/a', '/b'],
      ['npx', '-y', '@modelcontextprotocol/server-filesystem', '/a', '/b'],
    ],
    [
      'npm exec',
      ['npm', 'exec', '--yes', 'pkg', '--', '/a'],
      ['npm', 'exec', '--yes', 'pkg', '--', '/a'],
    ],
    ['pnpm dlx', ['pnpm', 'dlx', 'pkg', '/a'], ['pnpm', 'dlx', 'pkg', '/a']],
    [
      'uvx',
      ['uvx', 'mcp-server-git', '--repository', '/r'],
      ['uvx', 'mcp-server-git', '--repository', '/r'],
    ],
    ['python -m', ['python3', '-m', 'server', '/a'], ['python3', '-m', 'server', '/a']],
    [
      'env with assignments',
      ['env', 'A=1', 'node', 's.js', '/a'],
      ['env', 'A=1', 'node', 's.js', '/a'],
    ],
    [
      'a server option -u after env',
      ['env', 'node', 's.js', '-u', '/a'],
      ['env', 'node', 's.js', '-u', '/a'],
    ],
    [
      'sh -c with exec',
      ['sh', '-c', 'exec node /s/index.js /wide/dir'],
      ['node', '/s/index.js', '/wide/dir'],
    ],
    ['bash -lc with npx', ['/bin/bash', '-lc', 'npx -y pkg /a'], ['npx', '-y', 'pkg', '/a']],
    ['zsh -ic', ['zsh', '-ic', 'node s.js /a'], ['node', 's.js', '/a']],
    ['dash -c -e', ['dash', '-e', '-c', 'node s.js'], ['node', 's.js']],
    ['quoted words', ['sh', '-c', `node 's.js' "/a dir" x'/y'`], ['node', 's.js', '/a dir', 'x/y']],
    ['a nested shell', ['sh', '-c', `bash -c 'exec node s.js /n'`], ['node', 's.js', '/n']],
    [
      'trailing $0 words',
      ['sh', '-c', 'node s.js', 'arg0', '/extra'],
      ['node', 's.js', 'arg0', '/extra'],
    ],
    [
      'env in front of a shell',
      ['env', 'A=1', 'sh', '-c', 'node s.js /a'],
      ['env', 'A=1', 'node', 's.js', '/a'],
    ],
  ])('reads %s', (_title, argv, expected) => {
    const [command = '', ...args] = argv;
    expect(words(command, ...args)).toEqual(expected);
  });

  it('expands ~ and ~/ at the start of a shell word, as the shell does', () => {
    expect(words('bash', '-lc', 'npx pkg ~/dir ~')).toEqual([
      'npx',
      'pkg',
      `${os.homedir()}/dir`,
      os.homedir(),
    ]);
  });
});

describe('readServerLaunch: what it refuses (the bases are then unknown)', () => {
  it.each([
    ['a cd in the shell string', ['sh', '-c', 'cd /wide && exec node s.js .'], /`&`/],
    ['a sequence', ['sh', '-c', 'cd /wide; node s.js .'], /`;`/],
    ['a variable', ['sh', '-c', 'exec node s.js $HOME/dir'], /`\$`/],
    ['a variable in double quotes', ['sh', '-c', 'node s.js "$DIR"'], /double quotes/],
    ['a command substitution', ['sh', '-c', 'node s.js `pwd`'], /`/],
    ['a subshell', ['bash', '-c', '(node s.js)'], /`\(`/],
    ['a glob', ['sh', '-c', 'node s.js /w*'], /`\*`/],
    ['a brace expansion', ['sh', '-c', 'node s.js /{a,b}'], /`\{`/],
    ['a redirect', ['sh', '-c', 'node s.js < /in'], /`<`/],
    ['a backslash', ['sh', '-c', 'node s.js /a\\ b'], /`\\`/],
    ['a newline', ['sh', '-c', 'cd /w\nnode s.js'], /\\n/],
    ['~user', ['sh', '-c', 'node s.js ~bob/dir'], /~user/],
    ['an unterminated quote', ['sh', '-c', "node 's.js"], /unterminated/],
    ['a lone cd', ['sh', '-c', 'cd /wide'], /`cd`/],
    ['source', ['bash', '-c', 'source env'], /`source`/],
    ['exec with options', ['sh', '-c', 'exec -a name node s.js'], /exec/],
    ['a shell running a script file', ['bash', 'start.sh'], /without `-c`/],
    ['a shell reading stdin', ['sh'], /without `-c`/],
    ['a shell rc file option', ['bash', '--rcfile', 'x', '-c', 'node s.js'], /shell option/],
    ['a script as the command', ['./run-server.sh', '/a'], /script/],
    ['env -C', ['env', '-C', '/wide', 'node', 's.js', '.'], /working directory/],
    ['env --chdir=', ['env', '--chdir=/wide', 'node', 's.js'], /working directory/],
    ['env -S', ['env', '-S', 'node s.js /a'], /inline code or a command string/],
    ['env HOME=', ['env', 'HOME=/wide', 'node', 's.js', '~/x'], /home directory/],
    ['env -i', ['env', '-i', 'PATH=/bin', 'node', 's.js'], /clears or unsets/],
    ['env -', ['env', '-', 'node', 's.js'], /clears or unsets/],
    ['env -u HOME', ['env', 'A=1', '-u', 'HOME', 'node', 's.js'], /clears or unsets/],
    ['env --unset=HOME', ['env', '--unset=HOME', 'node', 's.js'], /clears or unsets/],
    ['HOME= in a shell string', ['sh', '-c', 'HOME=/wide node s.js'], /home directory/],
    ['npx -c', ['npx', '-c', 'node s.js /a'], /command string/],
    ['npm --prefix', ['npm', '--prefix', '/wide', 'exec', 'pkg'], /working directory/],
    ['pnpm --dir', ['pnpm', '--dir', '/wide', 'dlx', 'pkg'], /working directory/],
    ['uv --directory', ['uv', 'run', '--directory', '/wide', 'server'], /working directory/],
    ['node -e', ['node', '-e', 'require("./s")'], /inline code/],
    ['node -p', ['node', '-p', 'require("./s")'], /inline code/],
    ['python -c', ['python3', '-c', 'import s'], /inline code/],
    [
      'docker run -v',
      ['docker', 'run', '-i', '-v', '/wide:/data', 'img', '/data'],
      /filesystem view/,
    ],
    ['sudo', ['sudo', '-u', 'bob', 'node', 's.js'], /user/],
    ['a shell deep inside a launcher', ['env', 'sh', '-c', 'cd /x && node s.js'], /`&`/],
  ])('refuses %s', (_title, argv, reason) => {
    const [command = '', ...args] = argv;
    expect(refusal(command, ...args)).toMatch(reason);
  });

  it('refuses a shell started with BASH_ENV or ENV, which runs a file first', () => {
    expect(readServerLaunch('bash', ['-c', 'node s.js'], ['PATH', 'BASH_ENV'])).toMatchObject({
      readable: false,
      reason: expect.stringMatching(/BASH_ENV/) as unknown,
    });
    expect(readServerLaunch('node', ['s.js'], ['BASH_ENV']).readable).toBe(true);
  });
});

describe('tokenizeShellCommand', () => {
  it('joins adjacent quoted and plain parts into one word', () => {
    expect(tokenizeShellCommand(`a'b c'"d"e  f`, '/home/u')).toEqual({
      ok: true,
      words: ['ab cde', 'f'],
    });
  });

  it('expands ~ to the server’s home, and refuses it when that is not known', () => {
    expect(tokenizeShellCommand('ls ~/a', '/home/u')).toEqual({
      ok: true,
      words: ['ls', '/home/u/a'],
    });
    expect(tokenizeShellCommand('ls ~/a', undefined)).toMatchObject({ ok: false });
    expect(tokenizeShellCommand("ls '~/a'", undefined)).toEqual({ ok: true, words: ['ls', '~/a'] });
  });

  it('refuses an empty string', () => {
    expect(tokenizeShellCommand('   ', '/home/u')).toMatchObject({ ok: false });
  });
});
