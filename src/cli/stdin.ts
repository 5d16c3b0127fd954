/** Reading secrets and identifiers from standard input, so that they stay out of arguments and shell history. */

/** All of standard input as text, trimmed; `prompt` goes to stderr first when a person is typing. */
export async function readStdin(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}
