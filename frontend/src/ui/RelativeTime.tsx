import { formatDateTime, formatRelativeTime } from './format';
import { useNow } from './useNow';

export function RelativeTime({ value }: { value: string }) {
  const now = useNow();
  return (
    <time dateTime={value} title={formatDateTime(value)}>
      {formatRelativeTime(value, now)}
    </time>
  );
}
