import {
  useEffect,
  useRef,
  useState,
  type InputHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

/** Typed text read as a value, or why it cannot be. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error?: string };

const UNREADABLE = 'This text cannot be read as a value.';

interface DraftProps<T> {
  value: T;
  format: (value: T) => string;
  parse: (text: string) => Parsed<T>;
  onCommit: (value: T) => void;
  /**
   * The typed text does not parse (its message), or parses again (null). The text is kept on
   * screen, not applied, until it is corrected or the control goes away (then null as well).
   */
  onDraftError?: (message: string | null) => void;
}

interface Draft {
  text: string;
  /** The text does not parse: it stays on screen after blur, until it is fixed. */
  error: string | null;
}

function useDraft<T>({ value, format, parse, onCommit, onDraftError }: DraftProps<T>) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const report = useRef(onDraftError);
  useEffect(() => {
    report.current = onDraftError;
  });
  const failing = draft?.error ?? null;

  useEffect(() => {
    report.current?.(failing);
  }, [failing]);
  useEffect(() => () => report.current?.(null), []);

  return {
    value: draft?.text ?? format(value),
    onFocus: () => setDraft((now) => now ?? { text: format(value), error: null }),
    onBlur: () => setDraft((now) => (now?.error ? now : null)),
    change(text: string, badInput = false) {
      if (badInput) {
        setDraft({ text, error: 'This is not a number.' });
        return;
      }
      const parsed = parse(text);
      if (parsed.ok) {
        setDraft({ text, error: null });
        onCommit(parsed.value);
      } else {
        setDraft({ text, error: parsed.error ?? UNREADABLE });
      }
    },
  };
}

/**
 * A text box for a value that is not a string (a number, a list): while it has focus it shows
 * what is typed, and passes on each text that parses; on blur it shows the value again, unless
 * the text does not parse (then it stays, and onDraftError says why).
 */
export function DraftInput<T>({
  value,
  format,
  parse,
  onCommit,
  onDraftError,
  ...props
}: DraftProps<T> & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const draft = useDraft({ value, format, parse, onCommit, onDraftError });
  return (
    <input
      {...props}
      value={draft.value}
      onFocus={draft.onFocus}
      onBlur={draft.onBlur}
      onChange={(event) => draft.change(event.target.value, event.target.validity.badInput)}
    />
  );
}

/** DraftInput as a multi-line text area. */
export function DraftTextarea<T>({
  value,
  format,
  parse,
  onCommit,
  onDraftError,
  ...props
}: DraftProps<T> & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'>) {
  const draft = useDraft({ value, format, parse, onCommit, onDraftError });
  return (
    <textarea
      {...props}
      value={draft.value}
      onFocus={draft.onFocus}
      onBlur={draft.onBlur}
      onChange={(event) => draft.change(event.target.value)}
    />
  );
}
