import { describe, expect, it } from 'vitest';
import { clientFile } from '../../src/clients/client-paths.js';

const place = {
  homeDir: '/home/me',
  cwd: '/work/project',
  env: {},
};

describe('clientFile', () => {
  it("puts Claude Desktop's config where each OS keeps it", () => {
    expect(clientFile('claude-desktop', { ...place, platform: 'darwin' }).path).toBe(
      '/home/me/Library/Application Support/Claude/claude_desktop_config.json',
    );
    expect(
      clientFile('claude-desktop', {
        ...place,
        platform: 'win32',
        env: { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' },
      }).path,
    ).toBe('C:\\Users\\me\\AppData\\Roaming\\Claude\\claude_desktop_config.json');
    expect(clientFile('claude-desktop', { ...place, platform: 'linux' }).path).toBe(
      '/home/me/.config/Claude/claude_desktop_config.json',
    );
    expect(
      clientFile('claude-desktop', { ...place, platform: 'linux', env: { XDG_CONFIG_HOME: '/x' } })
        .path,
    ).toBe('/x/Claude/claude_desktop_config.json');
  });

  it('finds the user and project files of Claude Code, Cursor and VS Code', () => {
    const linux = { ...place, platform: 'linux' as const };
    expect(clientFile('claude-code', linux)).toMatchObject({
      path: '/home/me/.claude.json',
      format: 'claude-code',
    });
    expect(clientFile('claude-code', { ...linux, env: { CLAUDE_CONFIG_DIR: '/cfg' } }).path).toBe(
      '/cfg/.claude.json',
    );
    expect(clientFile('claude-code-project', linux).path).toBe('/work/project/.mcp.json');
    expect(clientFile('cursor', linux)).toMatchObject({
      path: '/home/me/.cursor/mcp.json',
      format: 'cursor',
    });
    expect(clientFile('cursor-project', linux).path).toBe('/work/project/.cursor/mcp.json');
    expect(clientFile('vscode', linux)).toMatchObject({
      path: '/work/project/.vscode/mcp.json',
      format: 'vscode',
    });
  });
});
