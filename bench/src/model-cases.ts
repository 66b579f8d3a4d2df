import { formatReport, initBackend, Rng } from '@convkit/backend';
import { createModel } from '@convkit/models';
import { type Case, MODEL_INPUTS, modelCase } from './cases';
import { TorchWorker } from './torch-worker';

/** Models with 4 GMACs or more per image: minutes per batch of 8 on plain JS (cpu) or a software GPU. */
const BIG = new Set(['resnet50', 'vgg11']);

/**
 * Eval-mode inference of zoo models (`MODEL_INPUTS`, batch 8) on `backend`, each next to the same
 * torchvision model in PyTorch on this machine (`TorchWorker`), in interleaved rounds. The big models are
 * skipped on cpu and on a software WebGPU adapter, with the reason.
 */
export async function modelCases(backend: string): Promise<{ cases: Case[]; detail: string }> {
  const report = await initBackend({ backend, strict: true });
  const softwareGpu =
    backend === 'webgpu' && /llvmpipe|lavapipe|SwiftShader|software/i.test(formatReport(report));
  const torch = await TorchWorker.start();
  const cases: Case[] = [];
  for (const { model, input } of MODEL_INPUTS) {
    const name = modelCase(model);
    if (BIG.has(model) && (backend === 'cpu' || softwareGpu)) {
      const why = backend === 'cpu' ? 'cpu is plain JS' : 'software WebGPU emulates the GPU on the CPU';
      cases.push({ name, skipped: `too slow: ${why}, minutes per batch` });
      continue;
    }
    const net = createModel(model, { rng: 0 }).eval();
    const x = new Rng(1).normalTensor([...input]);
    let warm = false; // PyTorch warms up once per model, on its first request
    cases.push({
      name,
      run: async () => {
        const y = net.call(x);
        await y.data();
        y.dispose();
      },
      reference:
        typeof torch === 'string'
          ? { skipped: torch }
          : {
              run: (runs) => {
                const warmup = warm ? 0 : 1;
                warm = true;
                return torch.time(model, input[0], runs, warmup);
              },
            },
    });
  }
  const detail = `${formatReport(report).split('\n')[0]}; reference: ${typeof torch === 'string' ? torch : torch.description}`;
  return { cases, detail };
}
