/**
 * Renders a form definition of tradeForms.ts: one labelled control per field (member pickers, amounts, dates, files
 * hashed in the browser — only their hash is kept —, discrepancy lines, checkboxes, selects, document kinds), one
 * message per bad field (role=alert, tied to its control), and the transaction's state. On submit it parses the
 * values with `parseForm` and hands the typed values to `onSubmit`, which builds the SDK call.
 */
import { useState, type FormEvent, type ReactNode } from "react";
import { shortHex, utcOffsetLabel, type UtcOffset } from "./format.js";
import { MemberSelect, type MemberRow } from "./hooks.js";
import { useI18n } from "./i18n.js";
import { TxStatus, type TxState } from "./TxStatus.js";
import {
  DOCUMENT_KIND_NAMES,
  initialValues,
  parseForm,
  type FieldDef,
  type FieldError,
  type FormDef,
  type RawValues,
  type Values,
} from "./tradeForms.js";
import { hashFileInBrowser } from "./pages/VerifyCertificate.js";
import { useApp } from "./context.js";
import { useFormatters } from "./amounts.js";
import { useCalendar } from "./calendar.js";

export function DefinedForm(props: {
  def: FormDef;
  members?: MemberRow[];
  /** The chain's time (unix seconds): dates must be after it. */
  chainNow: number;
  state: TxState;
  busy: boolean;
  onSubmit: (values: Values) => void;
  /** Shown between the fields and the button (e.g. the pending amendment, the allowance step). */
  children?: ReactNode;
}) {
  const { def } = props;
  const { t } = useI18n();
  const { config } = useApp();
  const format = useFormatters();
  const calendar = useCalendar();
  const hasDates = def.fields.some((field) => field.kind === "date");
  const [raw, setRaw] = useState<RawValues>(() => initialValues(def));
  const [errors, setErrors] = useState<Record<string, FieldError>>({});
  const set = (name: string, value: RawValues[string]) => setRaw((all) => ({ ...all, [name]: value }));
  const idOf = (field: FieldDef) => `${def.id}-${field.name}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    // dates are days of the consortium calendar: wait for its offset (read once per session) before converting them
    void calendar.read().then((utcOffset) => check(utcOffset));
  }

  function check(utcOffset: UtcOffset) {
    const parsed = parseForm(def, raw, { decimals: config.token.decimals, now: props.chainNow, utcOffset });
    if (!parsed.ok) {
      // the chain's time as a date in the user's zone, not unix seconds
      const shown = Object.entries(parsed.errors).map(([name, error]) => [
        name,
        error.key === "form.dateAfterChain" ? { ...error, params: { now: format.date(props.chainNow) } } : error,
      ]);
      setErrors(Object.fromEntries(shown) as Record<string, FieldError>);
      return;
    }
    setErrors({});
    props.onSubmit(parsed.values);
  }

  const labelOf = (field: FieldDef) =>
    field.kind === "amount" ? `${t(field.label)} (${config.token.currency})` : t(field.label);

  function control(field: FieldDef): ReactNode {
    const id = idOf(field);
    const value = raw[field.name];
    const described = errors[field.name] === undefined ? undefined : `${id}-error`;
    switch (field.kind) {
      case "member":
        return (
          <MemberSelect
            id={id}
            label={labelOf(field)}
            members={props.members ?? []}
            value={String(value ?? "")}
            onChange={(next) => set(field.name, next)}
            kinds={field.memberKinds}
          />
        );
      case "check":
        return (
          <>
            <label htmlFor={id}>{labelOf(field)}</label>
            <input
              id={id}
              type="checkbox"
              checked={value === true}
              onChange={(e) => set(field.name, e.target.checked)}
              aria-describedby={described}
            />
          </>
        );
      case "select":
        return (
          <>
            <label htmlFor={id}>{labelOf(field)}</label>
            <select
              id={id}
              value={String(value ?? "")}
              onChange={(e) => set(field.name, e.target.value)}
              aria-describedby={described}
            >
              {(field.options ?? []).map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          </>
        );
      case "documents": {
        const chosen = Array.isArray(value) ? value : [];
        return (
          <fieldset className="span" aria-describedby={described}>
            <legend>{labelOf(field)}</legend>
            {DOCUMENT_KIND_NAMES.map((name) => (
              <label key={name} className="inline">
                <input
                  type="checkbox"
                  checked={chosen.includes(name)}
                  onChange={(e) =>
                    set(field.name, e.target.checked ? [...chosen, name] : chosen.filter((n) => n !== name))
                  }
                />{" "}
                {name}
              </label>
            ))}
          </fieldset>
        );
      }
      case "file":
        return (
          <>
            <label htmlFor={id}>{labelOf(field)}</label>
            <span>
              <input
                id={id}
                type="file"
                aria-describedby={described}
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (file === undefined) set(field.name, "");
                  else void hashFileInBrowser(file).then((hash) => set(field.name, hash));
                }}
              />{" "}
              {typeof value === "string" && value !== "" && (
                <code data-file-hash={value} title={value}>
                  {shortHex(value)}
                </code>
              )}
            </span>
          </>
        );
      case "lines":
        return (
          <>
            <label htmlFor={id}>{labelOf(field)}</label>
            <textarea
              id={id}
              rows={4}
              value={String(value ?? "")}
              onChange={(e) => set(field.name, e.target.value)}
              aria-describedby={described}
            />
          </>
        );
      default:
        return (
          <>
            <label htmlFor={id}>{labelOf(field)}</label>
            <input
              id={id}
              type={field.kind === "date" ? "date" : field.kind === "secret" ? "password" : "text"}
              inputMode={field.kind === "amount" ? "decimal" : field.kind === "integer" ? "numeric" : undefined}
              autoComplete="off"
              spellCheck={false}
              value={String(value ?? "")}
              onChange={(e) => set(field.name, e.target.value)}
              aria-describedby={described}
            />
          </>
        );
    }
  }

  return (
    <form className="panel" onSubmit={submit} aria-labelledby={`${def.id}-title`} data-form={def.id} noValidate>
      <h3 id={`${def.id}-title`}>{t(def.title)}</h3>
      {def.intro !== undefined && <p className="muted">{t(def.intro)}</p>}
      {hasDates && <CalendarNote offset={calendar.offset} />}
      <div className="form-grid">
        {def.fields.map((field) => (
          <FieldRow key={field.name} id={`${idOf(field)}-error`} error={errors[field.name]}>
            {control(field)}
          </FieldRow>
        ))}
        {props.children}
        <span />
        <span>
          <button type="submit" disabled={props.busy}>
            {t(def.submit)}
          </button>{" "}
          <TxStatus state={props.state} />
        </span>
      </div>
    </form>
  );
}

function FieldRow({ id, error, children }: { id: string; error: FieldError | undefined; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      {children}
      {error !== undefined && (
        <>
          <span />
          <span id={id} role="alert" className="error" data-field-error>
            {t(error.key, error.params)}
          </span>
        </>
      )}
    </>
  );
}

/** Which day a date field means: the consortium calendar's (its UTC offset), or the user's zone when unavailable. */
export function CalendarNote({ offset }: { offset: UtcOffset | undefined }) {
  const { t } = useI18n();
  if (offset === undefined) return null;
  return (
    <p className="muted" data-calendar-offset={offset ?? "unavailable"}>
      {offset === null ? t("calendar.unavailable") : t("calendar.zone", { zone: utcOffsetLabel(offset) })}
    </p>
  );
}
