import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../relay/options';
import { RELAY_NODE_FLAGS } from '../../../relay/node-flags';

describe('relay Node flags', () => {
  it('npm start and the deployment command run the relay with them', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const deploy = readFileSync(path.join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8');
    for (const flag of RELAY_NODE_FLAGS) {
      expect(pkg.scripts.start).toContain(flag);
      expect(deploy).toContain(`node ${flag}`);
    }
  });
});
