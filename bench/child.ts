// One (variant, backend) of the benchmark, in its own process so that registrations never mix.
//   node --import tsx child.ts <variant> <backend> <out.json>
import { writeFileSync } from 'node:fs';
import { type Case, type ChildResult, VARIANTS, type Variant } from './src/cases';
import { convkitCases } from './src/convkit-cases';
import { measure } from './src/measure';
import { tfjsLayersCases } from './src/tfjs-layers-cases';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

async function main(): Promise<void> {
  const [variant, backend, out] = process.argv.slice(2) as [Variant, string, string];
  if (!VARIANTS.includes(variant) || backend === undefined || out === undefined) {
    throw new Error(`usage: child.ts <${VARIANTS.join('|')}> <backend> <out.json>`);
  }
  const result: ChildResult = { variant, backend, cases: [] };
  let cases: Case[] = [];
  try {
    const setup =
      variant === 'convkit'
        ? await convkitCases(backend)
        : await tfjsLayersCases(backend, variant !== 'tfjs-layers');
    cases = setup.cases;
    result.detail = setup.detail;
  } catch (err) {
    result.error = message(err);
  }
  for (const c of cases) {
    try {
      // WebGPU's first run compiles shaders: always warm up there.
      const timing = await measure(() => c.run(), { coldIfSlow: backend !== 'webgpu' });
      result.cases.push({ name: c.name, timing });
    } catch (err) {
      result.cases.push({ name: c.name, error: message(err) });
    }
  }
  writeFileSync(out, JSON.stringify(result, null, 2));
}

main().then(
  // Exit explicitly: Dawn (WebGPU in Node) keeps the event loop alive while its device lives.
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
