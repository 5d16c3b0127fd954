/** Amount and date formatting bound to the configured token and the language shown. */
import { useApp } from "./context.js";
import { formatAmount, formatDate } from "./format.js";
import { useI18n } from "./i18n.js";

export interface Formatters {
  amount: (minor: string | bigint) => string;
  date: (unixSeconds: number) => string;
}

export function useFormatters(): Formatters {
  const { config } = useApp();
  const { tag } = useI18n();
  return {
    amount: (minor) => formatAmount(minor, config.token.decimals, tag, config.token.currency),
    date: (unixSeconds) => formatDate(unixSeconds, tag),
  };
}
