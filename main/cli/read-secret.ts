import { createInterface } from 'node:readline';
import { SwitchboardError } from '../lib/errors.ts';

/**
 * Reads a secret from stdin (piped) or a hidden prompt (TTY). Secrets never come from argv, where
 * they would land in shell history and be visible to every user through `ps`.
 */
export async function readSecret(prompt: string, input: NodeJS.ReadStream = process.stdin): Promise<string> {
  const value = input.isTTY ? await promptHidden(prompt, input) : await readAll(input);
  if (value === '')
    throw new SwitchboardError('USAGE', 'No secret value given: pipe it on stdin or type it at the prompt.');
  return value;
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  // `echo value |` adds one newline that is not part of the secret.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function promptHidden(prompt: string, input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, output: process.stderr, terminal: true });
    // Echo nothing but the prompt while the person types.
    const writable = rl as unknown as { _writeToOutput: (s: string) => void };
    writable._writeToOutput = (s: string) => {
      if (s.includes(prompt)) process.stderr.write(prompt);
    };
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
