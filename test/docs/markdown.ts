import type { Token, Tokens } from "marked";

/** Every token of a document, depth first (links and code spans sit inside paragraphs, lists, tables, headings). */
export function* walk(tokens: readonly Token[]): Generator<Token> {
  for (const token of tokens) {
    yield token;
    const nested = token as { tokens?: Token[]; items?: Token[] };
    if (nested.tokens !== undefined) yield* walk(nested.tokens);
    if (nested.items !== undefined) yield* walk(nested.items);
    if (token.type === "table") {
      const table = token as Tokens.Table;
      for (const cell of [...table.header, ...table.rows.flat()]) yield* walk(cell.tokens);
    }
  }
}
