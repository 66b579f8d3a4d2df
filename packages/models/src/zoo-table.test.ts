import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelRegistry } from './index';
import { withZooTable, zooTable } from './zoo-table';

describe('README zoo table', () => {
  it('is the registry’s (regenerate with `pnpm --filter @convkit/models zoo-table`)', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const table = zooTable(modelRegistry);
    expect(withZooTable(readme, table)).toBe(readme);
    expect(table).toContain('| ResNet | `resnet18` | 224×224×3 | 11.7 | 1.81 | `resnet18` |');
    expect(table).toContain('| VGG | `vgg16_bn` | 224×224×3 | 138.4 | 15.47 | `vgg16_bn` |');
    expect(table.split('\n').length).toBe(2 + modelRegistry.list().length);
  });
});
