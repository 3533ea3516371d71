import { useState, type InputHTMLAttributes, type TextareaHTMLAttributes } from 'react';

export type Parsed<T> = { ok: true; value: T } | { ok: false };

interface DraftProps<T> {
  value: T;
  format: (value: T) => string;
  parse: (text: string) => Parsed<T>;
  onCommit: (value: T) => void;
}

/**
 * A text box for a value that is not a string (a number, a list): while it has focus it shows
 * what is typed, and passes on each text that parses; on blur it shows the value again.
 */
export function DraftInput<T>({
  value,
  format,
  parse,
  onCommit,
  ...props
}: DraftProps<T> & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input
      {...props}
      value={draft ?? format(value)}
      onFocus={() => setDraft(format(value))}
      onBlur={() => setDraft(null)}
      onChange={(event) => {
        setDraft(event.target.value);
        if (event.target.validity.badInput) {
          return;
        }
        const parsed = parse(event.target.value);
        if (parsed.ok) {
          onCommit(parsed.value);
        }
      }}
    />
  );
}

/** DraftInput as a multi-line text area. */
export function DraftTextarea<T>({
  value,
  format,
  parse,
  onCommit,
  ...props
}: DraftProps<T> & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'>) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <textarea
      {...props}
      value={draft ?? format(value)}
      onFocus={() => setDraft(format(value))}
      onBlur={() => setDraft(null)}
      onChange={(event) => {
        setDraft(event.target.value);
        const parsed = parse(event.target.value);
        if (parsed.ok) {
          onCommit(parsed.value);
        }
      }}
    />
  );
}
